"""The customer's cast per industry and consistent fictional names for cases and role-plays.

:func:`industry_cast` reads ``cast.yaml`` (beside this module): for each industry of
:data:`casekit.domain.INDUSTRIES` (and ``generic`` for any other) the departments an account
manager meets, each with the person's title, purchase role, what they want, a typical worry and an
opening question, and the ending and first parts of fictional company names.

:class:`Namer` gives one case its fictional names: a company name fitting the industry, people with
a surname and title (周院长), the same name for the same placeholder every time, never a name the
bundle's roster or raw notes hold (:func:`forbidden_text`). Names depend only on the ``key`` given
(e.g. the note id), so the same note always gives the same names.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files
from typing import Any

import yaml

from casekit import domain

__all__ = [
    "GIVEN_NAMES",
    "NAME_SURNAMES",
    "Department",
    "IndustryCast",
    "Namer",
    "department_for_title",
    "forbidden_text",
    "industry_cast",
]

#: Surnames fictional people get (common, unambiguous in a sentence).
NAME_SURNAMES: tuple[str, ...] = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严武戴孔汤常乔")
#: Given names fictional people get (two characters, neutral, common in the 1960s–1980s).
GIVEN_NAMES: tuple[str, ...] = (
    "建国", "志强", "海燕", "丽华", "国庆", "春生", "秀英", "卫东", "明辉", "晓红", "振华", "玉兰",
    "文杰", "桂芳", "永刚", "淑珍", "立新", "红梅", "德胜", "雅琴", "建军", "晓东", "素芬", "宏伟",
)
_PLACEHOLDER_LETTERS = re.compile(r"〔企业([A-Z]+)〕")
# How a person is addressed by surname (老郝, 小王, 郝总, 王姐, 李厂长): a surname a bundle's
# text addresses someone by is a real person's, so no fictional person of that bundle gets it
# (a fictional 郝老板 would be read as the real 郝总 of the roster).
_ADDRESS_BEFORE = "老小阿"
_ADDRESS_AFTER = (
    "总", "董", "姐", "哥", "叔", "工", "老师", "师傅", "先生", "女士", "小姐", "阿姨", "老板", "经理", "主任",
    "主管", "会计", "书记", "科长", "处长", "局长", "院长", "校长", "厂长", "店长", "部长", "所长", "队长",
    "站长", "行长", "园长", "医生", "大夫", "护士长", "助理", "秘书", "专员", "顾问", "督导", "领班",
)
_ADDRESS = re.compile(
    "[" + _ADDRESS_BEFORE + "]([" + "".join(NAME_SURNAMES) + "])"
    "|([" + "".join(NAME_SURNAMES) + "])(?:" + "|".join(sorted(_ADDRESS_AFTER, key=len, reverse=True)) + ")")


@dataclass(frozen=True)
class Department:
    """One department of a customer and the person an account manager meets there.

    Attributes
    ----------
    key : str
        Stable id within the industry (``it``).
    name : str
        The department as this industry calls it (信息科).
    maps_to : str
        The :data:`casekit.domain.CUSTOMER_DEPARTMENTS` id a catalogue's ``departments`` use.
    title : str
        The person's title (信息科长).
    role : str
        Purchase role: 决策者, 使用者, 把关者 or 影响者.
    wants, worry, ask : str
        What the person wants, a typical worry, an opening question (all in their words).
    aliases : tuple of str
        Other titles a note may use for this person.
    """

    key: str
    name: str
    maps_to: str
    title: str
    role: str
    wants: str
    worry: str
    ask: str
    aliases: tuple[str, ...] = ()

    def answers_to(self, title: str) -> bool:
        """True when ``title`` (as a note writes it) means this person."""
        return title == self.title or title in self.aliases


@dataclass(frozen=True)
class IndustryCast:
    """An industry's departments and the parts of its fictional company names."""

    industry: str
    noun: str
    suffixes: tuple[str, ...]
    stems: tuple[str, ...]
    departments: tuple[Department, ...] = field(default_factory=tuple)

    def department(self, key: str) -> Department | None:
        """The department of this ``key`` (``None`` when absent)."""
        return next((d for d in self.departments if d.key == key), None)

    def mapped(self, generic_id: str) -> tuple[Department, ...]:
        """The departments of this industry a catalogue's generic department id means."""
        return tuple(d for d in self.departments if d.maps_to == generic_id)


@cache
def _load() -> Mapping[str, IndustryCast]:
    data = yaml.safe_load(files("casekit.authoring").joinpath("cast.yaml").read_text(encoding="utf-8"))
    out: dict[str, IndustryCast] = {}
    for industry, spec in data["industries"].items():
        departments = tuple(
            Department(key=str(d["key"]), name=str(d["name"]), maps_to=str(d["maps_to"]), title=str(d["title"]),
                       role=str(d["role"]), wants=str(d["wants"]), worry=str(d["worry"]), ask=str(d["ask"]),
                       aliases=tuple(map(str, d.get("aliases") or ())))
            for d in spec["departments"]
        )
        out[industry] = IndustryCast(industry=industry, noun=str(spec["noun"]),
                                     suffixes=tuple(map(str, spec["suffixes"])),
                                     stems=tuple(map(str, spec["stems"])), departments=departments)
    return out


def industry_cast(industry_id: str | None) -> IndustryCast:
    """The cast of an industry id (or label); the ``generic`` cast for ``None`` or any other."""
    casts = _load()
    if industry_id and industry_id not in casts:
        industry_id = domain.lookup(domain.INDUSTRIES, industry_id) or industry_id
    return casts.get(industry_id or "generic", casts["generic"])


def department_for_title(industry_id: str | None, title: str) -> Department | None:
    """The department whose person a note's ``title`` means (信息科长 → 信息科), else ``None``."""
    cast = industry_cast(industry_id)
    for department in (*cast.departments, *industry_cast("generic").departments):
        if department.answers_to(title):
            return department
    return None


def forbidden_text(bundle: Any) -> str:
    """Every real name a fictional one must not equal: the raw notes' text and the roster's names.

    A candidate name is refused when it occurs in this text (substring test), so a fictional
    王经理 is never used in a bundle whose notes mention a real 王经理; a surname the text
    addresses someone by (老郝, 郝总, 王姐) is given to no fictional person. The roster's people
    are added in that form too (郝建平 → 老郝), so their surnames are never reused.
    """
    parts: list[str] = []
    notes = getattr(bundle, "notes", None)
    if notes is not None and "text" in getattr(notes, "columns", ()):
        parts.extend(str(t) for t in notes["text"])
    path = getattr(bundle, "path", None)
    if path is not None:
        try:
            from casekit.intake.roster import read_roster

            for entry in read_roster(path):
                names = [str(x) for x in (getattr(entry, "name", ""), *getattr(entry, "aliases", ()))]
                parts.extend(names)
                if getattr(entry, "kind", "") == "person" and names[0]:
                    parts.append("老" + names[0][0])  # the surname of a real person is taken
        except Exception:  # noqa: BLE001 - no roster (or an unreadable one) forbids nothing more
            pass
    return "\n".join(parts)


@lru_cache(maxsize=8)
def _addressed_surnames(forbidden: str) -> frozenset[str]:
    """Surnames ``forbidden`` addresses a person by (老郝, 郝总, 王姐): real people's surnames."""
    return frozenset(a or b for a, b in _ADDRESS.findall(forbidden))


def _rank(key: str, items: Iterable[str]) -> list[str]:
    """``items`` in an order that depends only on ``key`` (stable across runs and machines)."""
    return sorted(items, key=lambda item: hashlib.sha256(f"{key}\x1f{item}".encode()).hexdigest())


class Namer:
    """Consistent fictional names for one case (or one role-play and its case).

    Parameters
    ----------
    key : str
        What the names depend on (the note id): the same key gives the same names.
    industry : str or None
        The customer's industry id; ``None`` uses the generic names.
    forbidden : str, default ""
        Text no name may occur in (:func:`forbidden_text`).
    """

    def __init__(self, key: str, industry: str | None = None, *, forbidden: str = "") -> None:
        self.key = key
        self.cast = industry_cast(industry)
        self.forbidden = forbidden
        self._companies: dict[str, tuple[str, str]] = {}
        self._people: dict[str, tuple[str, str, str]] = {}  # key → (surname, given, title)
        self._surnames_used: set[str] = set()

    def _allowed(self, *names: str) -> bool:
        return not any(name and name in self.forbidden for name in names)

    def company(self, placeholder: str = "〔企业A〕", suffix: str | None = None) -> tuple[str, str]:
        """``(stem, full name)`` for a company placeholder; the same placeholder, the same name.

        ``suffix`` is the ending the note wrote after the placeholder (〔企业A〕宾馆 → 宾馆), kept so
        the story's sentences and the title name the same company.
        """
        if placeholder in self._companies:
            return self._companies[placeholder]
        used = {stem for stem, _ in self._companies.values()}
        ending = suffix or _rank(self.key + placeholder, self.cast.suffixes)[0]
        # the industry's own stems first (香浓面包房), the generic ones only when all are taken
        generic = [stem for stem in industry_cast("generic").stems if stem not in self.cast.stems]
        pool = [*_rank(self.key + placeholder, self.cast.stems), *_rank(self.key + placeholder, generic)]
        for stem in pool:
            if stem not in used and self._allowed(stem, stem + ending):
                self._companies[placeholder] = (stem, stem + ending)
                return self._companies[placeholder]
        # every stem forbidden: still a consistent, fictional name (第一, 第二 …)
        stem = "第" + "一二三四五六七八九十"[len(used) % 10] + ("" if len(used) < 10 else str(len(used)))
        self._companies[placeholder] = (stem, stem + ending)
        return self._companies[placeholder]

    def person(self, key: str, title: str) -> str:
        """Surname + title (周院长) for a person ``key`` (a placeholder 〔甲〕 or a role).

        One key is one person: asked again (even with another title) it keeps its surname. No
        two people of this namer share a surname.
        """
        surname, _, _ = self._person(key, title)
        return surname + title

    def full_name(self, key: str, title: str) -> str:
        """Surname and given name (周建国) of the person ``key``."""
        surname, given, _ = self._person(key, title)
        return surname + given

    def _person(self, key: str, title: str) -> tuple[str, str, str]:
        if key in self._people:
            return self._people[key]
        addressed = _addressed_surnames(self.forbidden)
        for surname in _rank(self.key + key, NAME_SURNAMES):
            if surname in self._surnames_used or surname in addressed:
                continue
            given_used = {given for _, given, _ in self._people.values()}
            ranked = _rank(self.key + key + surname, GIVEN_NAMES)  # unused given names first
            for given in [g for g in ranked if g not in given_used] + [g for g in ranked if g in given_used]:
                if self._allowed(surname + title, surname + title[:1], surname + given):
                    self._surnames_used.add(surname)
                    self._people[key] = (surname, given, title)
                    return self._people[key]
        raise RuntimeError("no fictional name left")  # pragma: no cover - 60 surnames × 24 given names

    @property
    def people(self) -> dict[str, tuple[str, str, str]]:
        """Every person named so far: key → (surname, given name, title)."""
        return dict(self._people)
