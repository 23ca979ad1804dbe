"""``manifest.yaml``: the client, the region tree (province → city) and course-day budgets."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from casekit import domain
from casekit.exceptions import Problem
from casekit.file_ids import file_id_problem, file_id_rule, name_key, name_problem
from casekit.intake._files import text_of
from casekit.intake.config import Each, Keyed, Schema, read_config
from casekit.intake.regions import RegionIndex, RegionMatch
from casekit.intake.schemas import REGIONS
from casekit.language import tr

__all__ = ["MANIFEST_FILE", "Manifest", "read_manifest"]

MANIFEST_FILE = "manifest.yaml"
_REGION_ID = re.compile(r"[a-z][a-z0-9_]*")
_CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class CitySchema(Schema):
    """A city under a top-level region."""

    id: Any = None
    name: Any = None
    client: Any = None


class RegionSchema(CitySchema):
    """A top-level region (a province) and its cities."""

    cities: Each[CitySchema] | None = None


class AudienceSchema(Schema):
    """A population's course-day budget."""

    days: Any = None


class SessionsSchema(Schema):
    """The half-day sessions of the courses: minutes and, optionally, start times."""

    morning: Any = None
    afternoon: Any = None
    morning_start: Any = None
    afternoon_start: Any = None


class ManifestSchema(Schema):
    """The keys of ``manifest.yaml`` (``docs/bundle-format.md``)."""

    bundle: Any = None
    client: Any = None
    engagement: Any = None
    period: Any = None
    regions: Each[RegionSchema] | None = None
    audiences: Keyed[AudienceSchema] | None = None
    budgets: Any = None
    sessions: SessionsSchema | None = None


@dataclass(frozen=True, eq=False)
class Manifest:
    """The parsed ``manifest.yaml``.

    Attributes
    ----------
    bundle, client, engagement, period : str
        Header fields of the manifest.
    regions : DataFrame
        One row per region in manifest order (each top-level region followed by its cities):
        ``region_id``, ``name``, ``parent_id`` (None for top level), ``level`` (``top``/``city``).
    audiences : mapping of str to float
        Population id → course-day budget.
    budgets : mapping of str to mapping of str to float
        Region id → population id → overriding course-day budget.
    sessions : mapping of str to int or str
        The courses' half-day sessions as the manifest sets them (``morning`` / ``afternoon``
        minutes, ``morning_start`` / ``afternoon_start`` ``"HH:MM"``); empty: the defaults
        (:data:`casekit.domain.DEFAULT_SESSION_MINUTES` each, no clock times).
    clients : mapping of str to str
        Region id → the region's own client (a region's or city's ``client:`` key), for the
        regions that name one; read it with :meth:`client_of`.
    """

    bundle: str
    client: str
    engagement: str
    period: str
    regions: pd.DataFrame
    audiences: Mapping[str, float] = field(default_factory=dict)
    budgets: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    sessions: Mapping[str, Any] = field(default_factory=dict)
    clients: Mapping[str, str] = field(default_factory=dict)

    def client_of(self, region_id: str) -> str:
        """Return the client of a region: its own ``client:``, else its province's, else the bundle's.

        An engagement may serve several clients (华北网通 in 北京, 南宁电信 in 南宁): a region's
        report names the region's client, never the whole list.

        Parameters
        ----------
        region_id : str
            A region id or name (a province or a city).

        Returns
        -------
        str
            The client's name.

        Raises
        ------
        RegionError
            If the region is not in the manifest.
        """
        rid = self.require(region_id)
        for candidate in (rid, self.top_of(rid)):
            if candidate in self.clients:
                return self.clients[candidate]
        return self.client

    # -- region tree ----------------------------------------------------------------------------

    def top_level_ids(self) -> list[str]:
        """Return the ids of the top-level regions, in manifest order."""
        return self.regions.loc[self.regions["level"] == "top", "region_id"].tolist()

    @property
    def region_index(self) -> RegionIndex:
        """The :class:`~casekit.intake.regions.RegionIndex` of the manifest's regions.

        Every region id or name given by a user or a data row is resolved through it, by one
        rule: exact id or name first, then the documented fallbacks (letter case, one
        administrative suffix added or removed) when they give exactly one region.
        """
        cached = self.__dict__.get("_region_index")
        if cached is None:
            cached = RegionIndex(self.regions["region_id"].tolist(), self.regions["name"].tolist(),
                                 top_level=self.regions.loc[self.regions["parent_id"].isna(), "region_id"].tolist())
            object.__setattr__(self, "_region_index", cached)
        return cached

    def match(self, text: str) -> RegionMatch:
        """Return every region ``text`` may name (see :meth:`RegionIndex.match`)."""
        return self.region_index.match(text)

    def require(self, text: str) -> str:
        """Return the region id named by ``text`` (an id or a Chinese name), or raise.

        Like :meth:`resolve`, but an unknown or ambiguous region is an error.

        Parameters
        ----------
        text : str
            A region id or name, e.g. ``"hebei"``, ``"河北"`` or ``"保定市"``.

        Returns
        -------
        str
            The region id.

        Raises
        ------
        RegionError
            If no region of the manifest has that id or name (the message suggests the closest
            and lists the known ids), or if several fit (the message lists them).
        """
        return self.region_index.require(text)

    def descendants(self, region_id: str) -> list[str]:
        """Return ``region_id`` and the ids of all its cities.

        Parameters
        ----------
        region_id : str
            A region id or name.

        Returns
        -------
        list of str
            The region itself first, then its cities in manifest order.

        Raises
        ------
        RegionError
            If the region is not in the manifest.
        """
        rid = self.require(region_id)
        return [rid, *self._tree["children"].get(rid, [])]

    def resolve(self, text: str) -> str | None:
        """Return the region id named by ``text`` (an id or a Chinese name), or None.

        The rule of :mod:`casekit.intake.regions`: exact id or name first; then the id or name
        in other letter case, or with one administrative suffix added or removed (``保定市`` for
        保定), when that gives exactly one region. None when no region, or several, fit —
        :meth:`require` says which.
        """
        return self.region_index.resolve(text)

    def resolve_many(self, texts: pd.Series) -> pd.Series:
        """Vectorised :meth:`resolve` of a text column (unknown and ambiguous names become missing)."""
        return self.region_index.resolve_many(texts)

    def name(self, region_id: str) -> str:
        """Return the Chinese name of a region (id or name accepted).

        Raises
        ------
        RegionError
            If the region is not in the manifest.
        """
        return self._tree["names"][self.require(region_id)]

    def top_of(self, region_id: str) -> str:
        """Return the id of the top-level region that ``region_id`` belongs to (itself if top).

        Raises
        ------
        RegionError
            If the region is not in the manifest.
        """
        return self._tree["tops"][self.require(region_id)]

    def top_map(self) -> dict[str, str]:
        """Return ``region id → top-level region id`` for every region (a new dict each call)."""
        return dict(self._tree["tops"])

    @property
    def _tree(self) -> dict[str, dict]:
        # The region tree as dicts (names, top-level region, cities), read once from ``regions``:
        # name/top_of/descendants are asked hundreds of times per report. Like region_index, it
        # assumes ``regions`` is not changed after the manifest is read.
        cached = self.__dict__.get("_region_tree")
        if cached is None:
            r = self.regions
            ids, parents = r["region_id"].tolist(), r["parent_id"].tolist()
            children: dict[str, list[str]] = {}
            for rid, parent in zip(ids, parents):
                if not pd.isna(parent):
                    children.setdefault(parent, []).append(rid)
            cached = {
                "names": dict(zip(ids, r["name"].tolist())),
                "tops": {rid: rid if pd.isna(parent) else parent for rid, parent in zip(ids, parents)},
                "children": children,
            }
            object.__setattr__(self, "_region_tree", cached)
        return cached

    def budget_days(self, region_id: str, population: str) -> float:
        """Return the course-day budget of ``population`` in ``region_id``.

        The region's own override wins, then its top-level region's, then the audience default.

        Parameters
        ----------
        region_id : str
            A region id or name.
        population : str
            A population id, label or alias.

        Returns
        -------
        float
            Course length budget in days.

        Raises
        ------
        RegionError
            If the region is not in the manifest.
        KeyError
            If the population is not an audience of the manifest.
        """
        rid = self.require(region_id)
        pop = domain.lookup(domain.POPULATIONS, population)
        if pop is None or pop not in self.audiences:
            raise KeyError(tr(f"「{population}」不是 manifest.yaml 中的培训对象（培训对象：{'、'.join(self.audiences)}）",
                              f"{population!r} is not an audience of manifest.yaml "
                              f"(audiences: {', '.join(self.audiences)})"))
        for candidate in (rid, self.top_of(rid)):
            if pop in self.budgets.get(candidate, {}):
                return float(self.budgets[candidate][pop])
        return float(self.audiences[pop])

    def expected_region(self, text: str | None = None) -> str:
        """Return the "expected" text of a problem about a region cell holding ``text``.

        An ambiguous text gets its candidates, an unknown one the closest regions; without
        ``text``, a few regions as examples.
        """
        return self.region_index.expected(text)


def read_manifest(root: Path) -> tuple[Manifest | None, list[Problem]]:
    """Read and check ``manifest.yaml`` of the bundle at ``root``.

    Parameters
    ----------
    root : Path
        The bundle folder.

    Returns
    -------
    manifest : Manifest or None
        What could be read (regions with problems are left out); None when the file does not
        parse as a YAML mapping.
    problems : list of Problem
    """
    rel = MANIFEST_FILE
    loaded = read_config(root / rel, rel, ManifestSchema, mapping_of="bundle, client, regions, audiences")
    data = loaded.data
    if data is None:
        return None, loaded.problems
    p = loaded.log()

    header = {}
    for key, required in (("bundle", True), ("client", True), ("engagement", True), ("period", False)):
        value = text_of(data.get(key))
        if required and not value:
            p((key,), key, tr("非空的值", "a non-empty value"), None)
        header[key] = value
    if header["bundle"] and file_id_problem(header["bundle"]) is not None:
        p(("bundle",), "bundle", tr(f"可用作文件夹名的简短 ASCII 名称（{file_id_rule()}）；"
                                    f"这个名称的问题：{file_id_problem(header['bundle'])}",
                                    f"a short ASCII name that can be a folder name ({file_id_rule()}), "
                                    f"not one with {file_id_problem(header['bundle'])}"), header["bundle"])

    rows: list[dict[str, Any]] = []
    clients: dict[str, str] = {}
    seen_ids: dict[str, int | None] = {}
    seen_names: dict[str, str] = {}

    def add_region(node: Any, path: tuple, parent: str | None) -> str | None:
        if not isinstance(node, dict):
            p(path, "regions", tr("含 id 和 name 的映射", "a mapping with id and name"), node)
            return None
        rid, name = text_of(node.get("id")), text_of(node.get("name"))
        ok = True
        if not rid or not _REGION_ID.fullmatch(rid):
            p(path + ("id",), "id", tr("地区编号：小写 ASCII 字母、数字和 _（例如 baoding）",
                                       "a region id: lower-case ASCII letters, digits, _ (e.g. baoding)"), rid)
            ok = False
        elif file_id_problem(rid) is not None:  # it names the region's toolbox files
            p(path + ("id",), "id", tr(f"可用作文件名的地区编号；这个编号的问题：{file_id_problem(rid)}",
                                       f"a region id that can be a file name, not one with {file_id_problem(rid)}"), rid)
            ok = False
        elif rid in seen_ids:
            p(path + ("id",), "id", tr(f"不重复的地区编号（第 {seen_ids[rid]} 行已用过）",
                                       f"a unique region id (already used on line {seen_ids[rid]})"), rid)
            ok = False
        if not name:
            p(path + ("name",), "name", tr("地区的中文名称", "the region's Chinese name"), None)
            ok = False
        elif name_problem(name) is not None:  # looks like another name, or like nothing
            p(path + ("name",), "name", tr(f"不含以下字符的地区名称：{name_problem(name)}",
                                           f"a region name without {name_problem(name)}"), name)
            ok = False
        elif name_key(name) in seen_names:  # the resolver folds width and case: one key
            p(path + ("name",), "name", tr(f"不重复的地区名称（{seen_names[name_key(name)]} 已用过）",
                                           f"a unique region name (already used by {seen_names[name_key(name)]})"),
              name)
            ok = False
        if not ok:
            return None
        if not ok:
            return None
        seen_ids[rid] = p.line(*path, "id")
        seen_names[name_key(name)] = rid
        client = node.get("client")
        if client is not None:  # a bad client is reported; the region keeps the bundle's client
            if not isinstance(client, str) or not client.strip():
                p(path + ("client",), "client",
                  tr("文字写的地区客户名称，例如 client: 南宁电信（不写 client 则沿用资料包的客户）",
                     "the region's client as text, e.g. client: 南宁电信 (or no client key: the bundle's client)"),
                  client)
            else:
                clients[rid] = client.strip()
        rows.append({"region_id": rid, "name": name, "parent_id": parent,
                     "level": "top" if parent is None else "city"})
        return rid

    regions = data.get("regions")
    if not isinstance(regions, list) or not regions:
        p(("regions",), "regions", tr("非空的地区列表", "a non-empty list of regions"), regions if regions else None)
        regions = []
    for i, node in enumerate(regions):
        rid = add_region(node, ("regions", i), None)
        cities = node.get("cities") if isinstance(node, dict) else None
        if cities is None:
            continue
        if not isinstance(cities, list):
            p(("regions", i, "cities"), "cities", tr("{id, name} 的列表", "a list of {id, name}"), cities)
            continue
        for j, city in enumerate(cities):
            if rid is not None:
                add_region(city, ("regions", i, "cities", j), rid)
    region_table = REGIONS.finalize(pd.DataFrame(rows, columns=REGIONS.names))

    audiences: dict[str, float] = {}
    raw_aud = data.get("audiences")
    if not isinstance(raw_aud, dict) or not raw_aud:
        p(("audiences",), "audiences", tr("岗位 → {days: …} 的映射", "a mapping population → {days: …}"),
          raw_aud if raw_aud else None)
        raw_aud = {}
    pops_list = "、".join(f"{t.id}/{t.label}" for t in domain.POPULATIONS.values())
    pops_expected = tr(f"岗位（{pops_list}）", f"a population ({pops_list})")
    audience_keys: dict[str, Any] = {}
    for key, value in raw_aud.items():
        pop = domain.lookup(domain.POPULATIONS, key)
        if pop is None:
            p(("audiences", key), "audiences", pops_expected, key)
            continue
        if pop in audience_keys:  # 客户经理 and account_manager: one audience, the later would silently win
            p(("audiences", key), "audiences",
              tr(f"每个培训对象只写一次（第 {p.line('audiences', audience_keys[pop])} 行已设置 {pop}）",
                 f"each audience once (line {p.line('audiences', audience_keys[pop])} already sets {pop})"), key)
            continue
        audience_keys[pop] = key
        days = value.get("days") if isinstance(value, dict) else None
        if not _positive_number(days):
            p(("audiences", key, "days"), "days", tr("大于 0 的课程天数（例如 {days: 3.0}）",
                                                     "a number of course days > 0 (e.g. {days: 3.0})"), days)
            continue
        audiences[pop] = float(days)  # type: ignore[arg-type]

    budgets: dict[str, dict[str, float]] = {}
    raw_budgets = data.get("budgets") or {}
    if not isinstance(raw_budgets, dict):
        p(("budgets",), "budgets", tr("地区 → {岗位: 天数} 的映射", "a mapping region → {population: days}"), raw_budgets)
        raw_budgets = {}
    sessions: dict[str, Any] = {}
    raw_sessions = data.get("sessions") or {}
    if not isinstance(raw_sessions, dict):
        p(("sessions",), "sessions", tr("{morning: 分钟数, afternoon: 分钟数} 的映射",
                                        "a mapping {morning: minutes, afternoon: minutes}"), raw_sessions)
        raw_sessions = {}
    lo, hi = domain.SESSION_MINUTES_RANGE
    for key in ("morning", "afternoon"):
        if key in raw_sessions:
            value = raw_sessions[key]
            if (not isinstance(value, int) or isinstance(value, bool) or value % 5 or not lo <= value <= hi):
                p(("sessions", key), key, tr(f"{lo} 到 {hi} 之间、5 的倍数的整分钟数（例如 180）",
                                             f"whole minutes, a multiple of 5 between {lo} and {hi} (e.g. 180)"), value)
            else:
                sessions[key] = value
    for key in ("morning_start", "afternoon_start"):
        if key in raw_sessions:
            value = raw_sessions[key]
            if not isinstance(value, str) or not _CLOCK.fullmatch(value.strip()):
                if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
                    # YAML 1.1 reads an unquoted 14:00 as the sexagesimal number 840
                    value = tr(f"{value}（没加引号的 {value // 60}:{value % 60:02d} 会被读成这个数）",
                               f"{value} (an unquoted {value // 60}:{value % 60:02d} is read as this number)")
                p(("sessions", key), key, tr("时刻 HH:MM（例如 \"09:00\"，加引号）",
                                             "a time of day HH:MM (e.g. \"09:00\", quoted)"),
                  value)
            else:
                sessions[key] = value.strip()
    _check_session_times(sessions, p)
    manifest = Manifest(bundle=header["bundle"], client=header["client"], engagement=header["engagement"],
                        period=header["period"], regions=region_table, audiences=audiences, budgets=budgets,
                        sessions=sessions, clients=clients)
    budget_keys: dict[tuple[str, str], tuple[Any, Any]] = {}
    for key, value in raw_budgets.items():
        rid = manifest.resolve(str(key))
        if rid is None:
            p(("budgets", key), "budgets", manifest.expected_region(str(key)), key)
            continue
        if not isinstance(value, dict):
            p(("budgets", key), str(key), tr("岗位 → 天数的映射", "a mapping population → days"), value)
            continue
        for pkey, days in value.items():
            pop = domain.lookup(domain.POPULATIONS, pkey)
            if pop is None:
                p(("budgets", key, pkey), str(pkey), pops_expected, pkey)
            elif (rid, pop) in budget_keys:  # hebei and 河北: one region, the later would silently win
                first = p.line("budgets", *budget_keys[(rid, pop)])
                p(("budgets", key, pkey), str(pkey),
                  tr(f"每个地区每个培训对象的天数只写一次（第 {first} 行已设置 {rid} {pop}）",
                     f"each region's budget for an audience once (line {first} already sets {rid} {pop})"), pkey)
            elif not _positive_number(days):
                p(("budgets", key, pkey), str(pkey), tr("大于 0 的课程天数", "a number of course days > 0"), days)
            else:
                budget_keys[(rid, pop)] = (key, pkey)
                budgets.setdefault(rid, {})[pop] = float(days)  # type: ignore[arg-type]
    return manifest, p.problems


def _positive_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
            and math.isfinite(value))


def _check_session_times(sessions: Mapping[str, Any], p: Any) -> None:
    """Each session ends by midnight; the afternoon starts when the morning has ended."""
    minutes = {half: sessions.get(half, domain.DEFAULT_SESSION_MINUTES) for half in ("morning", "afternoon")}
    starts = {}
    for half in ("morning", "afternoon"):
        start = sessions.get(f"{half}_start")
        if start is None:
            continue
        hours, mins = (int(part) for part in start.split(":"))
        starts[half] = hours * 60 + mins
        if starts[half] + minutes[half] > 24 * 60:
            p(("sessions", f"{half}_start"), f"{half}_start",
              tr(f"让 {minutes[half]} 分钟的{'上午' if half == 'morning' else '下午'}课程在 24:00 前结束的开始时间",
                 f"a start time that lets the {minutes[half]}-minute {half} end by 24:00"), start)
            return
    if "morning" in starts and "afternoon" in starts:
        end = starts["morning"] + minutes["morning"]
        if starts["afternoon"] < end:
            p(("sessions", "afternoon_start"), "afternoon_start",
              tr(f"{end // 60:02d}:{end % 60:02d} 或更晚（上午 {sessions['morning_start']} 开始，"
                 f"持续 {minutes['morning']} 分钟）",
                 f"{end // 60:02d}:{end % 60:02d} or later (the morning starts at {sessions['morning_start']} "
                 f"and lasts {minutes['morning']} minutes)"), sessions["afternoon_start"])
