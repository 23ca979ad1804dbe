"""casekit's exception hierarchy: every error casekit raises on purpose derives from
:class:`CasekitError`, so callers (the CLI, notebooks) can catch one type."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from casekit.language import language, os_reason, quoted, tr

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "ActionPlanRulesError",
    "AnalysisError",
    "BrowserError",
    "BrowserNotFoundError",
    "DistributedError",
    "BuildError",
    "BuildLockedError",
    "BundleNotFoundError",
    "NoSurveyDataError",
    "NoteNotFoundError",
    "BundleValidationError",
    "CJKFontNotFoundError",
    "CasekitError",
    "CastError",
    "CurriculumError",
    "EditedFileError",
    "ExportError",
    "FileIdError",
    "InputFileError",
    "KernelError",
    "LinkedOutputError",
    "NotebookNotFoundError",
    "OutlineError",
    "OutputError",
    "OutputFormatError",
    "OutputSchemaError",
    "Problem",
    "ProblemsError",
    "RedactFilesError",
    "RegionError",
    "ReportFormatError",
    "ReportKindError",
    "SurveyFileError",
    "SurveyReaderError",
]


class CasekitError(Exception):
    """Root of all errors raised by casekit.

    Messages are in the language of :mod:`casekit.language` (Chinese unless ``CASEKIT_LANG=en``),
    chosen when the error is raised.
    """


#: What ``Problem.found`` holds when a value is absent, and how a Chinese message shows it.
_MISSING, _MISSING_ZH = "<missing>", "（空）"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located precisely enough to fix it by hand.

    Parameters
    ----------
    file : str
        Path of the offending file, relative to the bundle root.
    row : int or None
        1-based line number in ``file`` as an editor or spreadsheet shows it (the header of a
        table is line 1, its first data row line 2); ``None`` when the problem concerns the
        whole file or a column.
    column : str or None
        Column header or YAML key; ``None`` when not applicable.
    expected : str
        What casekit expected, in words.
    found : str
        What it found instead (the offending value, ``"<missing>"`` when absent).

    Notes
    -----
    ``str()`` of a problem is one line in the current language (:mod:`casekit.language`):
    ``reviews_360.csv 第 2 行，「region」列：应为…，实际为「b」`` (``（空）`` for ``<missing>``), or
    ``reviews_360.csv, row 2, column 'region': expected …, found 'b'`` with ``CASEKIT_LANG=en``.
    ``expected`` is written in that language where the problem is found; ``file``, ``column``
    and ``found`` are data and shown as found.
    """

    file: str
    row: int | None
    column: str | None
    expected: str
    found: str

    def __str__(self) -> str:
        if language() == "en":
            where = self.file
            if self.row is not None:
                where += f", row {self.row}"
            if self.column is not None:
                where += f", column {self.column!r}"
            return f"{where}: expected {self.expected}, found {self.found!r}"
        where = self.file
        if self.row is not None:
            where += f" 第 {self.row} 行"
        if self.column is not None:
            where += f"，{quoted(self.column)}列"
        found = _MISSING_ZH if self.found == _MISSING else quoted(self.found)
        space = " " if self.expected[:1].isascii() and self.expected[:1].isalnum() else ""  # 应为 0 到 1
        return f"{where}：应为{space}{self.expected}，实际为{found}"


class ProblemsError(CasekitError):
    """Base of errors that carry a list of :class:`Problem` (lazy validation: all at once).

    Parameters
    ----------
    problems : sequence of Problem
        Every problem found, not only the first.

    Attributes
    ----------
    problems : list of Problem
    """

    #: What the problems are in, for the first line of the message ("" = "found").
    subject: str = ""
    #: The same in Chinese ("" = 发现).
    subject_zh: str = ""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        where = f" in {self.subject}" if self.subject else " found"
        lines = "\n".join(f"  - {self.format_problem(p)}" for p in self.problems)
        head = tr(f"{self.subject_zh}有 {n} 个问题" if self.subject_zh else f"发现 {n} 个问题",
                  f"{n} problem{'s' if n != 1 else ''}{where}")
        super().__init__(f"{head}{tr('：', ':')}\n{lines}")

    def format_problem(self, problem: Problem) -> str:
        """Return one problem as a line of the message."""
        return str(problem)

    def to_frame(self) -> pd.DataFrame:
        """Return the problems as a table with columns file, row, column, expected, found."""
        import pandas as pd

        return pd.DataFrame(
            [asdict(p) for p in self.problems],
            columns=["file", "row", "column", "expected", "found"],
        )


class BundleValidationError(ProblemsError):
    """A research bundle has one or more problems; nothing was loaded."""


class SurveyFileError(ProblemsError):
    """A questionnaire export (or a standalone codebook) cannot be read or does not match.

    Raised with every problem found (file, row, column, expected, found); nothing is returned
    half-read.
    """


class SurveyReaderError(CasekitError, ValueError):
    """A survey-export reader cannot be registered (an id or file type already taken, a missing
    attribute) or a platform is not registered (``casekit.surveys.reader_for("xyz")``)."""


class InputFileError(ProblemsError):
    """A file cannot be read safely: a link out of its bundle, over a limit of
    ``docs/limits.md`` (size, inflated size, sheet dimension, cells), malformed CSV quoting, or
    YAML anchors and aliases. Readers turn its problems into their own report."""


class BundleNotFoundError(CasekitError):
    """The given path is not a research bundle (no ``manifest.yaml``)."""


class RedactFilesError(CasekitError):
    """Notes given to redact cannot be redacted (missing, a ``.doc``, not a note, or ``--out`` would
    overwrite them); nothing was redacted. Every problem is named, one per line.

    Parameters
    ----------
    problems : sequence of str
        ``<file>: <why>``, one per file.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(tr("没有处理任何笔记：", "nothing redacted:") + "\n"
                         + "\n".join(f"  - {p}" for p in self.problems))


class CastError(CasekitError, ValueError):
    """A fictional-name request casekit cannot honour (an unknown gender, a pool run dry)."""


class RegionError(CasekitError):
    """A region id or name given by the user is not in the bundle's manifest, or fits several regions."""


class AnalysisError(CasekitError):
    """The input of an analysis function cannot be analysed (wrong shape, type or content).

    The message says what was expected and what was found, e.g. ``"items has 1 column,
    cronbach_alpha needs at least 2"``.
    """


class CurriculumError(CasekitError):
    """Root of the curriculum's errors (bad outline data, unusable design input)."""


class OutlineError(ProblemsError, CurriculumError):
    """An outlines file has one or more problems; no outline was loaded.

    ``Problem.column`` names the place in the YAML tree, e.g. ``module 'am_transformation',
    key 'days'``; ``Problem.row`` is the line of the offending mapping.
    """

    subject = "the course outlines"
    subject_zh = "课程大纲数据中"

    def format_problem(self, problem: Problem) -> str:
        """Return ``file, line N: place: expected …, found …`` (in Chinese ``file 第 N 行：…：应为…，实际为…``)."""
        if language() == "zh":
            where = problem.file if problem.row is None else f"{problem.file} 第 {problem.row} 行"
            if problem.column:
                where += f"：{problem.column}"
            return f"{where}：应为{problem.expected}，实际为 {problem.found}"
        where = problem.file if problem.row is None else f"{problem.file}, line {problem.row}"
        if problem.column:
            where += f": {problem.column}"
        return f"{where}: expected {problem.expected}, found {problem.found}"


class CJKFontNotFoundError(CasekitError):
    """No font able to draw Chinese characters was found for matplotlib."""


class NoSurveyDataError(CasekitError):
    """A research report was asked of a bundle nobody has answered the questionnaire of yet (a new
    engagement's bundle as ``casekit init`` writes it): a report of zero answers would still
    recommend a course, so none is built.

    Parameters
    ----------
    bundle : str
        The bundle's folder, as given.
    """

    def __init__(self, bundle: str) -> None:
        self.bundle = bundle
        super().__init__(tr(
            f"资料包 {bundle} 中还没有问卷答卷（survey/ 里只有表头），没有生成调研报告：调研报告的结论和课程建议都来自问卷。"
            f"请先把问卷导出放进 {bundle}/survey/，运行 casekit validate {bundle} 检查，再生成报告。",
            f"nobody has answered the questionnaire of {bundle} yet (survey/ holds headers only): no research "
            f"report was built, its findings and course all come from the answers. Put the export into "
            f"{bundle}/survey/, run casekit validate {bundle}, then build.",
        ))


class BuildError(CasekitError):
    """One or more region reports failed to build.

    Parameters
    ----------
    failures : mapping of str to str
        Region id → short reason.
    """

    def __init__(self, failures: dict[str, str]) -> None:
        self.failures = dict(failures)
        lines = "\n".join(f"  - {r}{tr('：', ': ')}{why}" for r, why in self.failures.items())
        super().__init__(tr(f"{len(self.failures)} 个地区的报告未能生成：",
                            f"{len(self.failures)} region report(s) failed:") + f"\n{lines}")


class OutputError(CasekitError):
    """The reports folder cannot be created or written.

    Parameters
    ----------
    path : path-like
        The folder (or file) casekit tried to create or write.
    reason : str
        The operating system's reason, e.g. ``"Permission denied"``.

    Attributes
    ----------
    path : str
    reason : str
    """

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(tr(f"无法写入 {self.path}：{os_reason(reason)}",
                            f"cannot write the reports to {self.path}: {reason}"))


class BuildLockedError(CasekitError):
    """Another build is writing into the same reports folder (it holds the build lock).

    Parameters
    ----------
    lock_path : path-like
        The lock file.
    pid : int or None
        Process id of the build holding the lock, when it wrote one.
    host : str or None
        Host name of that build, when it wrote one.

    Attributes
    ----------
    lock_path : str
    pid : int or None
    host : str or None
    """

    def __init__(self, lock_path: object, pid: int | None, host: str | None = None) -> None:
        self.lock_path = str(lock_path)
        self.pid = pid
        self.host = host
        who = f"process {pid}" if pid is not None else "another process"
        if host:
            who += f" on {host}"
        who_zh = (f"{host} 上的" if host else "") + (f"进程 {pid}" if pid is not None else "另一个进程")
        super().__init__(tr(
            f"另一次生成正在写入这个文件夹（{who_zh}，锁文件 {self.lock_path}）；"
            "请等它结束（那个进程一结束锁就会释放）",
            f"another build is running into this folder ({who}, lock file {self.lock_path}); "
            "wait for it to finish (the lock is released as soon as that process ends)",
        ))


class NotebookNotFoundError(CasekitError):
    """The report notebook to execute does not exist."""


class KernelError(CasekitError):
    """The report kernel could not be started or reset between regions."""


class ExportError(CasekitError):
    """An executed report could not be turned into a client-facing HTML page."""


class DistributedError(CasekitError):
    """A Dask cluster to build on could not be reached or used (nothing was built), or a worker
    could not render a region (that region failed; the message says what the worker lacks)."""


class ReportFormatError(CasekitError, ValueError):
    """A report format ``casekit build --formats`` does not know; nothing was built.

    Parameters
    ----------
    unknown : sequence of str
        The formats asked for that are not known.
    known : sequence of str
        The known format ids.
    """

    def __init__(self, unknown: Sequence[str], known: Sequence[str]) -> None:
        self.unknown, self.known = tuple(unknown), tuple(known)
        names = ", ".join(repr(f) for f in self.unknown)
        super().__init__(tr(
            f"不认识的报告格式{'、'.join(quoted(f) for f in self.unknown)}；可用的格式：{'、'.join(self.known)}"
            "（未生成任何报告）",
            f"unknown report format{'s' if len(self.unknown) > 1 else ''} {names}; "
            f"known formats: {', '.join(self.known)} (nothing was built)"))


class ActionPlanRulesError(ProblemsError):
    """The action-plan rules file (``action_plan.yaml``) has problems (every one of them, with line
    and key)."""

    subject = "the action-plan rules"
    subject_zh = "行动计划规则中"


class ReportKindError(CasekitError, ValueError):
    """A kind of report ``casekit build --report`` does not know; nothing was built.

    Parameters
    ----------
    unknown : str
        The kind asked for.
    known : sequence of str
        The known kinds.
    """

    def __init__(self, unknown: str, known: Sequence[str]) -> None:
        self.unknown, self.known = unknown, tuple(known)
        super().__init__(tr(f"不认识的报告种类{quoted(unknown)}；可用的种类：{'、'.join(self.known)}（未生成任何报告）",
                            f"unknown kind of report {unknown!r}; known kinds: {', '.join(self.known)} "
                            "(nothing was built)"))


class BrowserError(CasekitError):
    """The headless browser that prints the report to PDF (or takes a screenshot) failed.

    The message is Chinese (a consultant reads it) and says what to do.
    """


class BrowserNotFoundError(BrowserError):
    """No headless browser (Chromium or Google Chrome) is installed to print the report to PDF."""


def raise_if_problems(problems: Iterable[Problem]) -> None:
    """Raise :class:`BundleValidationError` if ``problems`` is not empty."""
    problems = list(problems)
    if problems:
        raise BundleValidationError(problems)


class NoteNotFoundError(CasekitError, KeyError):
    """A note id that is not in the bundle (e.g. ``casekit case draft BUNDLE N999``)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class EditedFileError(CasekitError):
    """casekit would replace a file whose content is not what casekit last wrote there.

    The file was edited by a person (or written by someone else); it is left as it is. Saving
    again with ``force`` keeps the old content in a backup beside it.

    Parameters
    ----------
    path : path-like
        The file that was not replaced.

    Attributes
    ----------
    path : str
    """

    def __init__(self, path: object) -> None:
        self.path = str(path)
        super().__init__(tr(f"{self.path} 在 casekit 写入后被改动过，没有替换"
                            "（加 --force 可替换，旧文件会备份在旁边）",
                            f"{self.path} was changed since casekit wrote it; not replaced "
                            "(use --force to replace it and keep the old file as a backup beside it)"))


class FileIdError(CasekitError, ValueError):
    """An id that becomes a file name (a case id, a region id in an output name) is not safe as one.

    Parameters
    ----------
    what : str
        What the id is, e.g. ``"case id"`` (in the current language: ``"案例编号"``).
    value : str
        The id as given.
    expected : str
        The allowed form, in words (in the current language).
    """

    def __init__(self, what: str, value: str, expected: str) -> None:
        self.what, self.value = what, value
        super().__init__(tr(f"{what} {quoted(value)} 不能用作文件名：应为{expected}",
                            f"{what} {value!r} cannot be a file name: expected {expected}"))


class LinkedOutputError(ProblemsError):
    """casekit would write through a symbolic link (a linked ``cases/`` folder, a linked case file
    or sample file); nothing was written. Each problem names the file and where the link leads."""

    subject = "the files to write (nothing was written)"
    subject_zh = "要写入的文件（未写入任何文件）"


class OutputSchemaError(ProblemsError, ValueError):
    """A table does not have the shape its :class:`casekit.tables.OutputSchema` declares.

    Each problem names the table (as ``file``), the column, what the schema expects and what
    was found: a missing, extra or misplaced column, a column of the wrong kind, empty cells.

    Parameters
    ----------
    problems : sequence of Problem
        Every difference, not only the first.
    table : str
        The table's name (``"comparison"``).
    producer : str
        The function that produces it.
    by : str
        Who checked it (``"design_course"``; ``""`` when not said).
    """

    def __init__(self, problems: Sequence[Problem], *, table: str, producer: str, by: str = "") -> None:
        self.table, self.producer, self.by = table, producer, by
        reader = f", read by {by}" if by else ""
        self.subject = f"table {table!r} (expected the table of {producer}{reader})"
        self.subject_zh = f"表 {quoted(table)}（应为 {producer} 输出的表{f'，由 {by} 读取' if by else ''}）中"
        super().__init__(problems)


class OutputFormatError(CasekitError, ValueError):
    """An output file's extension is not one its command writes (``--csv g.xlsx``); nothing was written.

    Parameters
    ----------
    option : str
        The command and option, e.g. ``"gaps --csv"``.
    path : str
        The file as given.
    suffix : str
        Its extension (``".xlsx"``; ``""`` when it has none).
    supported : sequence of str
        The extensions the option writes (``(".csv",)``).
    """

    def __init__(self, option: str, path: str, suffix: str, supported: Sequence[str]) -> None:
        self.option, self.path, self.suffix, self.supported = option, path, suffix, tuple(supported)
        found = f"a {suffix} file" if suffix else "a file without an extension"
        found_zh = f" {suffix} 文件" if suffix else "没有扩展名的文件"
        super().__init__(tr(f"{option} {path}：不能写成{found_zh}；可用：{'、'.join(self.supported)}（未写入任何文件）",
                            f"{option} {path}: cannot write {found}; supported: {', '.join(self.supported)} "
                            "(nothing was written)"))
