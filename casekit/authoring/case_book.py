"""Case books: one case, or every case of a course, as Markdown or as a Word document.

Two editions of the same book:

* the **trainee edition** (学员版, default) holds only what may be handed out before the
  discussion: cases that are reviewed and complete (:func:`trainee_cases`: ``status: reviewed``,
  no ``【待补充】``, no placeholder), each with its 背景, 人物, 经过, 难题 and 讨论问题, and their
  role-plays' 公开信息 (role cards are handed out separately). No diagnosis, code, note or segment
  id, teaching note, 待核实, 出处, outcome or authoring mark (``〔模块：…〕``). When no case
  qualifies the book says so in plain words instead of being empty;
* the **trainer edition** (讲师版) has every case, drafts marked as such, with the teaching note
  (its 案例分析 is the answer key), 待核实 and 出处, a line per case with its kind, outcome,
  modules, status and id, and each role-play whole with its role cards.

Role-plays follow the case they are drawn from. In the Word document every case and role-play
starts on a new page and every role card (目标 / 私人信息 of one role) is a page of its own, to be
cut apart and handed to the trainee who plays that role.

:func:`select_for_course` picks a course's cases from the library (:mod:`casekit.authoring.library`)
in the order of the population's outline (:mod:`casekit.curriculum`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from casekit import domain
from casekit.language import quoted, tr
from casekit.progress import Progress

__all__ = [
    "TRAINEE_CASE_SECTIONS",
    "TRAINEE_ROLEPLAY_SECTIONS",
    "TRAINER_SECTIONS",
    "book_order",
    "case_book_markdown",
    "held_back",
    "no_trainee_cases_message",
    "select_for_course",
    "trainee_cases",
    "write_case_book_docx",
]

#: Sections of a case the trainee edition shows (情境: the story of an older file).
TRAINEE_CASE_SECTIONS: tuple[str, ...] = ("背景", "人物", "经过", "情境", "难题", "讨论问题")
#: Sections of a role-play the trainee edition shows (the role cards are handed out separately).
TRAINEE_ROLEPLAY_SECTIONS: tuple[str, ...] = ("公开信息",)
#: Sections of a case that only the trainer edition shows.
TRAINER_SECTIONS: tuple[str, ...] = ("教学笔记", "待核实", "出处", "教学要点")
#: A segment or note id in parentheses (（N002-02）, (N002-02、N002-04)): never in a trainee's book.
_SOURCE_REF = re.compile(r"[ \t]*[（(][A-Za-z][A-Za-z0-9_.-]*-\d+(?:[、,，\s]+[A-Za-z][A-Za-z0-9_.-]*-\d+)*[）)]")
#: A role-play's section whose ``### <role>`` blocks become role cards.
_ROLES_SECTION = "角色"

_MODULE_MARK = re.compile(r"〔模块[：:]\s*([^〕]+?)\s*〕")
_HEADING = re.compile(r"^(#{1,6})(\s+.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_CHECK = re.compile(r"^\s*[-*+]\s+\[[ xX]\]\s*(.*)$")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


# -- input --------------------------------------------------------------------------------------


def _items(cases: Any) -> list[Any]:
    """Cases and role-plays from a list of them, one of them, or a library DataFrame."""
    if isinstance(cases, pd.DataFrame):
        from casekit.authoring.library import library_cases

        return library_cases(cases)
    if hasattr(cases, "sections") and hasattr(cases, "id"):
        return [cases]
    return list(cases)


def _kind(item: Any) -> str:
    return "roleplay" if getattr(item, "kind", "case") == "roleplay" else "case"


def _ready(item: Any) -> bool:
    """Reviewed, nothing 【待补充】 and no placeholder in what a trainee would read."""
    from casekit.authoring.cases import MISSING_MARK, placeholders

    if getattr(item, "status", "") != "reviewed":
        return False
    shown = (TRAINEE_ROLEPLAY_SECTIONS if _kind(item) == "roleplay" else TRAINEE_CASE_SECTIONS)
    texts = [str(getattr(item, k, "")) for k in ("title", "industry", "funnel_stage", "region")]
    texts += [str(t) for h, t in item.sections.items() if h in shown]
    return not any(MISSING_MARK in t or placeholders(t) for t in texts)


def _problem_files(cases: Any, problems: Iterable[Any] | None) -> set[str]:
    """File names (``C105.md``) a problem was reported for: a library's own, or those given."""
    if problems is None:
        if not isinstance(cases, pd.DataFrame):
            return set()
        from casekit.authoring.library import library_problems

        problems = library_problems(cases)
    return {Path(str(p.file)).name.lower() for p in problems if getattr(p, "file", None)}


def _file_name(item: Any) -> str:
    path = getattr(item, "path", None)
    return Path(str(path)).name.lower() if path else ""


def trainee_cases(cases: Any, problems: Iterable[Any] | None = None) -> list[Any]:
    """What may enter the trainee edition, in book order.

    A case enters when it is reviewed and complete: ``status: reviewed``, no ``【待补充】`` and no
    placeholder (〔企业A〕) in its title or the sections a trainee reads, and no problem reported for
    its file (personal data, a section twice, an id that differs from another only by case …:
    the library's problems when ``cases`` is a library, else ``problems``). A role-play enters
    with its case (or alone when its case is not in the book) on the same terms.
    """
    bad = _problem_files(cases, problems)
    items = book_order(cases)
    ready_cases = {i.id for i in items if _kind(i) == "case" and _ready(i) and _file_name(i) not in bad}
    all_cases = {i.id for i in items if _kind(i) == "case"}
    out = []
    for item in items:
        if _kind(item) == "case":
            if item.id in ready_cases:
                out.append(item)
        elif _ready(item) and _file_name(item) not in bad and (
                getattr(item, "case", None) in ready_cases or getattr(item, "case", None) not in all_cases):
            out.append(item)
    return out


def held_back(cases: Any, problems: Iterable[Any] | None = None) -> list[Any]:
    """Reviewed cases and role-plays kept out of the trainee edition because of a reported problem."""
    bad = _problem_files(cases, problems)
    return [i for i in book_order(cases) if getattr(i, "status", "") == "reviewed" and _file_name(i) in bad]


def no_trainee_cases_message(n_cases: int) -> str:
    """What the trainee edition says when no case may enter it (plain Chinese)."""
    return (f"本案例集暂时没有可以发给学员的案例：所选的 {n_cases} 个案例都还是草稿，或者还有需要补充的内容。"
            "请讲师把案例补充完整并审阅后，再生成学员版。")


def book_order(cases: Any) -> list[Any]:
    """The order of a book: each case as given, followed by its role-plays (in the order given).

    A role-play whose case is not in the book keeps its place.
    """
    items = _items(cases)
    case_ids = {i.id for i in items if _kind(i) == "case"}
    by_case: dict[str, list[Any]] = {}
    for item in items:
        if _kind(item) == "roleplay" and getattr(item, "case", None) in case_ids:
            by_case.setdefault(item.case, []).append(item)
    out: list[Any] = []
    for item in items:
        if _kind(item) == "case":
            out.append(item)
            out.extend(by_case.get(item.id, ()))
        elif getattr(item, "case", None) not in case_ids:
            out.append(item)
    return out


# -- text helpers -------------------------------------------------------------------------------


def _module_title(module_id: str) -> str:
    from casekit.authoring.library import module_titles

    return module_titles().get(module_id, module_id)


def _marks(text: str, trainer: bool) -> str:
    """Authoring marks ``〔模块：id〕``: dropped for trainees, module titles for trainers."""
    if not trainer:
        return re.sub(r"[ \t]*" + _MODULE_MARK.pattern, "", text)

    def title(m: re.Match[str]) -> str:
        ids = [x for x in re.split(r"[,，、\s]+", m.group(1)) if x]
        return "〔模块：" + "、".join(_module_title(x) for x in ids) + "〕"

    return _MODULE_MARK.sub(title, text)


def _label(vocabulary: Any, value: str) -> str:
    tid = domain.lookup(vocabulary, value) if value else None
    return vocabulary[tid].label if tid else value


def _meta(item: Any, trainer: bool) -> list[tuple[str, str]]:
    """(label, value) lines under a case's title."""
    from casekit.authoring.library import CASE_OUTCOMES, CASE_STATUSES

    lines: list[tuple[str, str]] = []
    if _kind(item) == "roleplay" and getattr(item, "minutes", None):
        lines.append(("时长", f"{item.minutes} 分钟"))
    if getattr(item, "industry", ""):
        lines.append(("行业", _label(domain.INDUSTRIES, item.industry)))
    if getattr(item, "products", ()):
        # a local name stays as written (it is what trainees hear); a canonical id gets its label
        shown = [domain.PRODUCTS[p].label if p in domain.PRODUCTS else p for p in item.products]
        lines.append(("产品", "、".join(shown)))
    if getattr(item, "funnel_stage", ""):
        lines.append(("销售阶段", _label(domain.FUNNEL_STAGES, item.funnel_stage)))
    if getattr(item, "roles", ()):
        lines.append(("角色", "、".join(item.roles)))
    if trainer:
        if _kind(item) == "case" and getattr(item, "case_type", ""):
            lines.append(("案例类型", item.case_type))
        if getattr(item, "outcome", ""):
            lines.append(("结果", _label(CASE_OUTCOMES, item.outcome)))
        if getattr(item, "modules", ()):
            lines.append(("课程模块", "、".join(_module_title(m) for m in item.modules)))
        lines.append(("状态", _label(CASE_STATUSES, getattr(item, "status", ""))))
        lines.append(("编号", str(item.id)))
    return lines


def _sections(item: Any, trainer: bool) -> list[tuple[str, str]]:
    """(heading, text) of the sections the edition shows, in file order; role cards excluded."""
    out = []
    for heading, text in item.sections.items():
        if not heading or not str(text).strip():
            continue
        if _kind(item) == "roleplay":
            if heading == _ROLES_SECTION or (not trainer and heading not in TRAINEE_ROLEPLAY_SECTIONS):
                continue
        elif not trainer and heading not in TRAINEE_CASE_SECTIONS:
            continue
        text = _marks(str(text), trainer)
        if not trainer:
            text = _SOURCE_REF.sub("", text)
        elif heading == "教学笔记":  # its analysis is the answer key
            text = re.sub(r"^(###\s*)案例分析\s*$", r"\1案例分析（参考答案）", text, flags=re.MULTILINE)
        out.append((heading, text))
    return out


def _role_cards(item: Any, trainer: bool) -> list[tuple[str, list[tuple[str, str]]]]:
    """(role, [(part, text)]) of a role-play, in the order of its ``### <role>`` blocks."""
    from casekit.authoring.cases import role_parts

    cards = []
    for role, parts in role_parts(item).items():
        cards.append((role, [(part, _marks(text, trainer)) for part, text in parts.items()]))
    return cards


_RP_PREFIX = re.compile(r"^角色扮演\s*[：:]\s*")


def _bare_title(item: Any) -> str:
    """The title without a leading ``角色扮演：`` (the numbering already says so)."""
    return _RP_PREFIX.sub("", str(item.title).strip())


def _title(item: Any) -> str:
    """The title as it stands alone: a role-play's starts with ``角色扮演：``."""
    bare = _bare_title(item)
    return f"角色扮演：{bare}" if _kind(item) == "roleplay" else bare


def _case_of(item: Any, items: Sequence[Any]) -> str | None:
    """The title of a role-play's case (its id when the case is not in the book)."""
    cid = getattr(item, "case", None)
    if not cid:
        return None
    for other in items:
        if _kind(other) == "case" and other.id == cid:
            return str(other.title)
    return str(cid)


def _numbers(items: Sequence[Any]) -> dict[int, str]:
    """Position → ``案例 3`` / ``角色扮演 3.1`` (a role-play numbered under its case)."""
    out: dict[int, str] = {}
    case_no, rp_no, last_case = 0, 0, None
    for pos, item in enumerate(items):
        if _kind(item) == "case":
            case_no += 1
            rp_no, last_case = 0, item.id
            out[pos] = f"案例 {case_no}"
        elif getattr(item, "case", None) == last_case and last_case is not None:
            rp_no += 1
            out[pos] = f"角色扮演 {case_no}.{rp_no}"
        else:
            out[pos] = "角色扮演"
    return out


def _demote(text: str, by: int = 1) -> str:
    """Shift the Markdown headings of a section's text ``by`` levels down (outside code fences)."""
    lines, fence = [], False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fence = not fence
        m = None if fence else _HEADING.match(line)
        lines.append("#" * min(len(m.group(1)) + by, 6) + m.group(2) if m else line)
    return "\n".join(lines)


# -- Markdown -----------------------------------------------------------------------------------


def case_book_markdown(cases: Any, *, title: str, client: str | None = None,
                       include_teaching_notes: bool = False, role_cards: bool = True,
                       progress: Progress | None = None) -> str:
    """Return a case book as one Markdown text.

    Parameters
    ----------
    cases : Case, RolePlay, sequence of them, or DataFrame
        One case, the cases of a book in order, or rows of the case library
        (:func:`casekit.authoring.library.case_library`, e.g. from :func:`select_for_course`).
        Role-plays are moved right after their case (:func:`book_order`).
    title : str
        The book's title (``政企客户经理销售培训 案例集``).
    client : str, optional
        Written under the title (``客户：…``).
    include_teaching_notes : bool
        False (default): the trainee edition (only :func:`trainee_cases`; a plain sentence when
        there are none); True: the trainer edition with every case, its teaching note (the
        analysis as answer key), 待核实, 出处, outcome, modules, status and id.
    role_cards : bool
        Include the role-plays' role cards (目标 / 私人信息 per role) in the trainer edition (the
        trainee edition never has them: they are handed out separately).
    progress : Progress, optional
        Where the writing is reported, case by case (``编排案例 3/12 C003``); default: nowhere.

    Returns
    -------
    str
        ``# title``, a table of contents, then each case as ``## 案例 n　title`` with its sections
        as ``###`` (headings inside a section one level lower).
    """
    trainer = include_teaching_notes
    every = book_order(cases)
    items = every if trainer else trainee_cases(cases)
    numbers = _numbers(items)
    out = [f"# {title}", ""]
    if client:
        out += [f"客户：{client}", ""]
    out += ["讲师版（含教学笔记、参考答案、待核实与出处，请勿发给学员）" if trainer else "学员版", ""]
    if not items:
        n_cases = sum(1 for i in every if _kind(i) == "case")
        return "\n".join([*out, no_trainee_cases_message(n_cases) if not trainer else "没有案例。"]) + "\n"
    out += ["## 目录", ""]
    for pos, item in enumerate(items):
        indent = "   " if _kind(item) == "roleplay" and "." in numbers[pos] else ""
        out.append(f"{indent}- {numbers[pos]}　{_bare_title(item)}")
    out.append("")
    with (progress or Progress()).task("编排案例", total=len(items)) as task:
        for pos, item in enumerate(items):
            task.step(str(item.id))
            out += ["---", "", f"## {numbers[pos]}　{_bare_title(item)}", ""]
            if trainer and not _ready(item):
                out += ["（草稿：尚未审阅或还有待补充的内容，不会编入学员版）", ""]
            if _kind(item) == "roleplay":
                of = _case_of(item, items)
                if of:
                    out += [f"配合案例：《{of}》", ""]
            meta = _meta(item, trainer)
            if meta:
                out += ["　".join(f"{k}：{v}" for k, v in meta), ""]
            for heading, text in _sections(item, trainer):
                out += [f"### {heading}", "", _demote(text.strip()), ""]
            if _kind(item) == "roleplay" and role_cards and trainer:
                for role, parts in _role_cards(item, trainer):
                    out += [f"### 角色卡：{role}", "", f"（只发给扮演“{role}”的学员）", ""]
                    for part, text in parts:
                        out += [f"**{part}：**{text.strip()}", ""]
    return "\n".join(out).rstrip("\n") + "\n"


# -- Word ---------------------------------------------------------------------------------------


class _Writer:
    """Writes Markdown-ish section text into a document with the book's fonts on every run."""

    def __init__(self, doc: Any, font: str, latin: str) -> None:
        self.doc, self.font, self.latin = doc, font, latin

    def runs(self, paragraph: Any, text: str, *, bold: bool = False) -> None:
        from casekit.authoring.docx_writer import set_run_fonts

        # **bold** spans; `code` ticks dropped
        for i, piece in enumerate(re.split(r"\*\*(.+?)\*\*", text.replace("`", ""))):
            if not piece:
                continue
            run = paragraph.add_run(piece)
            run.bold = (bold or i % 2 == 1) or None
            set_run_fonts(run, self.font, self.latin)

    def paragraph(self, text: str = "", *, style: str | None = None, bold: bool = False,
                  indent_cm: float | None = None) -> Any:
        paragraph = self.doc.add_paragraph(style=style)
        if text:
            self.runs(paragraph, text, bold=bold)
        if indent_cm is not None:
            from docx.shared import Cm

            paragraph.paragraph_format.left_indent = Cm(indent_cm)
        return paragraph

    def heading(self, text: str, level: int, *, new_page: bool = False) -> Any:
        from casekit.authoring.docx_writer import add_heading

        paragraph = add_heading(self.doc, text, level=level)
        if new_page:
            paragraph.paragraph_format.page_break_before = True
        return paragraph

    def labelled(self, label: str, text: str) -> None:
        paragraph = self.paragraph()
        self.runs(paragraph, f"{label}：", bold=True)
        self.runs(paragraph, text)

    def block(self, text: str, level: int) -> None:
        """Section text: paragraphs (soft-wrapped lines joined), bullets, checklists, headings."""
        buffer: list[str] = []

        def flush() -> None:
            if buffer:
                joined = buffer[0]
                for line in buffer[1:]:
                    sep = "" if _CJK.search(joined[-1:]) or _CJK.search(line[:1]) else " "
                    joined += sep + line
                self.paragraph(joined)
                buffer.clear()

        for raw in text.split("\n"):
            line = raw.strip()
            if not line or line.startswith("```"):
                flush()
                continue
            heading = _HEADING.match(line)
            check = _CHECK.match(line)
            bullet = _BULLET.match(line)
            if heading:
                flush()
                self.heading(heading.group(2).strip(), min(level + len(heading.group(1)) - 2, 3))
            elif check:
                flush()
                self.paragraph(f"□ {check.group(1)}", indent_cm=0.5)
            elif bullet:
                flush()
                self.paragraph(bullet.group(1), style="List Bullet")
            elif re.match(r"^\d+[.、．)]\s*\S", line) or line.startswith(">"):
                flush()
                quote = line.startswith(">")
                self.paragraph(line.lstrip("> ").strip() if quote else line,
                               indent_cm=0.75 if quote else None)
            else:
                buffer.append(line)
        flush()


def write_case_book_docx(cases: Any, path: str | Path, *, title: str, trainer: bool = False,
                         client: str | None = None, role_cards: bool = True,
                         when: dt.datetime | None = None, font: str | None = None,
                         force: bool = False, progress: Progress | None = None) -> Path:
    """Write a case book as a Word document (A4), atomically and reproducibly.

    A cover page (title, client, edition, contents count), a table of contents (the titles as a
    list), then each case on a new page (title, a line of facts, its sections), each role-play
    after its case on a new page, and its role cards each on a page of their own.

    Parameters
    ----------
    cases : Case, RolePlay, sequence of them, or DataFrame
        As for :func:`case_book_markdown`.
    path : str or Path
        Target ``.docx`` (its folder is created).
    title : str
        The book's title (cover and document properties).
    trainer : bool
        False: the trainee edition (reviewed, complete cases only; a plain sentence when there are
        none); True: the trainer edition (teaching notes, answer key, 待核实, 出处, outcome …).
    client : str, optional
        Shown on the cover.
    role_cards : bool
        Include the role cards (see :func:`case_book_markdown`).
    when : datetime, optional
        Document date and ZIP timestamps (default :data:`casekit.authoring.docx_writer.FIXED_TIME`);
        the same cases and arguments give the same bytes.
    font : str, optional
        East Asian font (default 宋体); every run carries it as ``w:eastAsia``.
    force : bool, default False
        Replace a book edited since casekit wrote it, keeping the old one beside it
        (:func:`casekit.safe_save.save_editable`).
    progress : Progress, optional
        Where the writing is reported, case by case (``编排案例 3/12 C003``); default: nowhere.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    EditedFileError
        If ``path`` was changed since casekit wrote it and ``force`` is False (nothing written).
    OutputError
        If the file cannot be written (an existing file is left as it was).
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    from casekit.authoring import docx_writer as dw

    every = book_order(cases)
    items = every if trainer else trainee_cases(cases)
    numbers = _numbers(items)
    font = font or dw.CJK_FONT
    doc = dw.new_document(title, font=font)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.5))
    for side in ("top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    w = _Writer(doc, font, dw.LATIN_FONT)

    # cover
    doc.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    n_cases = sum(1 for i in items if _kind(i) == "case")
    n_rp = len(items) - n_cases
    if client:
        w.paragraph(f"客户：{client}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    edition = "讲师版" if trainer else "学员版"
    w.paragraph(edition, bold=True).alignment = WD_ALIGN_PARAGRAPH.CENTER
    counts = f"{n_cases} 个案例" + (f"、{n_rp} 个角色扮演" if n_rp else "")
    w.paragraph(counts).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if trainer:
        w.paragraph("本版含教学笔记、参考答案、待核实事项与案例出处，只供讲师使用，请勿发给学员。")
        if role_cards and n_rp:
            w.paragraph("每张角色卡单独成页，请在课上只发给扮演该角色的学员。")
    if not items:
        w.paragraph(no_trainee_cases_message(sum(1 for i in every if _kind(i) == "case")) if not trainer
                    else "没有案例。")
        return dw.save(doc, path, when=when or dw.FIXED_TIME, force=force)

    # contents
    w.heading("目录", 1, new_page=True)
    for pos, item in enumerate(items):
        sub = _kind(item) == "roleplay" and "." in numbers[pos]
        w.paragraph(f"{numbers[pos]}　{_bare_title(item)}", indent_cm=1.0 if sub else None)

    # cases
    with (progress or Progress()).task("编排案例", total=len(items)) as task:
        for pos, item in enumerate(items):
            task.step(str(item.id))
            w.heading(f"{numbers[pos]}　{_bare_title(item)}", 1, new_page=True)
            if trainer and not _ready(item):
                w.paragraph("（草稿：尚未审阅或还有待补充的内容，不会编入学员版）")
            if _kind(item) == "roleplay":
                of = _case_of(item, items)
                if of:
                    w.labelled("配合案例", f"《{of}》")
            for label, value in _meta(item, trainer):
                w.labelled(label, value)
            for heading, text in _sections(item, trainer):
                w.heading(heading, 2)
                w.block(text, 2)
            if _kind(item) == "roleplay" and role_cards and trainer:
                for role, parts in _role_cards(item, trainer):
                    w.heading(f"角色卡：{role}", 2, new_page=True)
                    w.paragraph(f"{_title(item)}（只发给扮演“{role}”的学员）")
                    for part, text in parts:
                        w.labelled(part, text.replace("\n", " ").strip())
    return dw.save(doc, path, when=when or dw.FIXED_TIME, force=force)


# -- course selection ---------------------------------------------------------------------------


def select_for_course(library: pd.DataFrame, population: str,
                      modules: str | Iterable[str] | None = None) -> pd.DataFrame:
    """The library rows for one population's course, in the order of its outline.

    Parameters
    ----------
    library : DataFrame
        From :func:`casekit.authoring.library.case_library` (or a filtered part of it).
    population : str
        Population id or Chinese label (``account_manager``, ``政企客户经理``, ``客户经理``).
    modules : str or iterable of str, optional
        Only these modules of the outline (ids or titles); default all.

    Returns
    -------
    DataFrame
        Every case and role-play with at least one module of the outline (of ``modules``), sorted
        by the position in the outline of its first such module, then by id; a role-play whose
        case is selected comes right after that case. Two columns are added: ``course_module``
        (that module's id) and ``course_module_title``.

    Raises
    ------
    LibraryError
        For an unknown population, or a module that is not in the population's outline.
    """
    from casekit.authoring.library import LibraryError
    from casekit.curriculum import load_outlines

    pop = domain.lookup(domain.POPULATIONS, population)
    if pop is None:
        accepted = "、".join(f"{t.id}/{t.label}" for t in domain.POPULATIONS.values())
        raise LibraryError(tr(f"没有岗位「{population}」；应为以下之一：{accepted}",
                              f"unknown population {population!r}; expected one of {accepted}"))
    outline = load_outlines()[pop]
    order = {m.module_id: i for i, m in enumerate(outline.modules)}
    titles = {m.module_id: m.title for m in outline.modules}
    allowed = set(order)
    if modules is not None:
        by_title = {t: mid for mid, t in titles.items()}
        wanted = set()
        for text in [modules] if isinstance(modules, str) else list(modules):
            mid = text if text in order else by_title.get(str(text).strip())
            if mid is None:
                raise LibraryError(tr(f"模块{quoted(text)}不在课程大纲《{outline.title}》中（可选：{'、'.join(order)}）",
                                      f"module {text!r} is not in the outline {outline.title!r} "
                                      f"({', '.join(order)})"))
            wanted.add(mid)
        allowed = wanted

    picked: dict[str, tuple[int, str]] = {}  # row id → (position, module)
    for rid, mods in zip(library["id"], library["modules"]):
        hits = sorted((order[m], m) for m in mods if m in allowed)
        if hits:
            picked[str(rid)] = hits[0]

    def key(row: Any) -> tuple:
        pos, _ = picked[row.id]
        parent = row.case if row.kind == "roleplay" and isinstance(row.case, str) else None
        if parent in picked and parent != row.id:
            return (picked[parent][0], parent, 1, row.id)
        return (pos, row.id, 0, "")

    rows = library[library["id"].astype(str).isin(picked)]
    ranked = sorted(rows.itertuples(index=True), key=key)
    out = library.loc[[r.Index for r in ranked]].reset_index(drop=True)
    out["course_module"] = [picked[str(i)][1] for i in out["id"]]
    out["course_module_title"] = [titles[m] for m in out["course_module"]]
    out.attrs = dict(library.attrs)
    out.attrs["population"] = pop
    return out
