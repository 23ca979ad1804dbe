"""Which customer industries a region's research talks about: the evidence for 行业篇.

The seed's industry chapter (行业篇 行业解决方案销售) names seven industries -- hotels, retail,
education, real estate, travel agencies, trading companies, factories -- as examples; which ones
a region's course teaches should follow the region's own customers. :func:`industry_evidence`
counts, per industry, three independent traces in the research bundle:

* ``ride_alongs`` -- customer visits of the region observed on ride-alongs, by the visit's
  ``industry`` column;
* ``catalogue`` -- products of the region's local catalogue whose name, package or customer value
  names the industry (e.g. 商务领航·酒店版);
* ``notes`` -- interview and ride-along notes of the region whose text mentions the industry
  through one of its words (:data:`INDUSTRY_WORDS`: 医院, 院长, 病人 … for hospitals).

The counts are of visits, catalogue rows and notes -- never of people -- and name no customer.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import pandas as pd

from casekit.domain import INDUSTRIES
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns

__all__ = [
    "INDUSTRY_EVIDENCE_COLUMNS",
    "INDUSTRY_EVIDENCE_SCHEMA",
    "INDUSTRY_SOURCES",
    "INDUSTRY_WORDS",
    "industry_evidence",
]

#: The table of :func:`industry_evidence`.
INDUSTRY_EVIDENCE_SCHEMA = OutputSchema(
    "industry evidence", "casekit.analysis.industry_evidence", (
        *columns("str", "industry", "industry_label", "source", "source_label"),
        Col("count", "int", description="visits, catalogue rows or notes of the region"),
        Col("words", "str", description="the words found (notes, catalogue), joined by 、"),
    ), consumers=("reports.course", "curriculum.design"))
#: Columns of :func:`industry_evidence`.
INDUSTRY_EVIDENCE_COLUMNS: tuple[str, ...] = INDUSTRY_EVIDENCE_SCHEMA.names

#: Where a count comes from → how a consultant reads it.
INDUSTRY_SOURCES: Mapping[str, str] = MappingProxyType({
    "ride_alongs": "工作随访中的客户拜访",
    "catalogue": "本地区产品目录",
    "notes": "访谈与随访记录",
})

#: Words that mark a note or catalogue row as being about an industry: the industry's label and
#: aliases (:data:`casekit.domain.INDUSTRIES`) and the people and places of that trade.
INDUSTRY_WORDS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "hotel": ("酒店", "宾馆", "客房", "前台", "旅馆"),
    "retail": ("超市", "零售", "商场", "门店", "收银"),
    "education": ("学校", "小学", "中学", "校长", "教育", "老师", "学生"),
    "real_estate": ("地产", "楼盘", "售楼", "物业", "开发商"),
    "travel": ("旅行社", "旅游", "游客", "导游"),
    "trading": ("贸易", "进出口", "批发", "外贸"),
    "manufacturing": ("工厂", "厂长", "车间", "生产线", "厂里"),
    "hospital": ("医院", "院长", "病人", "患者", "门诊", "诊所", "医药", "医疗"),
    "bakery": ("面包房", "面包店", "蛋糕"),
    "cosmetics": ("化妆品",),
})


def _words(industry: str) -> tuple[str, ...]:
    term = INDUSTRIES[industry]
    seen: dict[str, None] = {}
    for word in (*INDUSTRY_WORDS.get(industry, ()), term.label, *term.aliases):
        if len(word) >= 2:
            seen.setdefault(word, None)
    return tuple(seen)


def _found(text: str, words: tuple[str, ...]) -> list[str]:
    return [w for w in words if w in text]


def industry_evidence(bundle: Any, region_id: str) -> pd.DataFrame:
    """Count the traces of each customer industry in one region's research.

    Parameters
    ----------
    bundle : casekit.intake.Bundle
        A loaded research bundle (``manifest``, ``ride_alongs``, ``catalogue``, ``notes``).
    region_id : str
        A region id of the manifest; a city counts its own visits and catalogue, and its
        province's notes (notes are filed by province).

    Returns
    -------
    pandas.DataFrame
        :data:`INDUSTRY_EVIDENCE_COLUMNS`, one row per industry × source with a count above 0,
        ordered by industry (most traces first, then :data:`~casekit.domain.INDUSTRIES` order)
        and source (:data:`INDUSTRY_SOURCES` order).

    Examples
    --------
    >>> evidence = industry_evidence(load_bundle("research_data/sample"), "hebei")  # doctest: +SKIP
    >>> evidence.groupby("industry_label")["count"].sum().idxmax()  # doctest: +SKIP
    '医院'
    """
    manifest = bundle.manifest
    region_id = manifest.require(region_id)
    top = manifest.top_of(region_id)
    is_city = top != region_id
    counts: dict[tuple[str, str], tuple[int, list[str]]] = {}
    words_of = {industry: _words(industry) for industry in INDUSTRIES}

    def add(industry: str, source: str, found: list[str]) -> None:
        n, words = counts.get((industry, source), (0, []))
        counts[(industry, source)] = (n + 1, words + [w for w in found if w not in words])

    visits = bundle.ride_alongs
    if not visits.empty:
        mine = visits.loc[(visits["region_id"] if is_city else visits["top_region_id"]) == region_id]
        for industry in mine["industry"].dropna().astype(str):
            if industry in INDUSTRIES:
                add(industry, "ride_alongs", [])
    catalogue = bundle.catalogue
    if not catalogue.empty:
        mine = catalogue.loc[catalogue["region_id"] == (region_id if is_city else top)]
        fields = [mine[c] for c in ("local_name", "package", "customer_value") if c in mine.columns]
        for values in zip(*fields) if fields else ((),) * len(mine):
            text = " ".join(str(v) for v in values)
            for industry in INDUSTRIES:
                found = _found(text, words_of[industry])
                if found:
                    add(industry, "catalogue", found)
    notes = bundle.notes
    if not notes.empty:
        mine = notes.loc[notes["top_region_id"] == top]
        for text in mine["text"].astype(str):
            for industry in INDUSTRIES:
                found = _found(text, words_of[industry])
                if found:
                    add(industry, "notes", found)

    order = {industry: i for i, industry in enumerate(INDUSTRIES)}
    source_order = {source: i for i, source in enumerate(INDUSTRY_SOURCES)}
    totals: dict[str, int] = {}
    for (industry, _), (n, _) in counts.items():
        totals[industry] = totals.get(industry, 0) + n
    rows = [
        {
            "industry": industry,
            "industry_label": INDUSTRIES[industry].label,
            "source": source,
            "source_label": INDUSTRY_SOURCES[source],
            "count": n,
            "words": "、".join(words),
        }
        for (industry, source), (n, words) in sorted(
            counts.items(), key=lambda kv: (-totals[kv[0][0]], order[kv[0][0]], source_order[kv[0][1]]))
    ]
    return pd.DataFrame(rows, columns=list(INDUSTRY_EVIDENCE_COLUMNS)).astype({"count": "int64"})
