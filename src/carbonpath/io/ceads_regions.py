"""The 30 CEADs provinces: codes, English and Chinese names, the NBS four-region grouping.

CEADs names each province sheet ``<Province><YYYY>`` (``InnerMongolia2019``); that name
without the year is the region code in an imported panel study.  ``group`` is the
National Bureau of Statistics division into east, central, west and northeast
(国家统计局 东部、中部、西部和东北地区, 2011).  Tibet, Hong Kong, Macao and Taiwan
are not in the CEADs provincial inventories.  ``zh`` is also the prefix CEADs puts
before a city's name in the 290-city workbook (``安徽安庆``).
"""

from __future__ import annotations

#: sheet name -> (English name, Chinese name, NBS region group)
PROVINCES: dict[str, tuple[str, str, str]] = {
    "Beijing": ("Beijing", "北京", "east"),
    "Tianjin": ("Tianjin", "天津", "east"),
    "Hebei": ("Hebei", "河北", "east"),
    "Shanxi": ("Shanxi", "山西", "central"),
    "InnerMongolia": ("Inner Mongolia", "内蒙古", "west"),
    "Liaoning": ("Liaoning", "辽宁", "northeast"),
    "Jilin": ("Jilin", "吉林", "northeast"),
    "Heilongjiang": ("Heilongjiang", "黑龙江", "northeast"),
    "Shanghai": ("Shanghai", "上海", "east"),
    "Jiangsu": ("Jiangsu", "江苏", "east"),
    "Zhejiang": ("Zhejiang", "浙江", "east"),
    "Anhui": ("Anhui", "安徽", "central"),
    "Fujian": ("Fujian", "福建", "east"),
    "Jiangxi": ("Jiangxi", "江西", "central"),
    "Shandong": ("Shandong", "山东", "east"),
    "Henan": ("Henan", "河南", "central"),
    "Hubei": ("Hubei", "湖北", "central"),
    "Hunan": ("Hunan", "湖南", "central"),
    "Guangdong": ("Guangdong", "广东", "east"),
    "Guangxi": ("Guangxi", "广西", "west"),
    "Hainan": ("Hainan", "海南", "east"),
    "Chongqing": ("Chongqing", "重庆", "west"),
    "Sichuan": ("Sichuan", "四川", "west"),
    "Guizhou": ("Guizhou", "贵州", "west"),
    "Yunnan": ("Yunnan", "云南", "west"),
    "Shaanxi": ("Shaanxi", "陕西", "west"),
    "Gansu": ("Gansu", "甘肃", "west"),
    "Qinghai": ("Qinghai", "青海", "west"),
    "Ningxia": ("Ningxia", "宁夏", "west"),
    "Xinjiang": ("Xinjiang", "新疆", "west"),
}
#: Chinese province names not among the 30 (they may prefix a city name)
OTHER_ZH: dict[str, str] = {"西藏": "Tibet"}

#: Chinese short name -> English name, longest first (黑龙江 before 黑 ..., 内蒙古)
ZH_PREFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        [(zh, en) for en, zh, _g in PROVINCES.values()] + list(OTHER_ZH.items()),
        key=lambda item: -len(item[0]),
    )
)


def region_row(code: str) -> tuple[str, str, str, str]:
    """``code, name, name_zh, group`` of a province sheet name (unknown: the code alone)."""
    name, zh, group = PROVINCES.get(code, (code, "", ""))
    return code, name, zh, group


def split_city(label: str) -> tuple[str, str]:
    """A CEADs city label -> (province Chinese name, city name): ``安徽安庆`` -> (安徽, 安庆).

    A municipality (``北京``) is its own province: (北京, 北京).  A label starting with
    no known province gives ("", label).
    """
    for zh, _en in ZH_PREFIXES:
        if label.startswith(zh):
            rest = label[len(zh) :]
            return zh, rest or label
    return "", label
