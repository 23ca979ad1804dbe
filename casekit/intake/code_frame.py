"""The code frame (编码框架): the codes interview-note segments are coded with, and their rules.

casekit ships a default frame (``casekit/analysis/code_frame.yaml``): the seed's research
dimensions, the weaknesses it names per population, success and failure factors, and the eight
funnel steps, each code with keyword rules. A bundle may have its own ``code_frame.yaml`` at its
root, in the same format::

    extends: default          # optional: add to the default frame (without it, the file replaces it)
    remove: [free_trial]      # optional, only with extends: default codes to leave out
    skip_kinds: [question]    # optional: segment kinds the rules never code (default: question)
    groups:                   # code groups: id → Chinese label (the default's are kept with extends)
      local: 本地问题
    codes:
      - id: local_tariff      # ASCII id, unique in the file
        label: 资费看不懂      # Chinese label a consultant reads
        group: local
        description: 客户或客户经理看不懂本地资费套餐
        populations: [account_manager]   # optional: only segments of notes about these
        rules:                # optional (a code without rules is applied by hand only)
          - any: [资费, 套餐]  # fires on a segment containing any of these …
            all: [看不懂]      # … when it also contains all of these …
            none: [没问题]     # … and none of these …
            window: 20        # … within 20 characters of the 'any' keyword (optional)
          - regex: ['\\d+折']  # a regular expression instead of (or besides) any:

With ``extends: default`` a code whose id is already in the default replaces the default code.

Keywords are matched as substrings of the segment text (Chinese has no spaces between words, so
a substring is the natural unit: ``降价`` also matches in ``再降价``, and in ``不降价`` — use
``none:`` with a ``window:`` for negations). Latin letters match case-insensitively and full-width
forms match their ASCII forms (``ＣＲＭ`` = ``crm``); see :mod:`casekit.analysis.coding`.

:func:`read_code_frame` checks the bundle's file and reports every problem at once (file
``code_frame.yaml``, row = the YAML line, column = the place in the file such as
``codes[price_selling].rules[1].window``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from casekit import domain
from casekit.exceptions import CasekitError, Problem
from casekit.intake._files import (
    MISSING,
    YamlLines,
    line_of,
    load_yaml,
    read_text,
    short_list,
    text_of,
)
from casekit.intake.config import Each, ProblemLog, Schema, key_path, schema_problems
from casekit.intake.note_segments import SEGMENT_KINDS
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns
from casekit.language import tr

__all__ = [
    "CODE_FRAME_FILE",
    "CODE_FRAME_TABLE_SCHEMA",
    "DEFAULT_CODE_FRAME_PATH",
    "DEFAULT_SKIP_KINDS",
    "SEGMENT_KINDS",
    "Code",
    "CodeFrame",
    "Rule",
    "default_code_frame",
    "parse_code_frame",
    "read_code_frame",
]

#: The optional bundle file (at the bundle root) adding to or replacing the default frame.
CODE_FRAME_FILE = "code_frame.yaml"
#: casekit's default code frame (package data).
DEFAULT_CODE_FRAME_PATH = Path(__file__).resolve().parent.parent / "analysis" / "code_frame.yaml"
#: Segment kinds the rules skip unless the frame says otherwise: the interviewer's questions are
#: the consultant's words, not evidence.
DEFAULT_SKIP_KINDS: tuple[str, ...] = ("question",)

#: The table of :meth:`CodeFrame.table` (``casekit codes --frame``).
CODE_FRAME_TABLE_SCHEMA = OutputSchema(
    "code frame", "casekit.intake.code_frame.CodeFrame.table", (
        *columns("str", "code", "label", "group", "group_label", "description"), Col("populations", "tuple"),
        Col("n_rules", "int"), *columns("str", "rules", "source"),
    ), consumers=("cli codes --frame", "notebook 4.0"))

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Rule:
    """One keyword rule of a code.

    A segment matches when it contains one of ``any`` (or a match of one of ``regex``), all of
    ``all`` and none of ``none``; with ``window``, the ``all`` and ``none`` keywords count only
    within ``window`` characters of that match.

    Attributes
    ----------
    any : tuple of str
        Keywords of which one must occur (substring match).
    all : tuple of str
        Keywords that must all occur as well.
    none : tuple of str
        Keywords that must not occur.
    window : int or None
        Largest gap in characters between the ``any`` match and an ``all``/``none`` keyword;
        ``None``: anywhere in the segment.
    regex : tuple of str
        Regular expressions (Python syntax), alternatives to ``any``.
    line : int or None
        Line of the rule in its YAML file.
    """

    any: tuple[str, ...] = ()
    all: tuple[str, ...] = ()
    none: tuple[str, ...] = ()
    window: int | None = None
    regex: tuple[str, ...] = ()
    line: int | None = None

    def describe(self) -> str:
        """Short text of the rule, e.g. ``any(降价|打折) all(开场) window 20``."""
        parts = []
        if self.any:
            parts.append(f"any({'|'.join(self.any)})")
        if self.regex:
            parts.append(f"regex({'|'.join(self.regex)})")
        if self.all:
            parts.append(f"all({'|'.join(self.all)})")
        if self.none:
            parts.append(f"none({'|'.join(self.none)})")
        if self.window is not None:
            parts.append(f"window {self.window}")
        return " ".join(parts)


@dataclass(frozen=True)
class Code:
    """One code of the frame.

    Attributes
    ----------
    id : str
        ASCII identifier (``price_selling``), used in data files (``notes/codes.csv``).
    label : str
        Chinese label shown to consultants.
    group : str
        Id of the code's group (``CodeFrame.groups``).
    description : str
        What the code means, in Chinese.
    populations : tuple of str
        Population ids whose notes the rules apply to; empty: every note.
    rules : tuple of Rule
        Keyword rules; empty for a code applied by hand only.
    source : str
        ``"default"`` (casekit's frame) or ``"bundle"`` (the bundle's ``code_frame.yaml``).
    line : int or None
        Line of the code in its YAML file.
    """

    id: str
    label: str
    group: str
    description: str = ""
    populations: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    source: str = "default"
    line: int | None = None


@dataclass(frozen=True, eq=False)
class CodeFrame:
    """A code frame: groups and codes, in the order of the file(s).

    Attributes
    ----------
    groups : mapping of str to str
        Group id → Chinese label.
    codes : tuple of Code
    skip_kinds : tuple of str
        Segment kinds the rules never code.
    source : str
        ``"default"``, ``"bundle"`` (the bundle's file replaces the default) or
        ``"default+bundle"`` (``extends: default``).
    """

    groups: Mapping[str, str]
    codes: tuple[Code, ...]
    skip_kinds: tuple[str, ...] = DEFAULT_SKIP_KINDS
    source: str = "default"
    _by_id: Mapping[str, Code] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "groups", MappingProxyType(dict(self.groups)))
        object.__setattr__(self, "_by_id", MappingProxyType({c.id: c for c in self.codes}))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Read-only mappings do not pickle: rebuild from the fields (a bundle is handed to the
        # report kernels pickled, see casekit.reports.build).
        return (type(self), (dict(self.groups), self.codes, self.skip_kinds, self.source))

    @property
    def ids(self) -> tuple[str, ...]:
        """The code ids, in frame order."""
        return tuple(c.id for c in self.codes)

    def __contains__(self, code_id: object) -> bool:
        return code_id in self._by_id

    def __len__(self) -> int:
        return len(self.codes)

    def code(self, code_id: str) -> Code:
        """Return the code with id ``code_id``.

        Raises
        ------
        KeyError
            If the frame has no such code.
        """
        return self._by_id[code_id]

    def resolve(self, text: str) -> str | None:
        """Return the id of the code given by id or Chinese label, or None."""
        key = str(text).strip()
        if key in self._by_id:
            return key
        for c in self.codes:
            if c.label == key:
                return c.id
        return None

    def table(self) -> pd.DataFrame:
        """The frame as a table a consultant can read.

        Returns
        -------
        DataFrame
            One row per code, in frame order: ``code``, ``label``, ``group``, ``group_label``,
            ``description``, ``populations`` (tuple), ``n_rules``, ``rules`` (text), ``source``.
        """
        rows = [{
            "code": c.id, "label": c.label, "group": c.group,
            "group_label": self.groups.get(c.group, c.group), "description": c.description,
            "populations": c.populations, "n_rules": len(c.rules),
            "rules": "；".join(r.describe() for r in c.rules), "source": c.source,
        } for c in self.codes]
        return pd.DataFrame(rows, columns=list(CODE_FRAME_TABLE_SCHEMA.names))


# --------------------------------------------------------------------------- parsing


@dataclass
class _Parsed:
    """What one YAML file says (before merging with the default)."""

    extends: bool = False
    remove: list[tuple[str, int | None]] = field(default_factory=list)
    skip_kinds: tuple[str, ...] | None = None
    groups: dict[str, str] = field(default_factory=dict)
    codes: list[Code] = field(default_factory=list)


class RuleSchema(Schema):
    """A keyword rule."""

    any: Any = None
    all: Any = None
    none: Any = None
    window: Any = None
    regex: Any = None


class CodeSchema(Schema):
    """A code of the frame."""

    id: Any = None
    label: Any = None
    group: Any = None
    description: Any = None
    populations: Any = None
    rules: Each[RuleSchema] | None = None


class CodeFrameSchema(Schema):
    """The keys of ``code_frame.yaml`` (``docs/coding.md``)."""

    extends: Any = None
    remove: Any = None
    skip_kinds: Any = None
    groups: Any = None
    codes: Each[CodeSchema] | None = None


def _show(found: Any) -> str:
    """A found value as the code frame's problems write it (non-scalars as Python shows them)."""
    if found is None or found == "":
        return MISSING
    return found if isinstance(found, str) else str(found) if isinstance(found, (int, float)) else repr(found)


def _placer(data: Any) -> Any:
    """YAML path → the code frame's place names (a code by its id: ``codes[price].rules[0]``)."""
    def place(loc: tuple[Any, ...]) -> str:
        if len(loc) < 2 or loc[0] != "codes" or not isinstance(loc[1], int):
            return key_path(loc)
        raw = data["codes"][loc[1]]
        cid = text_of(raw.get("id")) if isinstance(raw, dict) else ""
        rest = key_path(loc[2:])
        return f"codes[{cid or loc[1]}]" + ("." + rest if rest and not rest.startswith("[") else rest)
    return place


def _strings(value: Any) -> list[str] | None:
    """A YAML scalar or list of scalars as a list of texts; None when not that shape."""
    if value is None:
        return []
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                                       for v in value):
        return [str(v) for v in value]
    return None


def _keywords(chk: ProblemLog, rule: Mapping[str, Any], key: str, path: tuple[Any, ...],
              place: str) -> tuple[str, ...]:
    words = _strings(rule.get(key))
    where = path + (key,)
    if words is None:
        chk.add(where, f"{place}.{key}", tr("一个关键词或关键词列表", "a keyword or a list of keywords"), rule.get(key))
        return ()
    out = []
    for i, w in enumerate(words):
        if not w.strip():
            chk.add(where + (i,), f"{place}.{key}", tr("非空的关键词", "a non-empty keyword"), w)
            continue
        if key == "regex":
            try:
                compiled = re.compile(w)
            except re.error as exc:
                chk.add(where + (i,), f"{place}.{key}", tr("有效的正则表达式（Python 语法）",
                                                           "a valid regular expression (Python syntax)"),
                        f"{w} ({exc})")
                continue
            if compiled.search("") is not None:
                chk.add(where + (i,), f"{place}.{key}", tr("不能匹配空文本的正则表达式",
                                                           "a regular expression that cannot match empty text"),
                        w)
                continue
        out.append(w.strip() if key != "regex" else w)
    return tuple(out)


def _rule(chk: ProblemLog, raw: Any, path: tuple[Any, ...], place: str) -> Rule | None:
    if not isinstance(raw, dict):
        chk.add(path, place, tr("规则：含 any: 的映射（还可以有 all:、none:、window:、regex:）",
                                "a rule: a mapping with any: (and optionally all:, none:, window:, regex:)"),
                raw)
        return None
    n_before = len(chk.problems)
    any_ = _keywords(chk, raw, "any", path, place) if "any" in raw else ()
    regex = _keywords(chk, raw, "regex", path, place) if "regex" in raw else ()
    all_ = _keywords(chk, raw, "all", path, place) if "all" in raw else ()
    none = _keywords(chk, raw, "none", path, place) if "none" in raw else ()
    if not any_ and not regex and len(chk.problems) == n_before:
        chk.add(path, place, tr("any: 中至少有一个关键词（或有 regex:）的规则",
                                "a rule with at least one keyword in any: (or a regex:)"),
                tr("没有关键词的规则", "a rule without keywords"))
    window = raw.get("window")
    if "window" in raw:
        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            chk.add(path + ("window",), f"{place}.window", tr("不小于 1 的整数字符数",
                                                              "a whole number of characters >= 1"), window)
            window = None
        elif not all_ and not none and "all" not in raw and "none" not in raw:
            chk.add(path + ("window",), f"{place}.window",
                    tr("window: 要与 all: 或 none: 一起用（它限定它们出现的范围）",
                       "window: together with all: or none: (it limits where they may occur)"), window)
            window = None
    if len(chk.problems) > n_before:
        return None
    return Rule(any=any_, all=all_, none=none, window=window, regex=regex,
                line=line_of(chk.lines, *path))


def _code(chk: ProblemLog, raw: Any, i: int, groups: Mapping[str, str], source: str) -> Code | None:
    path: tuple[Any, ...] = ("codes", i)
    if not isinstance(raw, dict):
        chk.add(path, f"codes[{i}]", tr("编码：含 id、label、group（和 rules）的映射",
                                        "a code: a mapping with id, label, group (and rules)"), raw)
        return None
    cid = text_of(raw.get("id"))
    place = f"codes[{cid or i}]"
    n_before = len(chk.problems)
    if not _ID.match(cid):
        chk.add(path + ("id",), f"{place}.id",
                tr("ASCII 编号：小写字母开头，后面是小写字母、数字或 _",
                   "an ASCII id: a lower-case letter, then lower-case letters, digits or _"), raw.get("id"))
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        chk.add(path + ("label",), f"{place}.label", tr("名称（顾问看到的中文名称）",
                                                        "a label (the Chinese name consultants read)"), label)
    group = text_of(raw.get("group"))
    if group not in groups:
        chk.add(path + ("group",), f"{place}.group",
                tr(f"编码框架中的分组（{short_list(list(groups), 12) or 'groups: 下一个也没有声明'}）",
                   f"a group of the frame ({short_list(list(groups), 12) or 'none declared under groups:'})"),
                raw.get("group"))
    description = raw.get("description")
    if description is not None and not isinstance(description, str):
        chk.add(path + ("description",), f"{place}.description", tr("一段文字", "a text"), description)
    pops: list[str] = []
    names = _strings(raw.get("populations"))
    if names is None:
        chk.add(path + ("populations",), f"{place}.populations", tr("岗位列表", "a list of populations"),
                raw.get("populations"))
    else:
        for j, name in enumerate(names):
            pop = domain.lookup(domain.POPULATIONS, name)
            if pop is None:
                chk.add(path + ("populations", j), f"{place}.populations",
                        tr(f"岗位（{short_list(domain.POPULATIONS)}，或其中文名称）",
                           f"a population ({short_list(domain.POPULATIONS)}, or its Chinese label)"), name)
            elif pop not in pops:
                pops.append(pop)
    rules: list[Rule] = []
    if "rules" in raw:
        raw_rules = raw.get("rules")
        if not isinstance(raw_rules, list) or not raw_rules:
            chk.add(path + ("rules",), f"{place}.rules",
                    tr("至少一条规则的列表（只靠人工编码的，不写 rules:）",
                       "a list of at least one rule (leave rules: out for a code applied by hand only)"),
                    raw_rules if raw_rules != [] else tr("空列表", "an empty list"))
        else:
            for j, r in enumerate(raw_rules):
                rule = _rule(chk, r, path + ("rules", j), f"{place}.rules[{j}]")
                if rule is not None:
                    rules.append(rule)
    if len(chk.problems) > n_before:
        return None
    return Code(id=cid, label=str(label).strip(), group=group, description=text_of(description),
                populations=tuple(pops), rules=tuple(rules), source=source,
                line=line_of(chk.lines, *path))


def parse_code_frame(data: Any, lines: YamlLines, rel: str, *, source: str,
                     base_groups: Mapping[str, str] | None = None,
                     base_ids: frozenset[str] = frozenset()) -> tuple[_Parsed, list[Problem]]:
    """Check one code-frame YAML document and return what it declares.

    Parameters
    ----------
    data : object
        The parsed YAML document.
    lines : dict
        Key path → line (:func:`casekit.intake._files.load_yaml`).
    rel : str
        File name used in problems.
    source : str
        ``"default"`` or ``"bundle"``, stored on every code.
    base_groups : mapping, optional
        Groups of the default frame, known to codes when the file says ``extends: default``.
    base_ids : frozenset of str
        Code ids of the default frame (for ``remove:``).

    Returns
    -------
    parsed : _Parsed
        Groups, codes (those with problems left out), ``extends``, ``remove``, ``skip_kinds``.
    problems : list of Problem
    """
    chk = ProblemLog(rel, lines, show=_show)
    out = _Parsed()
    if data is None:
        return out, []
    if not isinstance(data, dict):
        chk.add((), None, tr("含 groups 和 codes 键（还可以有 extends）的 YAML 映射",
                             "a YAML mapping with keys groups and codes (and optionally extends)"),
                type(data).__name__)
        return out, chk.problems
    chk.problems.extend(schema_problems(data, lines, rel, CodeFrameSchema, _placer(data)))

    if "extends" in data:
        ext = text_of(data.get("extends"))
        if ext != "default":
            chk.add(("extends",), "extends", tr("extends: default（不写 extends: 则替换默认框架）",
                                                "extends: default (or no extends: to replace the default frame)"),
                    data.get("extends"))
        else:
            out.extends = True

    if "remove" in data:
        names = _strings(data.get("remove"))
        if not out.extends:
            chk.add(("remove",), "remove", tr("remove: 只能与 extends: default 一起用",
                                              "remove: only together with extends: default"),
                    data.get("remove"))
        elif names is None:
            chk.add(("remove",), "remove", tr("默认框架中编码编号的列表",
                                              "a list of code ids of the default frame"), data.get("remove"))
        else:
            for j, name in enumerate(names):
                if name not in base_ids:
                    chk.add(("remove", j), "remove", tr("默认框架中的编码编号", "a code id of the default frame"), name)
                else:
                    out.remove.append((name, line_of(lines, "remove", j)))

    if "skip_kinds" in data:
        kinds = _strings(data.get("skip_kinds"))
        if kinds is None:
            chk.add(("skip_kinds",), "skip_kinds", tr(f"段落类型的列表（{'、'.join(SEGMENT_KINDS)}）",
                                                      f"a list of segment kinds ({', '.join(SEGMENT_KINDS)})"),
                    data.get("skip_kinds"))
        else:
            bad = [k for k in kinds if k not in SEGMENT_KINDS]
            for k in bad:
                chk.add(("skip_kinds",), "skip_kinds", tr(f"{'、'.join(SEGMENT_KINDS)} 中的段落类型",
                                                          f"segment kinds among {', '.join(SEGMENT_KINDS)}"), k)
            if not bad:
                out.skip_kinds = tuple(dict.fromkeys(kinds))

    groups: dict[str, str] = dict(base_groups or {}) if out.extends else {}
    raw_groups = data.get("groups")
    if raw_groups is not None and not isinstance(raw_groups, dict):
        chk.add(("groups",), "groups", tr("分组编号 → 中文名称的映射", "a mapping group id → Chinese label"), raw_groups)
    elif raw_groups:
        for gid, glabel in raw_groups.items():
            gkey = str(gid)
            if not _ID.match(gkey):
                chk.add(("groups", gkey), f"groups.{gkey}",
                        tr("ASCII 分组编号：小写字母开头，后面是小写字母、数字或 _",
                           "an ASCII group id: a lower-case letter, then lower-case letters, digits or _"), gkey)
                continue
            if not isinstance(glabel, str) or not glabel.strip():
                chk.add(("groups", gkey), f"groups.{gkey}", tr("分组的中文名称", "the group's Chinese label"), glabel)
                continue
            groups[gkey] = glabel.strip()
            out.groups[gkey] = glabel.strip()
    if not groups and "codes" in data:
        chk.add(("groups",), "groups", tr("groups：至少一个“分组编号 → 中文名称”",
                                          "groups: at least one group id → Chinese label"), None)

    raw_codes = data.get("codes")
    if raw_codes is None:
        if not out.extends:
            chk.add(("codes",), "codes", tr("codes：编码列表", "codes: a list of codes"), None)
    elif not isinstance(raw_codes, list):
        chk.add(("codes",), "codes", tr("编码列表", "a list of codes"), raw_codes)
    else:
        seen: dict[str, int | None] = {}
        labels: dict[str, str] = {}
        for i, raw in enumerate(raw_codes):
            code = _code(chk, raw, i, groups, source)
            if code is None:
                continue
            if code.id in seen:
                chk.add(("codes", i, "id"), f"codes[{code.id}].id",
                        tr(f"每个编码编号只出现一次（第 {seen[code.id]} 行已有）",
                           f"each code id once (already at line {seen[code.id]})"),
                    code.id)
                continue
            if code.label in labels:
                chk.add(("codes", i, "label"), f"codes[{code.id}].label",
                        tr(f"每个名称只出现一次（已是「{labels[code.label]}」的名称）",
                       f"each label once (already the label of {labels[code.label]!r})"), code.label)
                continue
            seen[code.id] = code.line
            labels[code.label] = code.id
            out.codes.append(code)
    return out, chk.problems


# --------------------------------------------------------------------------- default frame


@lru_cache(maxsize=1)
def default_code_frame() -> CodeFrame:
    """Return casekit's default code frame (``casekit/analysis/code_frame.yaml``).

    Returns
    -------
    CodeFrame
        ``source`` ``"default"``.

    Raises
    ------
    CasekitError
        If the package's file is broken (an installation problem, not a user error).
    """
    rel = str(DEFAULT_CODE_FRAME_PATH)
    text, problems = read_text(DEFAULT_CODE_FRAME_PATH, rel)
    data, lines, more = load_yaml(text or "", rel)
    problems += more
    parsed = _Parsed()
    if not problems:
        parsed, more = parse_code_frame(data, lines, rel, source="default")
        problems += more
        if parsed.extends:
            problems.append(Problem(rel, line_of(lines, "extends"), "extends",
                                    tr("默认框架中没有 extends:", "no extends: in the default frame"), "extends"))
    if problems:
        raise CasekitError(tr("casekit 自带的编码框架已损坏：\n", "casekit's default code frame is broken:\n")
                           + "\n".join(f"  - {p}" for p in problems))
    return CodeFrame(groups=parsed.groups, codes=tuple(parsed.codes),
                     skip_kinds=parsed.skip_kinds if parsed.skip_kinds is not None else DEFAULT_SKIP_KINDS,
                     source="default")


def read_code_frame(root: str | Path) -> tuple[CodeFrame, list[Problem]]:
    """Return the bundle's code frame and every problem of its ``code_frame.yaml``.

    Parameters
    ----------
    root : str or Path
        The bundle folder.

    Returns
    -------
    frame : CodeFrame
        The default frame when the bundle has no ``code_frame.yaml`` (or an empty one); with
        ``extends: default`` the default plus the bundle's groups and codes (a bundle code with
        a default id replaces it; ``remove:`` leaves default codes out); otherwise the bundle's
        frame alone. Codes with problems are left out; a file that does not parse gives the
        default frame.
    problems : list of Problem
        File ``code_frame.yaml``, row = YAML line, column = place in the file.

    Raises
    ------
    CasekitError
        If casekit's own default frame is broken.
    """
    base = default_code_frame()
    rel = CODE_FRAME_FILE
    path = Path(root) / rel
    if not path.exists():
        return base, []
    text, problems = read_text(path, rel)
    if text is None:
        return base, problems
    data, lines, problems = load_yaml(text, rel)
    if problems or data is None:  # an empty (or comment-only) file changes nothing
        return base, problems
    parsed, problems = parse_code_frame(data, lines, rel, source="bundle", base_groups=base.groups,
                                        base_ids=frozenset(base.ids))
    if not parsed.extends:
        if not parsed.codes and problems:
            return base, problems
        return CodeFrame(groups=parsed.groups, codes=tuple(parsed.codes),
                         skip_kinds=parsed.skip_kinds if parsed.skip_kinds is not None else DEFAULT_SKIP_KINDS,
                         source="bundle"), problems
    removed = {name for name, _ in parsed.remove}
    own = {c.id: c for c in parsed.codes}
    codes = [own.get(c.id, c) for c in base.codes if c.id not in removed]
    codes += [c for c in parsed.codes if c.id not in base]
    groups = dict(base.groups)
    groups.update(parsed.groups)
    owner: dict[str, Code] = {}
    for c in codes:  # a bundle label may collide with a default code's label
        other = owner.setdefault(c.label, c)
        if other is not c:
            mine, theirs = (c, other) if c.source == "bundle" else (other, c)
            problems.append(Problem(rel, mine.line, f"codes[{mine.id}].label",
                                    tr(f"没有被其他编码用过的名称（已是「{theirs.id}」的名称）",
                                       f"a label not used by another code (already the label of {theirs.id!r})"),
                                    mine.label))
    return CodeFrame(groups=groups, codes=tuple(codes),
                     skip_kinds=parsed.skip_kinds if parsed.skip_kinds is not None else base.skip_kinds,
                     source="default+bundle"), problems
