"""Loading a study folder into validated :class:`StudyData` (settings and tidy tables)."""

from carbonpath.study.data import StudyData
from carbonpath.study.load import BUILTIN, builtin_path, load_study

__all__ = ["BUILTIN", "StudyData", "builtin_path", "load_study"]
