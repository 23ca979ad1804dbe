"""What every ``casekit`` command shares: exit codes, parent parsers, one meaning per flag.

Each option is declared here once and used by every command that has it, so it means the same
everywhere:

* ``bundle`` -- the research bundle folder (positional);
* ``--csv FILE`` -- the table the command prints, written as CSV for Excel instead of (or, for
  ``validate`` and ``segment``, as well as) printing it;
* ``--out`` -- the files or folder the command writes (``build``, ``toolbox``, ``redact``,
  ``sample``, ``codebook draft``, ``outline-interview``, ``case book``);
* ``--regions REGION …`` -- region ids or names (``--region`` is a deprecated alias);
* ``--by`` -- one grouping vocabulary, :data:`BY` (old spellings in :data:`BY_ALIASES`);
* ``--seed``, ``--force``, ``--min-n``;
* ``--all`` -- also print the rows whose numbers are hidden for privacy (small groups);
* ``--quiet`` -- no progress on standard error (``build`` and ``demo``: their bar; ``segment``,
  ``survey``, ``codebook draft``, ``toolbox``, ``case book``: the line of :func:`progress`, see
  :mod:`casekit.progress`).

Printed tables fit the terminal (:mod:`casekit.cli.terminal_table`); ``--csv`` always has every
row and column.

An old spelling still works and prints one line on standard error (:class:`DeprecatedAlias`).
Output-file extensions come from :data:`casekit.output_formats.OUTPUT_FORMATS`.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from casekit.cli.parser import ArgumentParser
from casekit.language import tr

if TYPE_CHECKING:  # pragma: no cover - imported lazily at run time (start-up speed)
    import pandas as pd

    from casekit.intake import Bundle
    from casekit.progress import TerminalProgress

__all__ = [
    "BY",
    "BY_ALIASES",
    "EXIT_BROKEN_PIPE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "NAMED_IDS",
    "NOTE_COLUMNS",
    "AddParser",
    "DeprecatedAlias",
    "all_parent",
    "bundle_parent",
    "by_parent",
    "csv_parent",
    "force_parent",
    "load",
    "min_n_parent",
    "names_beside_ids",
    "out_file",
    "out_file_parent",
    "progress",
    "quiet_parent",
    "regions_parent",
    "seed_parent",
    "segment_labels",
    "show",
    "show_whole",
    "with_bundle",
    "write_csv",
]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
#: Interrupted with Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130
#: Standard output was closed by its reader (128 + SIGPIPE).
EXIT_BROKEN_PIPE = 141

#: ``sub.add_parser`` of the ``casekit`` parser: what a command group's ``register`` is given.
AddParser = Callable[..., argparse.ArgumentParser]

#: The one ``--by`` vocabulary: the id a user types → its Chinese label (shown in ``--help``).
#: Each command accepts the subset it can group by.
BY: Mapping[str, str] = MappingProxyType({
    "top_region": "省级地区",
    "city": "地市",
    "all": "全部合计",
    "segment": "客户经理行为类型",
    "population": "岗位",
    "method": "访谈方式",
})

#: Old ``--by`` spellings, still accepted: the note tables' column names.
BY_ALIASES: Mapping[str, str] = MappingProxyType({"top_region_id": "top_region", "region_id": "city"})

#: A ``--by`` id → the note segments' column it groups by (``codes``, ``keywords``).
NOTE_COLUMNS: Mapping[str, str] = MappingProxyType({
    "top_region": "top_region_id",
    "city": "region_id",
    "population": "population",
    "method": "method",
})



def _force_help() -> str:
    return tr("替换 casekit 写入后被人改动过的文件（旧文件备份在旁边，名为 _<文件名>.bak-<时间>）",
              "replace a file edited since casekit wrote it (the old one is kept beside it as _<name>.bak-<time>)")


class DeprecatedAlias(argparse.Action):
    """An option's old spelling: stores into the new option's ``dest`` and says so on stderr.

    Parameters
    ----------
    option_strings, dest
        As for any :class:`argparse.Action`; ``dest`` is the new option's.
    new : str
        The spelling to use instead (``--csv``), named in the one-line warning.
    as_list : bool, default False
        Store the single value as a one-element list (``--region X`` for ``--regions X …``).
    **kwargs
        Passed to :class:`argparse.Action` (``type``, ``nargs`` …).
    """

    def __init__(self, option_strings: Sequence[str], dest: str, *, new: str, as_list: bool = False,
                 **kwargs: Any) -> None:
        self.new, self.as_list = new, as_list
        kwargs.setdefault("default", argparse.SUPPRESS)  # the new option's default stands
        kwargs.setdefault("help", argparse.SUPPRESS)
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        print(f"{parser.prog}: " + tr(f"提示：{option_string} 是旧写法，请改用 {self.new}",
                                      f"warning: {option_string} is deprecated; use {self.new}"), file=sys.stderr)
        setattr(namespace, self.dest, [values] if self.as_list else values)


def _parent() -> argparse.ArgumentParser:
    return ArgumentParser(add_help=False)


def bundle_parent() -> argparse.ArgumentParser:
    """The positional ``bundle`` folder."""
    parent = _parent()
    parent.add_argument("bundle", type=Path, metavar=tr("资料包", "bundle"),
                        help=tr("调研资料包的文件夹（内有 manifest.yaml）", "bundle folder (holds manifest.yaml)"))
    return parent


def out_file(option: str) -> Callable[[str], Path]:
    """An argparse ``type`` for an output file: its extension must be one ``option`` writes.

    The formats are declared once, in :data:`casekit.output_formats.OUTPUT_FORMATS`; a name
    with another extension is a usage error (exit 2) before anything is read or written.

    Parameters
    ----------
    option : str
        A key of ``OUTPUT_FORMATS`` (``"gaps --csv"``); a missing one fails at start-up.
    """
    from casekit.exceptions import OutputFormatError
    from casekit.output_formats import OUTPUT_FORMATS, check_output_format

    OUTPUT_FORMATS[option]  # noqa: B018 - an option missing from the table fails at start-up

    def parse(text: str) -> Path:
        try:
            return check_output_format(text, option)
        except OutputFormatError as exc:
            # argparse names the option itself: "argument --csv: g.xlsx: cannot write a .xlsx file; …"
            raise argparse.ArgumentTypeError(str(exc).removeprefix(f"{option} ")) from None

    parse.__name__ = "output file"  # argparse names the type in some messages
    return parse


def csv_parent(command: str, help: str | None = None, *,
               alias: str | None = None, default_help: str = "") -> argparse.ArgumentParser:
    """``--csv FILE``: the table ``command`` prints, as CSV (UTF-8 with BOM, for Excel).

    Parameters
    ----------
    command : str
        The command as typed (``"case list"``); its extensions come from ``"<command> --csv"``.
    help : str, optional
        What is written (default: the table as CSV instead of printing it).
    alias : str, optional
        A deprecated old spelling (``"--out"``).
    default_help : str
        Appended to ``help``.
    """
    parent = _parent()
    kind = out_file(f"{command} --csv")
    if help is None:
        help = tr("把表格写成 CSV 文件，不在终端打印", "write the table as CSV instead of printing it")
    parent.add_argument("--csv", type=kind, metavar=tr("文件", "FILE"), help=help + default_help)
    if alias is not None:
        parent.add_argument(alias, dest="csv", type=kind, action=DeprecatedAlias, new="--csv")
    return parent


def out_file_parent(command: str, help: str, *, required: bool = False) -> argparse.ArgumentParser:
    """``--out FILE``: the file ``command`` writes (extension from ``"<command> --out"``)."""
    parent = _parent()
    parent.add_argument("--out", type=out_file(f"{command} --out"), required=required, metavar=tr("文件", "OUT"),
                        help=help)
    return parent


def regions_parent(help: str | None = None, *,
                   required: bool = False, alias: bool = False) -> argparse.ArgumentParser:
    """``--regions REGION …`` (``alias``: with the deprecated ``--region REGION``)."""
    parent = _parent()
    group = parent.add_mutually_exclusive_group(required=required) if alias else parent
    if help is None:
        help = tr("地区编号或名称（默认：全部省级地区）", "region ids or names (default: all top-level regions)")
    group.add_argument("--regions", nargs="+", metavar=tr("地区", "REGION"), help=help)
    if alias:
        group.add_argument("--region", dest="regions", action=DeprecatedAlias, new="--regions", as_list=True)
    return parent


def _by_id(text: str) -> str:
    """A ``--by`` value as its id: the id itself, its Chinese label (``地市``), or an old spelling."""
    if text in BY_ALIASES:
        print("casekit: " + tr(f"提示：--by {text} 是旧写法，请改用 --by {BY_ALIASES[text]}",
                               f"warning: --by {text} is deprecated; use --by {BY_ALIASES[text]}"), file=sys.stderr)
        return BY_ALIASES[text]
    by_label = {label: by for by, label in BY.items()}
    return by_label.get(text, text)


_by_id.__name__ = "grouping"


def by_parent(choices: Sequence[str], default: str = "top_region", *, extra: str = "") -> argparse.ArgumentParser:
    """``--by``: a grouping of :data:`BY`; anything else is a usage error listing ``choices``."""
    parent = _parent()
    labels = tr("、", ", ").join(f"{c} {BY[c]}" for c in choices)
    parent.add_argument("--by", type=_by_id, choices=tuple(choices), default=default, metavar=tr("分组", "BY"),
                        help=tr(f"分组方式：{labels}{extra}（默认：%(default)s）",
                                f"grouping: {labels}{extra} (default: %(default)s)"))
    return parent


def seed_parent(help: str | None = None) -> argparse.ArgumentParser:
    """``--seed`` (2008, the sample's seed)."""
    parent = _parent()
    if help is None:
        help = tr("随机数种子（默认：%(default)s）", "random seed (default: %(default)s)")
    parent.add_argument("--seed", type=int, default=2008, help=help)
    return parent


def force_parent(help: str | None = None) -> argparse.ArgumentParser:
    """``--force``: replace what casekit would otherwise keep."""
    parent = _parent()
    parent.add_argument("--force", action="store_true", help=_force_help() if help is None else help)
    return parent


def min_n_parent(default: int, what: str) -> argparse.ArgumentParser:
    """``--min-n``: the smallest group shown."""
    parent = _parent()
    parent.add_argument("--min-n", type=int, default=default,
                        help=f"{what}" + tr("（默认：%(default)s）", " (default: %(default)s)"))
    return parent


def all_parent() -> argparse.ArgumentParser:
    """``--all``: print the small-group rows too (their numbers stay hidden); ``--csv`` has them anyway."""
    parent = _parent()
    parent.add_argument("--all", action="store_true",
                        help=tr("也列出人数太少、不能显示数字的组（默认不列出）",
                                "also list the rows of groups too small to show numbers for (hidden by default)"))
    return parent


def quiet_parent() -> argparse.ArgumentParser:
    """``--quiet``: no progress on standard error, declared once for every command that has it."""
    parent = _parent()
    parent.add_argument("--quiet", action="store_true", help=tr("不显示进度", "no progress display"))
    return parent


def progress(args: argparse.Namespace) -> TerminalProgress:
    """The progress line of a long command: on standard error unless ``--quiet``.

    Use it as a context manager around the long work, so the line is cleared however the
    command ends (:class:`casekit.progress.TerminalProgress`). Like ``build``'s bar it is drawn
    when standard error is not a terminal too (a Jupyter cell, an editor's run panel render it);
    ``--quiet`` or ``CASEKIT_NO_PROGRESS=1`` turn it off.
    """
    from casekit.progress import TerminalProgress

    return TerminalProgress(enabled=not getattr(args, "quiet", False))


def load(args: argparse.Namespace) -> Bundle:
    """The bundle named by ``args.bundle``, loaded (and so validated): the one place commands load it.

    A command with ``--quiet`` (:func:`quiet_parent`) shows ``读取调研资料`` meanwhile: a national
    bundle takes seconds.
    """
    from casekit.intake import load_bundle

    if not hasattr(args, "quiet"):
        return load_bundle(args.bundle)
    with progress(args) as line, line.task("读取调研资料"):
        return load_bundle(args.bundle)


def with_bundle(command: Callable[[argparse.Namespace, Bundle], int]) -> Callable[[argparse.Namespace], int]:
    """Turn ``command(args, bundle)`` into ``command(args)``, loading ``args.bundle`` first."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        return command(args, load(args))

    return run


def write_csv(path: Path, frame: pd.DataFrame,
              overrides: Mapping[str, str | tuple[str, str]] | None = None) -> None:
    """Write ``frame`` as CSV for Excel and say how many rows went where (stderr).

    Headers in Chinese and numbers rounded for reading (:func:`casekit.cli.headers.readable`;
    ``overrides`` as there).
    """
    from casekit.cli.headers import readable
    from casekit.files import write_atomic
    from casekit.spreadsheet import csv_bytes

    # text cells a spreadsheet would evaluate (=, +, -, @ …) get a leading '; UTF-8 with a BOM
    write_atomic(path, csv_bytes(readable(frame, overrides)))
    print(tr(f"已把 {len(frame)} 行写入 {path}", f"{len(frame)} rows written to {path}"), file=sys.stderr)


#: C0 (but tab and line feed) and C1 control characters and DEL: a bundle cell holding ESC or BEL
#: would otherwise drive the consultant's terminal (set its title, rewrite the screen).
_TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


#: Columns that mark a row whose numbers are hidden for privacy (a group below ``--min-n``).
SUPPRESSED_COLUMNS: tuple[str, ...] = ("suppressed", "hidden")

#: A cell that reads as a number: right-aligned, never shortened (``12``, ``-0.30``, ``57.1``, ``<5``).
_NUMBER_TEXT = re.compile(r"^[<>≤≥]?[-+]?\d[\d,]*(\.\d+)?%?$")


def _escape(text: str) -> str:
    """One terminal line: tabs and line breaks as spaces, other control characters as ``\\xNN``."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    return _TERMINAL_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _is_number(value: object) -> bool:
    import numbers

    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, numbers.Number):
        return True
    return isinstance(value, str) and (value == "-" or bool(_NUMBER_TEXT.match(value)))


def _terminal_cells(shown: pd.DataFrame) -> tuple[list[str], list[list[str]], list[bool]]:
    """Headers, cells as text and which columns are numbers, of a :func:`readable` frame."""
    import pandas as pd
    from pandas.api import types as ptypes

    headers = [_escape(str(c)) for c in shown.columns]
    numeric: list[bool] = []
    columns: list[list[str]] = []
    for position in range(shown.shape[1]):
        series = shown.iloc[:, position]
        missing = series.isna()
        if ptypes.is_bool_dtype(series.dtype):
            is_number = False
        elif ptypes.is_numeric_dtype(series.dtype):
            is_number = True
        else:
            is_number = bool(len(series)) and all(_is_number(v) for v in series[~missing])
        numeric.append(is_number)
        if is_number and len(series):
            if isinstance(series.dtype, pd.api.extensions.ExtensionDtype) and missing.any():
                series = series.astype(object).where(~missing, "-")
            # pandas' own number formatting (one number of decimals per column)
            text = series.reset_index(drop=True).to_string(index=False, na_rep="-").split("\n")
            columns.append([_escape(t.strip()) for t in text])
        else:
            columns.append(["-" if m else _escape(str(v)) for v, m in zip(series, missing)])
    rows = [list(row) for row in zip(*columns)] if columns else []
    return headers, rows, numeric


def _id_columns(frame: pd.DataFrame, overrides: Mapping[str, str | tuple[str, str]] | None) -> list[bool]:
    """Per column of ``frame``: an id (:data:`casekit.cli.headers.HEADERS` kind ``id``)."""
    from casekit.cli.headers import HEADERS

    kinds = []
    for column in frame.columns:
        override = (overrides or {}).get(str(column))
        kinds.append(override[1] if isinstance(override, tuple) else HEADERS.get(str(column), ("", ""))[1])
    return [kind == "id" for kind in kinds]


def show(frame: pd.DataFrame, csv: Path | None,
         overrides: Mapping[str, str | tuple[str, str]] | None = None, *,
         hide_suppressed: bool = False, notes_below: str | None = None) -> None:
    """Print a consultant-facing table, or write it as CSV with ``--csv``.

    Either way with Chinese headers and numbers rounded for reading
    (:func:`casekit.cli.headers.readable`; ``overrides`` as there). The CSV has every row and
    column. The printed table fits the terminal (:func:`casekit.cli.terminal_table.render`):
    Chinese aligned, numbers right and text left, long text shortened with ``…``; columns that
    still do not fit are left out, named in one line under the table.

    Parameters
    ----------
    frame : DataFrame
        The table.
    csv : Path or None
        Write it here as CSV instead of printing it.
    overrides : mapping, optional
        Headers and kinds for some columns, as in :func:`~casekit.cli.headers.readable`.
    hide_suppressed : bool, default False
        Print only the rows whose numbers may be shown: a row with a true ``suppressed`` (or
        ``hidden``) column is left out, the column too, and one line under the table says how
        many rows were and that ``--all`` lists them (only that line when no row is left).
    notes_below : str, optional
        A column of long explanations (e.g. ``note``): on screen each non-empty one becomes a
        mark (``〔1〕``) in its row, and the whole text is listed under the table by its mark (once
        for rows with the same text), so the table stays narrow and no explanation is cut. The
        CSV keeps the column as it is.

    Notes
    -----
    On screen, an id column with its Chinese label beside it (``维度编号`` and ``维度``) is left
    out; the CSV has both.
    """
    from casekit.cli.headers import readable
    from casekit.cli.terminal_table import render, terminal_width

    if csv is not None:
        write_csv(csv, frame, overrides)
        return
    notes = []
    flag = next((c for c in SUPPRESSED_COLUMNS if c in frame.columns), None)
    if hide_suppressed and flag is not None:
        hidden = frame[flag].eq(True).to_numpy()
        frame = frame.loc[~hidden].drop(columns=flag)
        if hidden.any() and frame.empty:  # a header over nothing says less than one sentence
            print(f"全部 {int(hidden.sum())} 行都因人数太少、数字不能显示而未列出；加 --all 可列出这些行")
            return
        if hidden.any():
            notes.append(f"另有 {int(hidden.sum())} 行因人数太少、数字不能显示而未列出；加 --all 可列出这些行")
    below: list[str] = []
    if notes_below is not None and notes_below in frame.columns:
        marks, numbers = [], {}  # the same explanation on several rows is listed once
        for text in frame[notes_below].tolist():
            text = "" if text is None or (isinstance(text, float) and text != text) else str(text).strip()
            if text and text not in numbers:
                numbers[text] = len(numbers) + 1
                below.append(f"〔{numbers[text]}〕{_escape(text)}")
            marks.append(f"〔{numbers[text]}〕" if text else "")
        frame = frame.assign(**{notes_below: marks})
    ids = _id_columns(frame, overrides)
    shown = readable(frame, overrides)
    # On screen, an id whose Chinese label is the next column over says nothing more (维度编号
    # beside 维度): left out; the CSV keeps both.
    labelled = [i for i, header in enumerate(shown.columns)
                if str(header).endswith("编号") and str(header)[: -len("编号")] in set(map(str, shown.columns))]
    if labelled:
        shown = shown.drop(columns=[shown.columns[i] for i in labelled])
        ids = [flag_ for i, flag_ in enumerate(ids) if i not in labelled]
    headers, rows, numeric = _terminal_cells(shown)
    table = render(headers, rows, numeric, terminal_width(), ids=ids)
    if table.dropped:
        notes.append(f"终端宽度不够，未显示 {len(table.dropped)} 列：{'、'.join(table.dropped)}；"
                     "用 --csv 文件.csv 可导出全部列")
    print("\n".join([*table.lines, *notes, *below]))


def show_whole(frame: pd.DataFrame) -> None:
    """Print a small table with every cell whole: Chinese lined up in terminal cells, numbers
    right-aligned, nothing shortened or left out (a line may be wider than the terminal).

    For tables whose cells must be read whole (``followup``'s verdicts and intervals, ``segment``'s
    figures); :func:`show` fits the terminal instead. Cells are formatted and escaped as there,
    with the frame's own headers.
    """
    from casekit.cli.terminal_table import align

    headers, rows, numeric = _terminal_cells(frame)
    print("\n".join(align(headers, rows, numeric)))


#: An id column → the column of its Chinese names inserted after it, and that column's header.
#: On screen the id beside its name is left out (:func:`show`); the CSV keeps both.
NAMED_IDS: Mapping[str, tuple[str, str]] = MappingProxyType({
    "top_region_id": ("top_region_name", "地区"),
    "region_id": ("region_name", "所在地区"),
    "population": ("population_label", "岗位"),
    "method": ("method_label", "调研方式"),
    "code": ("code_label", "主题"),
    "code_group": ("code_group_label", "主题类别"),
    "code_a": ("code_a_label", "主题甲"),
    "code_b": ("code_b_label", "主题乙"),
})


def names_beside_ids(table: pd.DataFrame, manifest: Any,
                     code_frame: Any = None) -> tuple[pd.DataFrame, dict[str, tuple[str, str]]]:
    """``table`` with each id column of :data:`NAMED_IDS` followed by the Chinese names of its ids.

    Regions are named by the manifest (``all``, every region together, is 全部地区), populations
    and note methods by :mod:`casekit.domain`, codes and their groups by the code frame. An id
    nobody knows stays as it is. A code's names are its ``label`` column when the table has one
    (it is then headed 主题), so nothing is added twice; a name column already there is kept.

    Parameters
    ----------
    table : DataFrame
        A table about to be shown or written (:func:`show`).
    manifest : Manifest
        The bundle's manifest (region names).
    code_frame : CodeFrame, optional
        The bundle's code frame (code and code-group labels); without it codes keep their ids.

    Returns
    -------
    table : DataFrame
        A copy with the name columns inserted.
    headers : dict
        The new columns' headers and kinds, to pass to :func:`show` as ``overrides``.
    """
    from casekit.domain import NOTE_METHODS, POPULATIONS, RESEARCH_METHODS
    from casekit.exceptions import CasekitError

    def region(region_id: object) -> object:
        if region_id == "all":
            return "全部地区"
        try:
            return manifest.name(str(region_id))
        except CasekitError:
            return region_id

    def term(*vocabularies: Mapping[str, Any]) -> Callable[[object], object]:
        def name(value: object) -> object:
            found = next((v[value] for v in vocabularies if value in v), None)
            return value if found is None else found.label
        return name

    codes = {c.id: c.label for c in code_frame.codes} if code_frame is not None else {}
    groups = dict(code_frame.groups) if code_frame is not None else {}
    namers: dict[str, Callable[[object], object]] = {
        "top_region_id": region, "region_id": region,
        "population": term(POPULATIONS), "method": term(NOTE_METHODS, RESEARCH_METHODS),
        "code": lambda c: codes.get(c, c), "code_a": lambda c: codes.get(c, c), "code_b": lambda c: codes.get(c, c),
        "code_group": lambda g: groups.get(g, g),
    }
    headers: dict[str, tuple[str, str]] = {}
    table = table.copy()
    for column, (named, header) in NAMED_IDS.items():
        if column not in table.columns:
            continue
        if column == "code" and "label" in table.columns:  # the code frame's own label column
            headers["label"] = (header, "text")
            continue
        if column.startswith("code") and code_frame is None:
            continue
        if named not in table.columns:
            table.insert(table.columns.get_loc(column) + 1, named, table[column].map(namers[column]))
        headers[named] = (header, "text")
    return table, headers


def segment_labels(bundle: Bundle, seed: int) -> pd.Series | None:
    """Respondent id → ``第n类“…”`` for ``--by segment``; None (after saying why) when unclear."""
    from casekit.analysis.segments import segment_account_managers

    report = segment_account_managers(bundle, random_state=seed)
    if not report.clear:
        print(report.message, file=sys.stderr)
        return None
    return report.segment_labels()
