"""Teaching cases and role-plays: Markdown files with YAML front matter in ``<bundle>/cases/``.

A consultant writes (or corrects a draft of) each case in any editor and reviews it in git; casekit
reads, validates and writes them. One file per case or role-play, ``cases/<id>.md``; the file stem
is the id. The format (``docs/cases.md``)::

    ---
    id: C001
    kind: case                      # case | roleplay
    title: 某宾馆的苦恼
    region: 石家庄                  # region id or name of the manifest
    industry: 酒店                  # casekit.domain.INDUSTRIES id or label
    products: [商务领航·酒店版, 光纤专线]   # local names of the region's catalogue, or canonical ids
    funnel_stage: 销售拜访          # FUNNEL_STAGES id or label
    outcome: failure                # success | failure (成功 / 失败 accepted)
    roles: [客户经理, 总经理]
    modules: [am_needs_basics]      # module ids of casekit/curriculum/outlines.yaml
    sources: [N002-02, N002-04]     # segment ids it was drafted from
    status: draft                   # draft | reviewed
    population: account_manager     # whose course (optional): the kind of case follows it
    minutes: 60                     # class time of the discussion (optional, default 60)
    ---
    ## 背景
    ...

A case's sections (:data:`CASE_SECTIONS`): what trainees read (``背景``, ``人物``, ``经过``,
``难题``, ``讨论问题``), then what only the trainer reads (``教学笔记`` with its ``### `` parts,
``待核实``, ``出处``). Files of the older format (``情境``, ``教学要点``) still read: ``情境`` is
the story (``经过``), ``教学要点`` the teaching note's wrap-up.

A role-play adds ``case`` (the id of the case it comes from) and ``minutes``.

Values are kept as written (``region: 石家庄`` stays ``石家庄``) so that a file read and written
again is unchanged; :func:`resolve_case` turns them into ids. ``kind`` and ``outcome`` are
normalised on reading (``成功`` → ``success``).

A part still missing in a draft is written ``【待补充：……】``; it is allowed in a draft and reported
as a problem once the case is ``reviewed``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Union

import yaml

from casekit.domain import FUNNEL_STAGES, INDUSTRIES, PRODUCTS, lookup
from casekit.exceptions import FileIdError, Problem
from casekit.file_ids import case_collision_problems, check_file_id, file_id_problems, id_key, name_problem
from casekit.progress import Progress
from casekit.safe_save import Saved, check_no_links, save_editable
from casekit.language import tr

__all__ = [
    "CASES_DIR",
    "CASE_SECTIONS",
    "CASE_TYPES",
    "DEFAULT_MINUTES",
    "KINDS",
    "LEGACY_CASE_SECTIONS",
    "MISSING_MARK",
    "OUTCOMES",
    "OPTIONAL_SECTIONS",
    "ROLEPLAY_SECTIONS",
    "STATUSES",
    "TRAINEE_SECTIONS",
    "TRAINER_SECTIONS",
    "Case",
    "CaseFile",
    "RolePlay",
    "case_from_markdown",
    "case_problems",
    "case_to_markdown",
    "missing",
    "module_marks",
    "placeholders",
    "read_cases",
    "resolve_case",
    "role_parts",
    "save_case",
    "validate_case",
    "write_case",
]

#: The folder of a bundle that holds the cases and role-plays (nothing else).
CASES_DIR = "cases"

#: What trainees read of a case, in order.
TRAINEE_SECTIONS: tuple[str, ...] = ("背景", "人物", "经过", "难题", "讨论问题")
#: What only the trainer reads, in order (the teaching note, what the note did not say, the sources).
TRAINER_SECTIONS: tuple[str, ...] = ("教学笔记", "待核实", "出处")
#: Sections a case may leave out: the list of what to check goes once everything is checked.
OPTIONAL_SECTIONS: tuple[str, ...] = ("待核实",)
#: A case's sections, in order.
CASE_SECTIONS: tuple[str, ...] = TRAINEE_SECTIONS + TRAINER_SECTIONS
#: The sections of a case file of the older format (still read and validated as such).
LEGACY_CASE_SECTIONS: tuple[str, ...] = ("背景", "情境", "难题", "讨论问题", "教学要点", "出处")
#: Section → the section of the other format that holds the same (情境 is the story, 经过).
_SECTION_ALIASES = {"经过": "情境", "情境": "经过"}
#: Class time of a case discussion when the file does not say (minutes).
DEFAULT_MINUTES = 60
#: The kind of case each population's course uses.
CASE_TYPES: Mapping[str, str] = {
    "account_manager": "销售案例",
    "support_engineer": "支撑案例",
    "sales_manager": "管理案例",
}
#: A role-play's sections, in order (``角色`` holds one ``### <role>`` per role).
ROLEPLAY_SECTIONS: tuple[str, ...] = ("公开信息", "角色", "时间安排", "观察清单")

KINDS: tuple[str, ...] = ("case", "roleplay")
#: Outcome id → accepted spellings.
OUTCOMES: Mapping[str, tuple[str, ...]] = {
    "success": ("success", "成功", "成功案例"),
    "failure": ("failure", "失败", "失败案例"),
}
STATUSES: tuple[str, ...] = ("draft", "reviewed")

#: How a draft marks a part the sources do not give (never invented).
MISSING_MARK = "【待补充"

_KIND_ALIASES = {"case": "case", "案例": "case", "roleplay": "roleplay", "role-play": "roleplay",
                 "role_play": "roleplay", "角色扮演": "roleplay"}
_SEGMENT_RE = re.compile(r"^(?P<note>[A-Za-z0-9_][A-Za-z0-9_.-]*)-(?P<pos>\d+)$")
_MODULE_MARK_RE = re.compile(r"〔模块[：:]\s*([^〕]+?)\s*〕")
_MINUTES_RE = re.compile(r"(\d+)\s*分钟")
#: A pseudonym placeholder left by redaction (〔企业A〕, 〔甲〕, 〔手机号〕), not an authoring mark.
_PLACEHOLDER_RE = re.compile(r"〔(?!模块[：:])[^〔〕\n]{1,12}〕")
_CHECK_RE = re.compile(r"^\s*[-*]\s*\[[ xX]\]\s*\S")
_NUMBERED_RE = re.compile(r"^\s*\d+[.、．)]\s*\S")


def missing(what: str) -> str:
    """The mark of a missing part: ``【待补充：<what>】``."""
    return f"【待补充：{what}】"


def placeholders(text: str) -> list[str]:
    """The redaction placeholders (``〔企业A〕``, ``〔甲〕``) left in a text, in order (``〔模块：…〕`` is not one)."""
    return _PLACEHOLDER_RE.findall(text)


# ------------------------------------------------------------------------------------ model


@dataclass(frozen=True)
class CaseFile:
    """What a case and a role-play share: the front-matter keys, the sections and the path.

    Parameters
    ----------
    id : str
        ``C001`` / ``R001``: the file stem.
    title : str
        Chinese title (a case: ``某宾馆的苦恼``).
    region : str
        Region id or name of the manifest, as written.
    industry : str
        :data:`casekit.domain.INDUSTRIES` id or label, as written.
    products : tuple of str
        Local product names of the region's catalogue, or canonical product ids/labels.
    funnel_stage : str
        :data:`casekit.domain.FUNNEL_STAGES` id or label, as written.
    outcome : str
        ``success`` or ``failure`` (``""`` when not given).
    roles : tuple of str
        Role names (客户经理, 支撑人员, 总经理, 财务经理 …).
    modules : tuple of str
        Course module ids (``casekit/curriculum/outlines.yaml``).
    sources : tuple of str
        Segment ids (``N002-03``) the text was drafted from.
    status : str
        ``draft`` or ``reviewed``.
    population : str
        Whose course it is written for (``account_manager`` …; ``""`` when not given).
    minutes : int or None
        A case: class time of its discussion (the teaching note's plan adds up to it; ``None``
        means :data:`DEFAULT_MINUTES`). A role-play: its length.
    sections : dict of str to str
        Heading (without ``## ``) → its text, stripped, in file order.
    path : Path or None
        The file read (not compared: a case read back equals the one written).
    """

    id: str
    title: str
    region: str = ""
    industry: str = ""
    products: tuple[str, ...] = ()
    funnel_stage: str = ""
    outcome: str = ""
    roles: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    status: str = "draft"
    population: str = ""
    minutes: int | None = None
    sections: dict[str, str] = field(default_factory=dict)
    path: Path | None = field(default=None, compare=False)

    #: ``case`` or ``roleplay`` (a class attribute: the class is the kind), the ``kind`` key.
    kind: ClassVar[str] = "case"
    #: The sections, in order.
    SECTIONS: ClassVar[tuple[str, ...]] = ()

    def section(self, heading: str) -> str:
        """The text of a section (``""`` when absent); ``经过`` and ``情境`` stand for each other."""
        if heading in self.sections:
            return self.sections[heading]
        return self.sections.get(_SECTION_ALIASES.get(heading, ""), "")

    @property
    def is_complete(self) -> bool:
        """True when no part is still marked ``【待补充…】``."""
        values = (self.title, self.region, self.industry, self.funnel_stage, self.outcome, *self.sections.values())
        return not any(MISSING_MARK in str(v) for v in values)


@dataclass(frozen=True)
class Case(CaseFile):
    """A teaching case (``kind: case``): sections :data:`CASE_SECTIONS`."""

    kind: ClassVar[str] = "case"
    SECTIONS: ClassVar[tuple[str, ...]] = CASE_SECTIONS

    @property
    def is_legacy(self) -> bool:
        """True for a file of the older format (``情境`` / ``教学要点``, no ``经过`` / ``教学笔记``)."""
        return bool({"情境", "教学要点"} & set(self.sections)) and not ({"经过", "教学笔记"} & set(self.sections))

    @property
    def expected_sections(self) -> tuple[str, ...]:
        """The sections this file must have: :data:`CASE_SECTIONS`, or the older format's."""
        return LEGACY_CASE_SECTIONS if self.is_legacy else CASE_SECTIONS

    @property
    def case_type(self) -> str:
        """销售案例, 支撑案例 or 管理案例 (from ``population``; ``案例`` when it is not given)."""
        from casekit.domain import POPULATIONS

        pid = lookup(POPULATIONS, self.population) if self.population else None
        return CASE_TYPES.get(pid or "", "案例")

    @property
    def class_minutes(self) -> int:
        """``minutes``, or :data:`DEFAULT_MINUTES` when not given."""
        return self.minutes or DEFAULT_MINUTES

    @property
    def trainee_ready(self) -> bool:
        """True when the case may enter the trainee book: reviewed, nothing 【待补充】 left."""
        return self.status == "reviewed" and self.is_complete


@dataclass(frozen=True)
class RolePlay(CaseFile):
    """A role-play (``kind: roleplay``) drawn from a case: sections :data:`ROLEPLAY_SECTIONS`.

    Parameters
    ----------
    case : str
        Id of the case it comes from.
    minutes : int or None
        Its length in minutes; the ``时间安排`` section's steps add up to it.
    """

    case: str = ""

    kind: ClassVar[str] = "roleplay"
    SECTIONS: ClassVar[tuple[str, ...]] = ROLEPLAY_SECTIONS


#: A case or a role-play.
AnyCase = Union[Case, RolePlay]  # noqa: UP007 - a runtime alias

#: Front-matter keys in the order they are written.
_KEYS = ("id", "kind", "title", "region", "industry", "products", "funnel_stage", "outcome", "roles",
         "modules", "sources", "status", "population", "case", "minutes")
_LIST_KEYS = ("products", "roles", "modules", "sources")
_REQUIRED = {
    "case": ("id", "kind", "title", "region", "industry", "funnel_stage", "outcome", "status"),
    "roleplay": ("id", "kind", "title", "case", "minutes", "status"),
}


# ------------------------------------------------------------------------------------ writing


def case_to_markdown(case: AnyCase) -> str:
    """Return the Markdown file of a case or role-play (front matter, then ``## `` sections).

    Empty list keys are written as ``[]``; ``population`` (when given), then a role-play's
    ``case`` and ``minutes`` (a case's ``minutes`` when given) follow ``status``. Sections are written in the order of ``case.sections``.
    """
    data: dict[str, Any] = {}
    for key in _KEYS:
        if key == "kind":
            data[key] = case.kind
        elif key in ("case", "minutes"):
            if isinstance(case, RolePlay):
                data[key] = getattr(case, key)
            elif key == "minutes" and case.minutes is not None:
                data[key] = case.minutes
        elif key == "population":
            if case.population:
                data[key] = case.population
        else:
            value = getattr(case, key)
            data[key] = list(value) if key in _LIST_KEYS else value
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None,
                           width=10_000)
    parts = ["---\n", front, "---\n"]
    for heading, text in case.sections.items():
        if heading:
            parts.append(f"\n## {heading}\n\n")
        text = text.strip("\n")
        if text:
            parts.append(text + "\n")
    return "".join(parts)


def save_case(root: str | Path | Any, case: AnyCase, *, force: bool = False) -> Saved:
    """Write ``<root>/cases/<case.id>.md`` atomically, never over a consultant's edits.

    The file is replaced only if it is new or holds exactly what casekit last wrote there
    (:func:`casekit.safe_save.save_editable`, ledger ``cases/.casekit-written.json``); with
    ``force`` an edited file is replaced and its old content kept beside it as
    ``cases/_<id>.bak-<YYYYmmdd-HHMMSS>.md`` (skipped by :func:`read_cases`).

    Parameters
    ----------
    root : path-like or Bundle
        The bundle folder (or a loaded bundle).
    case : Case or RolePlay
    force : bool, default False
        Replace a file edited since casekit wrote it (keeping a backup).

    Returns
    -------
    Saved
        ``path``, ``backup`` (None unless one was made) and ``changed``.

    Raises
    ------
    FileIdError
        If the id cannot be a file name (:func:`casekit.file_ids.file_id_problem`), or differs
        only by case from another file's in ``cases/``.
    LinkedOutputError
        If ``cases/`` or the case file is a symbolic link; nothing is written.
    EditedFileError
        If the file was changed since casekit wrote it and ``force`` is False; nothing is written.
    OutputError
        If the file cannot be written.
    """
    root = Path(getattr(root, "path", root))
    check_file_id(case.id or "", "case id")
    folder = root / CASES_DIR
    target = folder / f"{case.id}.md"
    check_no_links([target], root)  # a linked cases/ folder or case file would carry the save elsewhere
    if folder.is_dir():
        same = [p.name for p in folder.iterdir()
                if p.suffix.lower() == ".md" and p.stem != case.id and id_key(p.stem) == id_key(case.id)]
        if same:  # C9.md beside c9.md: one file on Windows and macOS
            raise FileIdError(tr("案例编号", "case id"), case.id,
                              tr(f"与 cases/ 中的 {same[0]} 不只是大小写不同的编号（在 Windows 和 macOS 上两者是同一个文件）",
                                 f"an id that differs from {same[0]} in cases/ by more than "
                                 "upper/lower case (on Windows and macOS both are the same file)"))
    return save_editable(target, case_to_markdown(case), force=force, root=folder)


def write_case(root: str | Path | Any, case: AnyCase, *, force: bool = False) -> Path:
    """Write ``<root>/cases/<case.id>.md`` like :func:`save_case`; return the path.

    Raises
    ------
    FileIdError
        If the id cannot be a file name.
    EditedFileError
        If the file was changed since casekit wrote it and ``force`` is False.
    OutputError
        If the file cannot be written.
    """
    return save_case(root, case, force=force).path


# ------------------------------------------------------------------------------------ reading


@dataclass
class _Parsed:
    """A parsed file: the case and where each key and section is (1-based lines)."""

    case: AnyCase | None
    key_lines: dict[str, int]
    section_lines: dict[str, int]
    problems: list[Problem]
    order: list[str] = field(default_factory=list)
    text_lines: dict[str, int] = field(default_factory=dict)


def _as_list(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in re.split(r"[,，、]", value) if v.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if v is not None and str(v).strip())
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _parse(text: str, rel: str, path: Path | None = None) -> _Parsed:
    from casekit.intake.bundle_files import MISSING, load_yaml, split_front_matter

    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    front, _, problems = split_front_matter(text, rel)
    if front is None:
        return _Parsed(None, {}, {}, problems)
    data, lines, problems = load_yaml(front, rel, line_offset=1)
    if problems:
        return _Parsed(None, {}, {}, problems)
    if not isinstance(data, dict):
        return _Parsed(None, {}, {}, [Problem(rel, 2, None, tr("“键: 值”形式的文首信息", "front matter as key: value lines"),
                                              type(data).__name__)])
    key_lines = {str(k[0]): v for k, v in lines.items() if len(k) == 1}
    front_end = front.count("\n") + 3  # the closing '---' line
    problems = []

    def where(key: str) -> int:
        return key_lines.get(key, 2)

    for key in data:
        if str(key) not in _KEYS:
            problems.append(Problem(rel, where(str(key)), str(key),
                                    tr(f"文首信息的键（{'、'.join(_KEYS)}）", f"a front-matter key ({'、'.join(_KEYS)})"),
                                    str(key)))
    raw_kind = _text(data.get("kind"))
    kind = _KIND_ALIASES.get(raw_kind.lower() if raw_kind.isascii() else raw_kind)
    if kind is None:
        problems.append(Problem(rel, where("kind"), "kind", tr("case（案例）或 roleplay（角色扮演）",
                                                               "case or roleplay"), raw_kind or MISSING))
        kind = "roleplay" if "case" in data else "case"
    for key in _REQUIRED[kind]:
        if key != "kind" and (key not in data or data[key] is None or _text(data[key]) == ""):
            problems.append(Problem(rel, where(key) if key in data else 2, key,
                                    tr(f"文首信息中的键「{key}」", f"the front-matter key {key!r}"), MISSING))
    values: dict[str, Any] = {}
    for key in ("id", "title", "region", "industry", "funnel_stage", "status", "population"):
        values[key] = _text(data.get(key))
    if not values["status"]:
        values["status"] = "draft"
    hidden = name_problem(values["title"]) if values["title"] else None
    if hidden is not None:  # an escape sequence would reach a terminal through `case list`
        problems.append(Problem(rel, where("title"), "title", tr(f"不含以下字符的标题：{hidden}", f"a title without {hidden}"),
                                values["title"]))
    raw_outcome = _text(data.get("outcome"))
    values["outcome"] = _outcome(raw_outcome) or raw_outcome
    for key in _LIST_KEYS:
        items = _as_list(data.get(key))
        if items is None:
            problems.append(Problem(rel, where(key), key, tr("列表，例如 [a, b]",
                                                             "a list, e.g. [a, b]"), _text(data.get(key))))
            items = ()
        values[key] = items
    cls: type[CaseFile] = Case
    minutes = data.get("minutes")
    if minutes is None or _text(minutes) == "":
        values["minutes"] = None
    else:
        try:
            if isinstance(minutes, bool):
                raise ValueError
            values["minutes"] = int(str(minutes).strip())
            if values["minutes"] <= 0:
                raise ValueError
        except ValueError:
            problems.append(Problem(rel, where("minutes"), "minutes", tr("大于 0 的整分钟数",
                                                                         "a whole number of minutes > 0"),
                                    _text(minutes)))
            values["minutes"] = None
    if kind == "roleplay":
        cls = RolePlay
        values["case"] = _text(data.get("case"))
    elif "case" in data:
        problems.append(Problem(rel, where("case"), "case", tr("案例中不写 case（只有角色扮演才写）",
                                                               "no 'case' in a case (only in a roleplay)"),
                                _text(data["case"])))

    sections, section_lines, text_lines, order, more = _sections(text, front_end, rel)
    problems += more
    case: AnyCase = (RolePlay if cls is RolePlay else Case)(sections=sections, path=path, **values)
    return _Parsed(case, key_lines, section_lines, problems, order, text_lines)


def _sections(text: str, front_end: int, rel: str
              ) -> tuple[dict[str, str], dict[str, int], dict[str, int], list[str], list[Problem]]:
    """Split the body after line ``front_end`` into ``## `` sections.

    Returns the sections, the line of each heading, the line of each section's first text line,
    the headings in file order and the problems (a heading used twice).
    """
    lines = text.split("\n")
    sections: dict[str, list[str]] = {}
    section_lines: dict[str, int] = {}
    text_lines: dict[str, int] = {}
    order: list[str] = []
    problems: list[Problem] = []
    current = ""
    fence = False
    for n in range(front_end, len(lines)):
        line = lines[n]
        if line.lstrip().startswith("```"):
            fence = not fence
        m = None if fence else re.match(r"^##(?!#)\s*(.*?)\s*#*\s*$", line)
        if m:
            heading = m.group(1).strip()
            order.append(heading)
            if heading in sections:
                problems.append(Problem(rel, n + 1, heading, tr(f"“## {heading}”一节只出现一次",
                                                                f"the section '## {heading}' once"),
                                        tr("又出现了一次", "a second one")))
                current = heading
                continue
            current = heading
            sections[current] = []
            section_lines[current] = n + 1
            continue
        if current == "" and "" not in sections:
            if not line.strip():
                continue
            sections[""] = []
            section_lines[""] = n + 1
        if line.strip() and current not in text_lines:
            text_lines[current] = n + 1
        sections[current].append(line)
    out = {h: "\n".join(body).strip("\n") for h, body in sections.items()}
    out = {h: _dedent_trailing(v) for h, v in out.items()}
    return out, section_lines, text_lines, order, problems


def _dedent_trailing(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _outcome(text: str) -> str | None:
    key = text.strip().lower()
    for oid, spellings in OUTCOMES.items():
        if key in spellings:
            return oid
    return None


def case_from_markdown(text: str, *, rel: str = "cases/<memory>.md", path: Path | None = None
                       ) -> tuple[AnyCase | None, list[Problem]]:
    """Parse one case or role-play file's text (format problems only, no bundle checks).

    Returns
    -------
    case : Case, RolePlay or None
        None when the front matter cannot be read at all.
    problems : list of Problem
    """
    parsed = _parse(text, rel, path)
    return parsed.case, parsed.problems


@dataclass
class _Context:
    """What the bundle checks need, read once."""

    root: Path | None
    manifest: Any
    catalogue: Any
    note_ids: set[str] | None
    module_ids: set[str]
    redactor: Any
    case_ids: set[str] | None = None
    bundle: Any = None
    _forbidden: str | None = None
    _real_names: frozenset[str] | None = None

    @property
    def forbidden(self) -> str:
        """The real names of the bundle (raw notes, roster): a fictional name must not be one."""
        if self._forbidden is None:
            from casekit.authoring.cast import forbidden_text

            text = forbidden_text(self.bundle) if self.bundle is not None else ""
            notes = getattr(self.bundle, "notes", None)
            if notes is None and self.root is not None and (self.root / "notes").is_dir():
                from casekit.intake.bundle_files import read_text

                for path in sorted((self.root / "notes").iterdir()):
                    if path.suffix.lower() in (".md", ".txt") and path.is_file():
                        raw, _ = read_text(path, f"notes/{path.name}")
                        text += "\n" + (raw or "")
            self._forbidden = text
        return self._forbidden

    @property
    def real_names(self) -> frozenset[str]:
        """The people and companies the redactor finds in the raw notes, and the roster's names.

        A name found in a case is personal data only if it is one of these: matching any
        substring of the raw notes instead would take words (问到) a detector mistook for a name.
        """
        if self._real_names is None:
            names: set[str] = set()
            if self.forbidden:
                from casekit.intake.redaction import Redactor

                fresh = Redactor.from_bundle(self.root) if self.root is not None else Redactor()
                for f in fresh.redact(self.forbidden).findings:
                    if f.kind in ("person", "company") and len(f.original) >= 2:
                        names.add(f.original)
            self._real_names = frozenset(names)
        return self._real_names


def _context(bundle: Any, redactor: Any = None, *, redact: bool = True) -> tuple[_Context, list[Problem]]:
    from casekit.curriculum import load_outlines

    problems: list[Problem] = []
    root = Path(getattr(bundle, "path", bundle)) if bundle is not None else None
    manifest = getattr(bundle, "manifest", None)
    catalogue = getattr(bundle, "catalogue", None)
    notes = getattr(bundle, "notes", None)
    if root is not None and manifest is None and not hasattr(bundle, "manifest"):
        from casekit.intake.catalogue import read_catalogue
        from casekit.intake.manifest import read_manifest

        manifest, more = read_manifest(root)
        problems += more
        catalogue, more = read_catalogue(root, manifest)
        problems += more
    if notes is not None and "note_id" in getattr(notes, "columns", ()):
        note_ids: set[str] | None = {str(n) for n in notes["note_id"]}
    elif root is not None and (root / "notes").is_dir():
        note_ids = {p.stem for p in (root / "notes").iterdir() if p.suffix.lower() in (".md", ".txt", ".docx")}
    else:
        note_ids = None
    module_ids = {m.module_id for o in load_outlines().values() for m in o.modules}
    if redactor is None and redact and root is not None:
        from casekit.intake.redaction import Redactor

        redactor = Redactor.from_bundle(bundle)
    return _Context(root, manifest, catalogue, note_ids, module_ids, redactor, bundle=bundle), problems


def _file_of(case: CaseFile) -> str:
    return f"{CASES_DIR}/{case.id or '<no id>'}.md"


def _check(case: AnyCase, ctx: _Context, parsed: _Parsed, rel: str) -> list[Problem]:
    """The bundle checks of one case (vocabulary, region, products, modules, sections, PII)."""
    from casekit.intake.bundle_files import short_list

    problems: list[Problem] = []
    kl = parsed.key_lines

    def at(key: str) -> int | None:
        return kl.get(key, 2 if kl else None)

    draft = case.status == "draft"

    def placeholder(value: str) -> bool:
        return MISSING_MARK in value

    if case.id:
        problems += [Problem(p.file, at("id"), p.column, p.expected, p.found)
                     for p in file_id_problems([(rel, None, "id", case.id)], "case id")]
    if case.status not in STATUSES:
        problems.append(Problem(rel, at("status"), "status", tr("draft（初稿）或 reviewed（已审阅）",
                                                                "draft or reviewed"), case.status))
    if case.outcome and not placeholder(case.outcome) and case.outcome not in OUTCOMES:
        problems.append(Problem(rel, at("outcome"), "outcome", tr("success（成功）或 failure（失败）",
                                                                  "success or failure (成功/失败)"), case.outcome))
    if case.population:
        from casekit.domain import POPULATIONS

        if lookup(POPULATIONS, case.population) is None:
            problems.append(Problem(rel, at("population"), "population",
                                    tr(f"岗位（{'、'.join(POPULATIONS)}）", f"a population ({'、'.join(POPULATIONS)})"),
                                    case.population))
    for mark in placeholders(case.title):
        problems.append(Problem(rel, at("title"), "title", tr("虚构的名字，而不是占位符",
                                                              "a fictional name, not a placeholder"), mark))
    if case.industry and not placeholder(case.industry) and lookup(INDUSTRIES, case.industry) is None:
        problems.append(Problem(rel, at("industry"), "industry",
                                tr(f"行业（{short_list([t.label for t in INDUSTRIES.values()], 10)}）",
                                   f"an industry ({short_list([t.label for t in INDUSTRIES.values()], 10)})"),
                                case.industry))
    if case.funnel_stage and not placeholder(case.funnel_stage) and lookup(FUNNEL_STAGES, case.funnel_stage) is None:
        problems.append(Problem(rel, at("funnel_stage"), "funnel_stage",
                                tr(f"销售阶段（{short_list([t.label for t in FUNNEL_STAGES.values()], 8)}）",
                                   f"a funnel step ({short_list([t.label for t in FUNNEL_STAGES.values()], 8)})"),
                                case.funnel_stage))
    top = None
    manifest = ctx.manifest
    if case.region and not placeholder(case.region) and manifest is not None:
        rid = manifest.resolve(case.region)
        if rid is None:  # unknown (closest named) or ambiguous (candidates named)
            problems.append(Problem(rel, at("region"), "region", manifest.expected_region(case.region),
                                    case.region))
        else:
            top = manifest.top_of(rid)
    if ctx.catalogue is not None and top is not None:
        local = _local_products(ctx.catalogue, top)
        for i, product in enumerate(case.products):
            if product in local or lookup(PRODUCTS, product) is not None or placeholder(product):
                continue
            problems.append(Problem(rel, kl.get("products", at("products")), "products",
                                    tr(f"{top} 产品目录中的产品（{short_list(sorted(local), 8)}）或标准产品",
                                       f"a product of the {top} catalogue ({short_list(sorted(local), 8)}) "
                                       "or a canonical product"), product))
    for module in case.modules:
        if module not in ctx.module_ids:
            problems.append(Problem(rel, at("modules"), "modules",
                                    tr("casekit/curriculum/outlines.yaml 中的模块编号（例如 am_needs_basics）",
                                       "a module id of casekit/curriculum/outlines.yaml (e.g. am_needs_basics)"),
                                    module))
    for source in case.sources:
        m = _SEGMENT_RE.match(source)
        if m is None:
            problems.append(Problem(rel, at("sources"), "sources", tr("形如 N002-03 的段落编号",
                                                                      "a segment id like N002-03"), source))
        elif ctx.note_ids is not None and m.group("note") not in ctx.note_ids:
            problems.append(Problem(rel, at("sources"), "sources", tr("notes/ 中某篇笔记的段落",
                                                                      "a segment of a note in notes/"), source))
    if not draft:
        for key in ("title", "region", "industry", "funnel_stage", "outcome"):
            if placeholder(getattr(case, key)):
                problems.append(Problem(rel, at(key), key, tr("已审阅的案例中已填写的值", "a filled-in value in a reviewed case"),
                                        getattr(case, key)))
    if isinstance(case, RolePlay) and case.case and ctx.case_ids is not None and case.case not in ctx.case_ids:
        problems.append(Problem(rel, at("case"), "case",
                                tr(f"cases/ 中某个案例的编号（{short_list(sorted(ctx.case_ids), 8)}）",
                                   f"the id of a case in cases/ ({short_list(sorted(ctx.case_ids), 8)})"),
                                case.case))
    problems += _check_sections(case, parsed, rel, draft)
    if isinstance(case, Case) and not draft and not case.is_legacy:
        from casekit.authoring.teaching_note import teaching_note_problems

        problems += teaching_note_problems(case, rel=rel, line=parsed.text_lines.get("教学笔记"))
    if ctx.redactor is not None:
        problems += _check_personal_data(case, parsed, rel, ctx.redactor, ctx)
    return problems


def _local_products(catalogue: Any, top: str) -> set[str]:
    if catalogue is None or "region_id" not in getattr(catalogue, "columns", ()):
        return set()
    rows = catalogue[catalogue["region_id"] == top]
    return {str(n) for n in rows["local_name"].dropna()}


def _check_sections(case: AnyCase, parsed: _Parsed, rel: str, draft: bool) -> list[Problem]:
    problems: list[Problem] = []
    sl = parsed.section_lines
    expected = case.expected_sections if isinstance(case, Case) else case.SECTIONS
    body_start = min(sl.values()) if sl else None
    if "" in case.sections:
        problems.append(Problem(rel, sl.get(""), None, tr(f"先是“## {expected[0]}”一节",
                                                          f"the section '## {expected[0]}' first"),
                                case.sections[""].split("\n")[0][:40]))
    for heading in parsed.order:
        if heading and heading not in expected:
            problems.append(Problem(rel, sl.get(heading), heading,
                                    tr(f"小节标题（{'、'.join('## ' + h for h in expected)}）",
                                       f"a section heading ({'、'.join('## ' + h for h in expected)})"),
                                    f"## {heading}"))
    present = [h for h in dict.fromkeys(parsed.order) if h in expected]
    for heading in expected:
        if heading not in case.sections and heading not in OPTIONAL_SECTIONS:
            problems.append(Problem(rel, body_start, heading, tr(f"“## {heading}”一节", f"the section '## {heading}'"),
                                    "<missing>"))
    in_order = [h for h in expected if h in present]
    if present != in_order:
        problems.append(Problem(rel, sl.get(present[0]) if present else None, None,
                                tr(f"各节按 {'、'.join(expected)} 的顺序",
                                   f"the sections in the order {'、'.join(expected)}"),
                                "、".join(present)))
    for heading in expected:
        text = case.sections.get(heading)
        if text is None:
            continue
        line = sl.get(heading)
        if not text.strip() and heading not in OPTIONAL_SECTIONS:
            problems.append(Problem(rel, line, heading, tr(f"“## {heading}”下面有文字（或写 {missing('…')}）",
                                                           f"some text under '## {heading}' (or {missing('…')})"),
                                    tr("空的一节", "an empty section")))
            continue
        if not draft and MISSING_MARK in text:
            problems.append(Problem(rel, line, heading, tr("已审阅的案例中不再有【待补充】", "no 【待补充】 left in a reviewed case"),
                                    _excerpt_of_mark(text)))
        if heading != "出处":  # the sources quote the redacted notes as they are
            for mark in dict.fromkeys(placeholders(text)):
                problems.append(Problem(rel, _line_in(case, parsed, heading, text.find(mark)), heading,
                                        tr("虚构的名字，而不是占位符", "a fictional name, not a placeholder"), mark))
        if MISSING_MARK in text and heading in ("讨论问题", "教学要点", "教学笔记", "观察清单"):
            continue
        if heading == "讨论问题" and not any(_NUMBERED_RE.match(x) for x in text.split("\n")):
            problems.append(Problem(rel, line, heading, tr("编号列表（1. …）",
                                                           "a numbered list (1. …)"), text.split("\n")[0][:40]))
        if heading == "观察清单" and not any(_CHECK_RE.match(x) for x in text.split("\n")):
            problems.append(Problem(rel, line, heading, tr("勾选清单（- [ ] …）",
                                                           "a checklist (- [ ] …)"), text.split("\n")[0][:40]))
    for heading, text in case.sections.items():
        for module in module_marks(text):
            if module not in _module_ids():
                row = _line_in(case, parsed, heading, text.find(module))
                problems.append(Problem(rel, row, heading,
                                        tr("〔模块：…〕中写 casekit/curriculum/outlines.yaml 的模块编号",
                                           "a module id of casekit/curriculum/outlines.yaml in 〔模块：…〕"), module))
    if isinstance(case, RolePlay):
        problems += _check_roleplay(case, parsed, rel)
    return problems


def _excerpt_of_mark(text: str) -> str:
    i = text.find(MISSING_MARK)
    j = text.find("】", i)
    return text[i:j + 1] if j > i else text[i:i + 20]


_MODULE_CACHE: set[str] | None = None


def _module_ids() -> set[str]:
    global _MODULE_CACHE
    if _MODULE_CACHE is None:
        from casekit.curriculum import load_outlines

        _MODULE_CACHE = {m.module_id for o in load_outlines().values() for m in o.modules}
    return _MODULE_CACHE


def module_marks(text: str) -> list[str]:
    """The module ids marked ``〔模块：am_needs_basics〕`` in a text, in order."""
    out: list[str] = []
    for m in _MODULE_MARK_RE.finditer(text):
        out += [x.strip() for x in re.split(r"[,，、\s]+", m.group(1)) if x.strip()]
    return out


def role_parts(roleplay: RolePlay) -> dict[str, dict[str, str]]:
    """The ``### <role>`` blocks of a role-play's ``角色`` section.

    Returns
    -------
    dict
        role → ``{"目标": …, "私人信息": …}`` (a missing part is absent).
    """
    out: dict[str, dict[str, str]] = {}
    text = roleplay.sections.get("角色", "")
    blocks = re.split(r"^###\s*(.+?)\s*$", text, flags=re.MULTILINE)
    for i in range(1, len(blocks), 2):
        role, body = blocks[i].strip(), blocks[i + 1]
        parts: dict[str, str] = {}
        matches = list(re.finditer(r"^\s*\**(目标|私人信息)\**\s*[：:]", body, flags=re.MULTILINE))
        for k, m in enumerate(matches):
            end = matches[k + 1].start() if k + 1 < len(matches) else len(body)
            parts[m.group(1)] = body[m.end():end].strip()
        out[role] = parts
    return out


def _check_roleplay(rp: RolePlay, parsed: _Parsed, rel: str) -> list[Problem]:
    problems: list[Problem] = []
    sl = parsed.section_lines
    if "角色" in rp.sections:
        parts = role_parts(rp)
        line = sl.get("角色")
        if not parts:
            problems.append(Problem(rel, line, "角色", tr("每个角色一个“### <角色>”",
                                                        "one '### <role>' per role"), tr("没有 ### 标题", "no ### heading")))
        for role in rp.roles:
            if role not in parts:
                problems.append(Problem(rel, line, "角色", tr(f"“### {role}”一段（角色：{'、'.join(rp.roles)}）",
                                                            f"a '### {role}' block (roles: {'、'.join(rp.roles)})"),
                                        "<missing>"))
        for role, got in parts.items():
            row = _line_in(rp, parsed, "角色", rp.sections["角色"].find(role))
            if rp.roles and role not in rp.roles:
                problems.append(Problem(rel, row, "角色", tr(f"roles 中列出的角色（{'、'.join(rp.roles)}）",
                                                           f"a role listed in roles ({'、'.join(rp.roles)})"),
                                        role))
            for part in ("目标", "私人信息"):
                if not got.get(part):
                    problems.append(Problem(rel, row, "角色", tr(f"{role}的“{part}：”一行", f"a '{part}：' line for {role}"),
                                            "<missing>"))
    plan = rp.sections.get("时间安排")
    if plan and rp.minutes and MISSING_MARK not in plan:
        steps = [int(m.group(1)) for line in plan.split("\n")
                 if _CHECK_RE.match(line) or re.match(r"^\s*([-*]|\d+[.、])", line)
                 for m in [_MINUTES_RE.search(line)] if m]
        if steps and sum(steps) != rp.minutes:
            problems.append(Problem(rel, sl.get("时间安排"), "时间安排",
                                    tr(f"各步骤加起来等于 minutes：{rp.minutes}", f"steps adding up to minutes: {rp.minutes}"),
                                    f"{sum(steps)} 分钟"))
    return problems


def _line_in(case: CaseFile, parsed: _Parsed, heading: str, offset: int) -> int | None:
    """The file line of character ``offset`` of a section's text."""
    start = parsed.text_lines.get(heading)
    if start is None:
        return parsed.section_lines.get(heading)
    if offset < 0:
        return parsed.section_lines.get(heading, start)
    return start + case.sections.get(heading, "")[:offset].count("\n")


def _check_personal_data(case: AnyCase, parsed: _Parsed, rel: str, redactor: Any,
                         ctx: _Context | None = None) -> list[Problem]:
    """Personal data in a case: every number, id or address; a name only if it is a real one.

    A case names people and companies with fictional names (:class:`casekit.authoring.cast.Namer`);
    a name the redactor finds is reported when the roster holds it (confidence 1) or the bundle's
    raw notes do (:func:`casekit.authoring.cast.forbidden_text`).
    """
    from casekit.intake.redaction import KIND_LABELS

    def real(f: Any) -> bool:
        if f.kind not in ("person", "company") or f.confidence >= 1.0 or ctx is None:
            return True
        return bool(f.original) and (f.original in ctx.real_names
                                     or any(name in f.original for name in ctx.real_names))

    problems: list[Problem] = []
    for key in ("title",):
        for f in redactor.redact(getattr(case, key)).findings:
            if redactor.min_confidence <= f.confidence and real(f):
                problems.append(Problem(rel, parsed.key_lines.get(key), key,
                                        tr(f"不含个人信息：〔{KIND_LABELS.get(f.kind, f.kind)}〕",
                                           f"no personal data: 〔{KIND_LABELS.get(f.kind, f.kind)}〕"), f.original))
    for heading, text in case.sections.items():
        for f in redactor.redact(text).findings:
            if not real(f):
                continue
            problems.append(Problem(rel, _line_in(case, parsed, heading, f.start), heading or None,
                                    tr(f"不含个人信息：〔{KIND_LABELS.get(f.kind, f.kind)}〕",
                                       f"no personal data: 〔{KIND_LABELS.get(f.kind, f.kind)}〕"), f.original))
    return problems


def read_cases(root: str | Path | Any, *, redactor: Any = None,
               progress: Progress | None = None) -> tuple[list[AnyCase], list[Problem]]:
    """Read and validate every ``cases/*.md`` of a bundle.

    Parameters
    ----------
    root : path-like or Bundle
        The bundle folder, or a loaded bundle (its manifest, catalogue and notes are used; from a
        folder they are read from it).
    redactor : Redactor, optional
        Used to look for personal data (default: ``Redactor.from_bundle(root)``).
    progress : Progress, optional
        Where the checking is reported, file by file (``检查案例 12/74 C012``); default: nowhere.

    Returns
    -------
    cases : list of Case and RolePlay
        Every file that could be read, in file-name order (also those with problems).
    problems : list of Problem
        Every problem at once, with file, line, key or section, expected and found: unknown keys
        or values (region, industry, product of the region, funnel step, outcome, module, segment
        id), a duplicate id, an id that is not the file name, missing or misordered sections, a
        role-play whose case does not exist, personal data in the text.
    """
    root_path = Path(getattr(root, "path", root))
    folder = root_path / CASES_DIR
    if not folder.is_dir():
        return [], []
    from casekit.bounded import check_inside

    outside = check_inside(folder, root_path, f"{CASES_DIR}/")
    if outside:  # its files are not opened: nothing of what it leads to is read or shown
        return [], [Problem(p.file, None, None, tr("资料包里面的 cases/ 文件夹", "a cases/ folder inside the bundle"),
                            p.found.replace("file", "folder").replace("外面文件的", "外面文件夹的")) for p in outside]
    from casekit.intake.bundle_files import is_ignored, read_text

    parsed_all: list[tuple[str, _Parsed]] = []
    problems: list[Problem] = []
    for path in sorted(folder.iterdir()):
        if is_ignored(path) or path.is_dir():
            continue
        rel = f"{CASES_DIR}/{path.name}"
        if path.suffix.lower() != ".md":
            problems.append(Problem(rel, None, None, tr("cases/ 中只放 <编号>.md 文件",
                                                        "only <id>.md files in cases/"), path.name))
            continue
        text, more = read_text(path, rel)
        problems += more
        if text is None:
            continue
        parsed = _parse(text, rel, path)
        problems += parsed.problems
        if parsed.case is not None:
            parsed_all.append((rel, parsed))
    if not parsed_all:
        return [], problems
    ctx, more = _context(root, redactor)
    problems += more
    ctx.case_ids = {p.case.id for _, p in parsed_all if isinstance(p.case, Case) and p.case.id}
    seen: dict[str, str] = {}
    titled: dict[str, str] = {}
    cases: list[AnyCase] = []
    with (progress or Progress()).task("检查案例", total=len(parsed_all)) as task:
        for rel, parsed in parsed_all:
            case = parsed.case
            assert case is not None
            stem = Path(rel).stem
            task.step(stem)
            if case.id and case.id != stem:
                problems.append(Problem(rel, parsed.key_lines.get("id"), "id", tr(f"去掉扩展名的文件名「{stem}」",
                                                                              f"the file name's stem {stem!r}"),
                                        case.id))
            if case.id:
                if case.id in seen:
                    problems.append(Problem(rel, parsed.key_lines.get("id"), "id",
                                            tr(f"没有用过的编号（{seen[case.id]} 已用）",
                                               f"an id not already used (by {seen[case.id]})"),
                                            case.id))
                else:
                    seen[case.id] = rel
            problems += _check(case, ctx, parsed, rel)
            if isinstance(case, Case) and case.title and MISSING_MARK not in case.title:
                if case.title in titled:  # two cases a trainee cannot tell apart in one book
                    problems.append(Problem(rel, parsed.key_lines.get("title"), "title",
                                            tr(f"与其他案例不同的标题（{Path(titled[case.title]).stem} 也用了这个标题）",
                                               f"a title no other case has ({Path(titled[case.title]).stem} has it too)"),
                                            case.title))
                else:
                    titled[case.title] = rel
            cases.append(case)
    # the file name is the id (checked with the one file-id rule in _check): no two that differ
    # only by case
    problems += case_collision_problems(((rel, None, None, Path(rel).stem) for rel, _ in parsed_all), "case id")
    return cases, _sorted(problems)


def case_problems(root: str | Path | Any) -> list[Problem]:
    """The problems of a bundle's ``cases/`` (what ``casekit validate`` adds to the bundle's own).

    Every case and role-play is read and checked as :func:`read_cases` does; problems of the
    manifest and catalogue it reads on the way are left out (the bundle's validation reports
    them).

    Parameters
    ----------
    root : path-like or Bundle
        The bundle folder (or a loaded bundle).

    Returns
    -------
    list of Problem
        Problems whose file is in ``cases/``; empty when there is no ``cases/`` or it is clean.
    """
    _, problems = read_cases(root)
    return [p for p in problems if str(p.file).startswith(f"{CASES_DIR}/")]


def _sorted(problems: list[Problem]) -> list[Problem]:
    """Problems grouped by file (in the order first met), by line within a file."""
    files = list(dict.fromkeys(p.file for p in problems))
    return sorted(problems, key=lambda p: (files.index(p.file), p.row if p.row is not None else 0))


def validate_case(case: AnyCase, bundle: Any, *, redactor: Any = None) -> list[Problem]:
    """Validate one in-memory case or role-play against a bundle (the notebook's live check).

    Lines refer to the file :func:`write_case` would write. A role-play's case must exist in
    ``<bundle>/cases/``. Personal data found by ``Redactor.from_bundle(bundle)`` in the title or
    a section is reported as ``personal data: 〔kind〕``.

    Parameters
    ----------
    case : Case or RolePlay
    bundle : Bundle or path-like
    redactor : Redactor, optional
        Reused between calls to save building one each time.

    Returns
    -------
    list of Problem
        Empty when the case is clean.
    """
    rel = _file_of(case)
    parsed = _parse(case_to_markdown(case), rel, case.path)
    problems = list(parsed.problems)
    ctx, _ = _context(bundle, redactor)
    root = ctx.root
    if root is not None and (root / CASES_DIR).is_dir():
        ctx.case_ids = {p.stem for p in (root / CASES_DIR).glob("*.md")}
    else:
        ctx.case_ids = set()
    if parsed.case is not None:
        problems += _check(parsed.case, ctx, parsed, rel)
    return _sorted(problems)


def resolve_case(case: AnyCase, bundle: Any) -> dict[str, Any]:
    """The ids behind a case's values as written.

    Returns
    -------
    dict
        ``region_id``, ``top_region_id``, ``industry``, ``funnel_stage`` (ids or None),
        ``products`` (tuple of canonical product ids, unknown names left out), ``outcome``.
    """
    manifest = getattr(bundle, "manifest", None)
    catalogue = getattr(bundle, "catalogue", None)
    rid = manifest.resolve(case.region) if manifest is not None and case.region else None
    top = manifest.top_of(rid) if manifest is not None and rid is not None else None
    local: dict[str, str] = {}
    if catalogue is not None and top is not None:
        rows = catalogue[catalogue["region_id"] == top]
        local = {str(n): str(p) for n, p in zip(rows["local_name"], rows["canonical_product"]) if isinstance(p, str)}
    products = []
    for p in case.products:
        pid = local.get(p) or lookup(PRODUCTS, p)
        if pid and pid not in products:
            products.append(pid)
    return {
        "region_id": rid,
        "top_region_id": top,
        "industry": lookup(INDUSTRIES, case.industry) if case.industry else None,
        "funnel_stage": lookup(FUNNEL_STAGES, case.funnel_stage) if case.funnel_stage else None,
        "products": tuple(products),
        "outcome": case.outcome or None,
    }
