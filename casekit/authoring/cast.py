"""The customer's cast per industry and consistent fictional names for cases and role-plays.

:func:`industry_cast` reads ``cast.yaml`` (beside this module): for each industry of
:data:`casekit.domain.INDUSTRIES` (and ``generic`` for any other) the departments an account
manager meets, each with the person's title, purchase role, what they want, a typical worry and an
opening question, and the ending and first parts of fictional company names.

:class:`Namer` gives one case its fictional names: a company name fitting the industry, people with
a surname and title (周院长), the same name for the same placeholder every time, never a name the
bundle's roster or raw notes hold (:func:`forbidden_text`). Names depend only on the ``key`` given
(e.g. the note id), so the same note always gives the same names. A person's given name fits the
gender asked for (a woman's, a man's or either, from pools of people born 1955–1985); no two people
of one namer share a surname or a given name, and :meth:`Namer.adopt` takes in people named
elsewhere. :func:`pronoun_gender` reads the gender from the 她/他 a note uses for a person.
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
from casekit.exceptions import CastError
from casekit.language import quoted, tr

__all__ = [
    "FEMALE_GIVEN_NAMES",
    "GENDERS",
    "GIVEN_NAMES",
    "MALE_GIVEN_NAMES",
    "NEUTRAL_GIVEN_NAMES",
    "NAME_SURNAMES",
    "Department",
    "IndustryCast",
    "Namer",
    "department_for_title",
    "forbidden_text",
    "industry_cast",
    "name_gender",
    "pronoun_gender",
    "title_gender",
]

#: Surnames fictional people get (common, unambiguous in a sentence).
NAME_SURNAMES: tuple[str, ...] = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严武戴孔汤常乔")
#: Women's given names of people born 1955–1985 (two characters, common in those years).
FEMALE_GIVEN_NAMES: tuple[str, ...] = tuple(
    "秀英 桂芳 玉兰 淑珍 丽华 红梅 海燕 晓红 雅琴 素芬 美玲 丽娟 春燕 秀兰 凤英 翠萍 艳红 丽萍 慧敏 晓燕 玉梅 金凤 "
    "淑华 秀芳 丽君 亚萍 月娥 彩霞 桂兰 春梅 晓梅 雪梅 冬梅 玉珍 秀珍 美华 惠敏 红霞 艳萍 巧玲 燕玲 淑芬 文娟 晓丽 "
    "海霞 秋菊 爱玲 丽琴 佩琴 瑞芳 玉芬 素梅 晓玲 丽霞 凤兰".split())
#: Men's given names of people born 1955–1985.
MALE_GIVEN_NAMES: tuple[str, ...] = tuple(
    "建国 志强 国庆 卫东 振华 永刚 德胜 建军 晓东 宏伟 文杰 明辉 立新 春生 建华 国强 志刚 海涛 俊峰 利民 国平 志勇 "
    "新民 学军 卫国 德明 振宇 海峰 伟民 志军 晓军 建新 国栋 文斌 东升 春雷 家辉 少华 洪波 立军 学文 建林 志明 国良 "
    "永强 福生 庆华 玉林 保国 铁军 德华 国华 胜军 长林 树森".split())
#: Given names read as either a man's or a woman's (used only when the gender is not known).
NEUTRAL_GIVEN_NAMES: tuple[str, ...] = tuple("文华 晓林 春晖 立群 晓光 爱民 向阳 永红".split())
#: Every given name fictional people get.
GIVEN_NAMES: tuple[str, ...] = (*FEMALE_GIVEN_NAMES, *MALE_GIVEN_NAMES, *NEUTRAL_GIVEN_NAMES)
GENDERS: tuple[str, ...] = ("female", "male")
_POOLS: dict[str | None, tuple[str, ...]] = {
    "female": FEMALE_GIVEN_NAMES, "male": MALE_GIVEN_NAMES, None: GIVEN_NAMES}
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


def name_gender(name: str) -> str | None:
    """The gender a fictional given name (or full name 周秀英) reads as; ``None`` for a neutral
    or unknown one."""
    for given in (name, name[1:]):
        if given in FEMALE_GIVEN_NAMES:
            return "female"
        if given in MALE_GIVEN_NAMES:
            return "male"
    return None


# Titles that say the gender themselves (老板娘 is a woman whatever the pronouns say).
_FEMALE_TITLES = ("老板娘", "女士", "小姐", "阿姨", "大姐", "姐", "嫂", "大妈", "奶奶", "妈")
_MALE_TITLES = ("先生", "大哥", "哥", "叔", "大爷", "爷")


def title_gender(title: str) -> str | None:
    """The gender a title or form of address states by itself (老板娘, 王姐 → female; 李先生,
    张叔 → male), else ``None``."""
    if title.endswith(_FEMALE_TITLES) or title.startswith("女"):
        return "female"
    if title.endswith(_MALE_TITLES):
        return "male"
    return None


# Words a note names a person by, besides the customer's titles of every cast: a pronoun after one
# of them is that person's, not the one asked about.
_PERSON_WORDS = (
    "客户经理", "支撑人员", "支撑工程师", "支撑", "销售经理", "经理", "主任", "主管", "领导", "上级", "下属",
    "同事", "老板", "老板娘", "客户", "对方", "合伙人", "副总", "老总", "负责人", "新人", "徒弟", "师傅",
)
# 她/他 of one person: not 他们/她们 (several), 其他 (other), 他人 (others), 吉他.
_PRONOUN = re.compile(r"(?<![其吉利])[她他](?![们人乡])")
_SENTENCE_END = "。！？!?\n"
_OPEN_QUOTES, _CLOSE_QUOTES = "“「『", "”」』"


@cache
def _person_words() -> tuple[str, ...]:
    words = set(_PERSON_WORDS)
    for cast in _load().values():
        for d in cast.departments:
            words.update(t for t in (d.title, *d.aliases) if t)
    return tuple(words)


def _quoted(text: str) -> list[bool]:
    """For each character of ``text``: inside quotation marks (someone's own words)?"""
    out, depth, straight = [], 0, False
    for ch in text:
        if ch in _OPEN_QUOTES:
            depth += 1
        elif ch in _CLOSE_QUOTES:
            depth = max(0, depth - 1)
        elif ch == '"':
            straight = not straight
        out.append(depth > 0 or straight)
    return out


def _own_words(text: str, sentence_start: int, i: int) -> bool:
    """True when the protagonist speaks at ``i`` (an interview's 答： line, a sentence after 我)."""
    line = text[text.rfind("\n", 0, i) + 1:]
    return line.startswith(("答：", "答:")) or re.search("我(?!们)", text[sentence_start:i]) is not None


def pronoun_gender(text: str, who: str | Iterable[str], *, protagonist: bool = False,
                   hero: str | Iterable[str] = (), window: int = 80) -> str | None:
    """Guess the gender of a person from the pronouns (她/他) a note uses for them.

    A title that states a gender (老板娘, 王姐, 李先生: :func:`title_gender`) decides at once.
    Otherwise each singular 她/他 (not 他们, 其他, 他人) votes:

    - a pronoun whose sentence names someone before it does not vote: it is not ``who`` when
      that is ``who`` (客户经理给他打电话; a repeated subject is left out, not named 她), and
      it may be that person (王经理嫌贵，我就跟他说);
    - a pronoun inside quotation marks is not the speaker named outside them;
    - a pronoun whose nearest earlier sentence naming someone (within ``window`` characters)
      names ``who`` first — its subject — counts twice;
    - with ``protagonist`` (the person the note is about: its interviewee, the 客户经理 of a
      ride-along) every other pronoun outside quotation marks and outside the protagonist's own
      words (an interview's 答： line, a sentence after 我) counts once: notes call their
      protagonist 她/他 throughout;
    - with ``hero`` (the words for the protagonist, when ``who`` is someone else) the pronouns
      of the protagonist's gender are the protagonist's and do not vote for ``who``.

    Parameters
    ----------
    text : str
        The note's text (raw or redacted: ``who`` is searched as written).
    who : str or iterable of str
        The words the note names the person by (客户经理, 〔甲〕, 总务主任, 周院长 …).
    protagonist : bool, default False
        The note is about this person (its interviewee).
    hero : str or iterable of str, default ()
        The note's protagonist's words, when asking about someone else.
    window : int, default 80
        How far back (characters) a pronoun looks for the person it means.

    Returns
    -------
    str or None
        ``"female"`` or ``"male"`` when one gender has at least twice the other's votes (and
        some), ``None`` when the note does not tell.

    Examples
    --------
    >>> pronoun_gender("客户经理在车里看表。她说上次见了店长。", "客户经理", protagonist=True)
    'female'
    >>> pronoun_gender("老板娘抱怨收银台差错多。", "老板娘")
    'female'
    """
    names = tuple(n for n in ((who,) if isinstance(who, str) else who) if n)
    for name in names:
        if title_gender(name):
            return title_gender(name)
    if not names:
        return None
    hero_words = tuple(h for h in ((hero,) if isinstance(hero, str) else hero) if h and h not in names)
    taken = pronoun_gender(text, hero_words, protagonist=True, window=window) if hero_words else None
    words = sorted({*names, *_person_words()}, key=len, reverse=True)
    mentions = [(m.start(), m.group() in names) for m in re.finditer("|".join(map(re.escape, words)), text)]
    quoted = _quoted(text)
    votes = {"female": 0, "male": 0}

    def back(i: int) -> int:
        return max(text.rfind(ch, 0, i) for ch in _SENTENCE_END) + 1

    for hit in _PRONOUN.finditer(text):
        i = hit.start()
        gender = "female" if hit.group() == "她" else "male"
        if gender == taken:
            continue  # the protagonist's pronoun
        sentence_start = back(i)
        own = [is_who for start, is_who in mentions
               if sentence_start <= start < i and (quoted[start] or not quoted[i])]
        if own:
            continue  # 王经理嫌贵，我就跟他说 / 财务问价格，她先问: too close to someone else to tell
        meant, end = None, sentence_start
        while meant is None and end > 0 and i - end <= window:
            start = back(end - 1)
            earlier = [is_who for m_start, is_who in mentions if start <= m_start < end]
            meant = earlier[0] if earlier else None  # the subject of the sentence before
            end = start
        if meant:
            votes[gender] += 2
        elif protagonist and not quoted[i] and not _own_words(text, sentence_start, i):
            votes[gender] += 1
    female, male = votes["female"], votes["male"]
    if female and female >= 2 * male:
        return "female"
    if male and male >= 2 * female:
        return "male"
    return None


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
        self._shown: set[str] = set()  # keys whose full name was given out

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

    def person(self, key: str, title: str, gender: str | None = None) -> str:
        """Surname + title (周院长) for a person ``key`` (a placeholder 〔甲〕 or a role).

        One key is one person: asked again (even with another title) it keeps its surname. No
        two people of this namer share a surname or a given name. ``gender`` (``"female"``,
        ``"male"`` or ``None`` for not known) chooses the given name :meth:`full_name` returns.
        """
        surname, _, _ = self._person(key, title, gender)
        return surname + title

    def full_name(self, key: str, title: str, gender: str | None = None) -> str:
        """Surname and given name (周建国) of the person ``key``.

        ``gender`` ``"female"`` gives a woman's name, ``"male"`` a man's, ``None`` either (see
        :func:`pronoun_gender` to read it from a note). Asked again, the person keeps the name;
        only a person whose full name was not given out yet (named by :meth:`person` without a
        gender) gets a new given name when a gender is given later.
        """
        surname, given, _ = self._person(key, title, gender)
        self._shown.add(key)
        return surname + given

    def adopt(self, key: str, full_name: str, title: str = "") -> None:
        """Take a person named elsewhere (a case's 人物) into this namer under ``key``.

        The people named afterwards get neither their surname nor their given name, so a
        role-play that brings a case's 客户经理 (朱文杰) names its other people without a second
        朱 or a second 文杰. A ``key`` already named keeps its name.
        """
        if key in self._people or not full_name:
            return
        surname, given = full_name[:1], full_name[1:]
        self._people[key] = (surname, given, title)
        self._surnames_used.add(surname)
        self._shown.add(key)

    def gender(self, key: str) -> str | None:
        """The gender the given name of person ``key`` reads as (``None``: neutral or unnamed)."""
        person = self._people.get(key)
        return name_gender(person[1]) if person else None

    def _given(self, key: str, surname: str, gender: str | None, taken: set[str]) -> str | None:
        """A given name of ``gender`` no other person of this namer has and no real name equals."""
        for given in _rank(self.key + key + surname, _POOLS[gender]):
            if given not in taken and self._allowed(surname + given):
                return given
        return None

    def _person(self, key: str, title: str, gender: str | None = None) -> tuple[str, str, str]:
        if gender not in _POOLS:
            raise CastError(tr(f"gender 应为 'female'、'male' 或 None，实际为 {gender!r}",
                               f"gender must be 'female', 'male' or None, got {gender!r}"))
        if key in self._people:
            surname, given, known_title = self._people[key]
            if gender is not None and key not in self._shown and name_gender(given) != gender:
                taken = {g for k, (_, g, _) in self._people.items() if k != key}
                given = self._given(key, surname, gender, taken) or given
                self._people[key] = (surname, given, known_title)
            return self._people[key]
        addressed = _addressed_surnames(self.forbidden)
        taken = {given for _, given, _ in self._people.values()}
        for surname in _rank(self.key + key, NAME_SURNAMES):
            if surname in self._surnames_used or surname in addressed:
                continue
            if not self._allowed(surname + title, surname + title[:1]):
                continue
            given = self._given(key, surname, gender, taken)
            if given is not None:
                self._surnames_used.add(surname)
                self._people[key] = (surname, given, title)
                return self._people[key]
        raise CastError(tr(f"没有可用的化名给{quoted(key)}（{title}）：每个姓氏都已用过或不能用",
                           f"no fictional name left for {key!r} ({title}): every surname is taken or forbidden"))

    @property
    def people(self) -> dict[str, tuple[str, str, str]]:
        """Every person named so far: key → (surname, given name, title)."""
        return dict(self._people)
