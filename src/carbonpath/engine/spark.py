"""Apache Spark: the same aggregation SQL beyond one machine (``[engine] kind = "spark"``).

Needs ``pip install 'carbonpath[spark]'`` (pyspark) and a Java runtime (17 or later);
without either the run stops with an input error that says what to install.  The
session uses ``master`` (``local[2]``, or a cluster URL: the driver then sends the
aggregation to the cluster's executors, which read the Parquet/CSV file from a path
they can all see) and ``spark_conf``; the web UI is off.  Frames are sent through Arrow.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from carbonpath.core.errors import InputError
from carbonpath.engine.settings import EngineSettings

__all__ = ["session", "spark_missing", "run_spark"]


def spark_missing() -> str | None:
    """Why Spark cannot run here (None: pyspark and java are present)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'carbonpath[spark]')"
    if shutil.which("java") is None:
        return (
            "Java is not installed (Spark needs a Java 17+ runtime, e.g. openjdk-17-jre-headless)"
        )
    return None


def session(settings: EngineSettings):  # -> pyspark.sql.SparkSession
    """The Spark session of ``settings`` (an existing one with the same master is reused)."""
    why = spark_missing()
    if why is not None:
        raise InputError(
            f'[engine] kind = "spark" cannot run: {why}', fix='install it, or use kind = "duckdb"'
        )
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(settings.master)
        .appName("carbonpath")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
    )
    for key, value in sorted(settings.spark_conf.items()):
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _frame(spark, frame: pd.DataFrame):
    return spark.createDataFrame(frame.reset_index(drop=True))


def run_spark(
    activity: pd.DataFrame | Path,
    units: pd.DataFrame,
    factors: pd.DataFrame,
    sql: str,
    settings: EngineSettings,
    kept: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Run the aggregation ``sql`` over ``activity`` on Spark; the result as a frame."""
    spark = session(settings)
    if isinstance(activity, pd.DataFrame):
        src = _frame(spark, activity)
    elif Path(activity).suffix.lower() in (".parquet", ".pq"):
        src = spark.read.parquet(str(activity))
    else:
        src = spark.read.csv(str(activity), header=True, inferSchema=True)
    src.createOrReplaceTempView("activity")
    _frame(spark, units).createOrReplaceTempView("units")
    _frame(spark, factors).createOrReplaceTempView("factors")
    if kept is not None:
        _frame(spark, pd.DataFrame({"facility": list(kept)}, dtype=str)).createOrReplaceTempView(
            "kept"
        )
    return spark.sql(sql).toPandas()
