"""The sample engagement's region tree and how many people each unit has."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CLIENTS", "OPERATOR", "REGIONS", "STAFF_COUNTS", "Region", "cities_of", "region_name"]


@dataclass(frozen=True)
class Region:
    """A top-level region of the sample engagement.

    Parameters
    ----------
    id : str
        ASCII slug used in file names and manifest ids.
    name : str
        Chinese name.
    cities : tuple of (str, str)
        ``(id, name)`` of each city; empty when the region is a leaf.
    """

    id: str
    name: str
    cities: tuple[tuple[str, str], ...] = ()


REGIONS: tuple[Region, ...] = (
    Region("beijing", "北京"),
    Region("tianjin", "天津"),
    Region(
        "hebei",
        "河北",
        (
            ("shijiazhuang", "石家庄"),
            ("baoding", "保定"),
            ("tangshan", "唐山"),
            ("handan", "邯郸"),
            ("xingtai", "邢台"),
            ("cangzhou", "沧州"),
            ("hengshui", "衡水"),
            ("langfang", "廊坊"),
            ("chengde", "承德"),
            ("zhangjiakou", "张家口"),
            ("qinhuangdao", "秦皇岛"),
        ),
    ),
    Region(
        "shandong", "山东", (("jinan", "济南"), ("qingdao", "青岛"), ("yantai", "烟台"))
    ),
    Region("nanning", "南宁"),
)

#: The operator each top-level region belongs to (the seed: 北京/天津/河北/山东网通, 南宁电信).
OPERATOR: dict[str, str] = {
    "beijing": "网通",
    "tianjin": "网通",
    "hebei": "网通",
    "shandong": "网通",
    "nanning": "电信",
}

#: The client of each top-level region (``client:`` in the manifest; its cities inherit it).
CLIENTS: dict[str, str] = {
    "beijing": "华北网通",
    "tianjin": "华北网通",
    "hebei": "华北网通",
    "shandong": "华北网通",
    "nanning": "南宁电信",
}

#: Head counts per top-level region and population (88 account managers in total, as in the seed).
#: Every region has at least 5 people of each population, so no client-facing cell of a
#: region report is suppressed for being too small; Hebei has a sales manager per city and two
#: at the provincial marketing centre.
STAFF_COUNTS: dict[str, dict[str, int]] = {
    "beijing": {"account_manager": 14, "support_engineer": 8, "sales_manager": 6},
    "tianjin": {"account_manager": 12, "support_engineer": 6, "sales_manager": 5},
    "hebei": {"account_manager": 36, "support_engineer": 12, "sales_manager": 13},
    "shandong": {"account_manager": 14, "support_engineer": 6, "sales_manager": 6},
    "nanning": {"account_manager": 12, "support_engineer": 5, "sales_manager": 5},
}


def cities_of(region_id: str) -> tuple[tuple[str, str], ...]:
    """Return the ``(id, name)`` units people of ``region_id`` work in (its cities, or itself)."""
    region = next(r for r in REGIONS if r.id == region_id)
    return region.cities or ((region.id, region.name),)


def region_name(unit_id: str) -> str:
    """Return the Chinese name of a top-level region or city id."""
    for region in REGIONS:
        if region.id == unit_id:
            return region.name
        for cid, cname in region.cities:
            if cid == unit_id:
                return cname
    raise KeyError(unit_id)
