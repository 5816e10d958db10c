"""The 47 CEADs sectors: codes (GB/T 4754-2011), names, sections and the ``--sectors`` choice.

CEADs (ceads.net) keeps the pre-2011 industry list of 45 production sectors plus urban
and rural households.  Each gets a stable code: the GB/T 4754-2011 two-digit division
where there is one (``26``), the three-digit group where CEADs splits a division
(rubber ``291`` and plastics ``292`` of division 29; logging ``022`` of forestry), ``36+37``
for ``Transportation Equipment`` (automobiles and other transport equipment together),
the section letter where CEADs keeps a whole section (``A``, ``E``) and readable ids for
the service and household rows (``transport_post``, ``urban`` ...).

``section`` is the GB/T section (A agriculture, B mining, C manufacturing, D utilities,
E construction) or ``services`` / ``households``; "industry" (工业) is B + C + D.
"""

from __future__ import annotations

from dataclasses import dataclass

from carbonpath.core.errors import InputError, suggest


@dataclass(frozen=True)
class CeadsSector:
    """One CEADs row: its label in the workbooks, code, Chinese name and GB/T section."""

    label: str
    code: str
    name_zh: str
    section: str


_ROWS: tuple[tuple[str, str, str, str], ...] = (
    ("Farming, Forestry, Animal Husbandry, Fishery and Water Conservancy", "A",
     "农、林、牧、渔业及水利管理", "A"),
    ("Coal Mining and Dressing", "06", "煤炭开采和洗选业", "B"),
    ("Petroleum and Natural Gas Extraction", "07", "石油和天然气开采业", "B"),
    ("Ferrous Metals Mining and Dressing", "08", "黑色金属矿采选业", "B"),
    ("Nonferrous Metals Mining and Dressing", "09", "有色金属矿采选业", "B"),
    ("Nonmetal Minerals Mining and Dressing", "10", "非金属矿采选业", "B"),
    ("Other Minerals Mining and Dressing", "12", "其他采矿业", "B"),
    ("Logging and Transport of Wood and Bamboo", "022", "木材和竹材采运", "A"),
    ("Food Processing", "13", "农副食品加工业", "C"),
    ("Food Production", "14", "食品制造业", "C"),
    ("Beverage Production", "15", "酒、饮料和精制茶制造业", "C"),
    ("Tobacco Processing", "16", "烟草制品业", "C"),
    ("Textile Industry", "17", "纺织业", "C"),
    ("Garments and Other Fiber Products", "18", "纺织服装、服饰业", "C"),
    ("Leather, Furs, Down and Related Products", "19", "皮革、毛皮、羽毛及其制品和制鞋业", "C"),
    ("Timber Processing, Bamboo, Cane, Palm Fiber & Straw Products", "20",
     "木材加工和木、竹、藤、棕、草制品业", "C"),
    ("Furniture Manufacturing", "21", "家具制造业", "C"),
    ("Papermaking and Paper Products", "22", "造纸和纸制品业", "C"),
    ("Printing and Record Medium Reproduction", "23", "印刷和记录媒介复制业", "C"),
    ("Cultural, Educational and Sports Articles", "24", "文教、工美、体育和娱乐用品制造业", "C"),
    ("Petroleum Processing and Coking", "25", "石油加工、炼焦和核燃料加工业", "C"),
    ("Raw Chemical Materials and Chemical Products", "26", "化学原料和化学制品制造业", "C"),
    ("Medical and Pharmaceutical Products", "27", "医药制造业", "C"),
    ("Chemical Fiber", "28", "化学纤维制造业", "C"),
    ("Rubber Products", "291", "橡胶制品业", "C"),
    ("Plastic Products", "292", "塑料制品业", "C"),
    ("Nonmetal Mineral Products", "30", "非金属矿物制品业", "C"),
    ("Smelting and Pressing of Ferrous Metals", "31", "黑色金属冶炼和压延加工业", "C"),
    ("Smelting and Pressing of Nonferrous Metals", "32", "有色金属冶炼和压延加工业", "C"),
    ("Metal Products", "33", "金属制品业", "C"),
    ("Ordinary Machinery", "34", "通用设备制造业", "C"),
    ("Equipment for Special Purposes", "35", "专用设备制造业", "C"),
    ("Transportation Equipment", "36+37", "汽车制造业；铁路、船舶、航空航天和其他运输设备制造业", "C"),
    ("Electric Equipment and Machinery", "38", "电气机械和器材制造业", "C"),
    ("Electronic and Telecommunications Equipment", "39", "计算机、通信和其他电子设备制造业", "C"),
    ("Instruments, Meters, Cultural and Office Machinery", "40", "仪器仪表制造业", "C"),
    ("Other Manufacturing Industry", "41", "其他制造业", "C"),
    ("Scrap and waste", "42", "废弃资源综合利用业", "C"),
    ("Production and Supply of Electric Power, Steam and Hot Water", "44",
     "电力、热力生产和供应业", "D"),
    ("Production and Supply of Gas", "45", "燃气生产和供应业", "D"),
    ("Production and Supply of Tap Water", "46", "水的生产和供应业", "D"),
    ("Construction", "E", "建筑业", "E"),
    ("Transportation, Storage, Post and Telecommunication Services", "transport_post",
     "交通运输、仓储、邮政和电信业", "services"),
    ("Wholesale, Retail Trade and Catering Services", "trade_catering",
     "批发、零售业和住宿、餐饮业", "services"),
    ("Others", "other_services", "其他行业", "services"),
    ("Urban", "urban", "城镇居民生活", "households"),
    ("Rural", "rural", "乡村居民生活", "households"),
)  # fmt: skip

#: the 47 CEADs rows in workbook order
CEADS_SECTORS: tuple[CeadsSector, ...] = tuple(CeadsSector(*row) for row in _ROWS)
BY_CODE: dict[str, CeadsSector] = {s.code: s for s in CEADS_SECTORS}

#: modern-manufacturing members of the reference paper (Table 4) -> group id
MODERN_GROUPS: dict[str, str] = {
    "26": "other",
    "27": "pharmaceuticals",
    "34": "electromechanical",
    "35": "electromechanical",
    "36+37": "transport",
    "38": "electromechanical",
    "39": "electronics",
    "40": "electromechanical",
}
#: group id -> label: the paper's groups, then one group per section for the other rows
GROUP_LABELS: dict[str, str] = {
    "electronics": "Electronics",
    "electromechanical": "Electromechanical",
    "transport": "Transportation equipment",
    "pharmaceuticals": "Pharmaceuticals",
    "other": "Other (chemicals)",
}
SECTION_GROUPS: dict[str, tuple[str, str]] = {
    "A": ("agriculture", "Agriculture, forestry, fishery and water conservancy (A)"),
    "B": ("mining", "Mining (B)"),
    "C": ("manufacturing", "Other manufacturing (C)"),
    "D": ("utilities", "Power, gas and water supply (D)"),
    "E": ("construction", "Construction (E)"),
    "services": ("services", "Services"),
    "households": ("households", "Households (urban and rural)"),
}

#: ``--sectors`` keywords -> the sections they take (modern is the paper's eight)
KEYWORDS: dict[str, tuple[str, ...]] = {
    "manufacturing": ("C",),
    "industry": ("B", "C", "D"),
    "all": ("A", "B", "C", "D", "E", "services", "households"),
}


def group_of(code: str) -> str:
    """The study group of a sector: its Table 4 group if modern, else its section's group."""
    if code in MODERN_GROUPS:
        return MODERN_GROUPS[code]
    return SECTION_GROUPS[BY_CODE[code].section][0]


def group_labels(codes: list[str]) -> dict[str, str]:
    """``[groups]`` for the given sectors: the groups they use, in a fixed order."""
    labels = {**GROUP_LABELS, **dict(SECTION_GROUPS.values())}
    used = {group_of(c) for c in codes}
    return {g: label for g, label in labels.items() if g in used}


def select_sectors(spec: str) -> list[str]:
    """Sector codes for ``--sectors``: ``modern``, ``manufacturing``, ``industry``, ``all``
    or a comma list of codes and keywords (their union), in CEADs row order."""
    chosen: set[str] = set()
    items = [s.strip() for s in str(spec).split(",") if s.strip()]
    if not items:
        raise InputError(
            "--sectors is empty", fix="give modern, manufacturing, industry, all or sector codes"
        )
    for item in items:
        key = item.lower()
        if key == "modern":
            chosen.update(MODERN_GROUPS)
        elif key in KEYWORDS:
            chosen.update(s.code for s in CEADS_SECTORS if s.section in KEYWORDS[key])
        elif item in BY_CODE or item.upper() in BY_CODE:
            chosen.add(item if item in BY_CODE else item.upper())
        else:
            options = ["modern", *KEYWORDS, *BY_CODE]
            raise InputError(
                f"--sectors: '{item}' is neither a CEADs sector code nor a keyword"
                f"{suggest(item, options)}",
                fix="use modern, manufacturing, industry, all or codes such as 26,27,291,E,urban "
                "(see docs/data-import.md)",
            )
    return [s.code for s in CEADS_SECTORS if s.code in chosen]
