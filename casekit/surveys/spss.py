"""SPSS ``.sav`` files (as downloaded from Qualtrics, 问卷星 or LimeSurvey "SPSS" exports).

Read with :mod:`pyreadstat` without applying value labels, so :meth:`SurveyExport.tidy` shows
the codes (integers as ``"3"``, not ``"3.0"``) as 问卷星 按序号 or a LimeSurvey code export do;
the labels are kept in :attr:`SurveyExport.value_labels`. ``read(path, labels=True)`` (or
:func:`apply_labels`) gives the labelled answers instead.

Conventions
-----------
* **Variables** ``Q<n>`` (or any letters + number: ``q3``, ``V12``) are questions;
  ``Q<n>_<k>`` its rows/choices/items; ``Q<n>_<k>_TEXT`` or ``Q<n>_other`` a write-in. Other
  variables are metadata (``ResponseId``/``id`` → ``response_id``, ``StartDate`` →
  ``started_at``, ``EndDate``/``submitdate`` → ``submitted_at``, ``Duration`` → ``duration_s``,
  ``IPAddress``/``ipaddr`` → ``ip``; the rest keyed by their name). **Question numbers** are the
  order of appearance; the variable name is the :attr:`ExportColumn.platform_id`.
* **Stems** come from variable labels; ``stem - item`` (also ``stem-item``, ``stem：item``)
  labels give the matrix row / option / ranking item.
* ``Q<n>_<k>`` groups are a **multiple choice** when every value is 0/1 (value ``k`` = option
  ``k``), a **ranking** when each response holds distinct ranks ``1…k`` (value = the items' ``k``
  in rank order), otherwise **matrix** rows.
* **Missing values**: system-missing (and empty strings) → ``empty``; a user-missing value →
  ``skipped`` when its value label says so (跳过, 不适用, skip, not shown/displayed, N/A) or its code
  is ``-3`` (问卷星's skip code), else ``empty``. The value becomes ``""``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from casekit.exceptions import InputFileError, Problem, SurveyFileError
from casekit.bounded import check_file
from casekit.surveys._build import assemble
from casekit.surveys._io import Grid
from casekit.surveys._parse import guarded
from casekit.surveys.model import LIST_SEP, ExportColumn, SurveyExport
from casekit.surveys.registry import Reader, register_reader
from casekit.language import tr

__all__ = ["READER", "apply_labels", "read", "sniff"]

PLATFORM = "spss"

_META: dict[str, str] = {
    "responseid": "response_id",
    "id": "response_id",
    "startdate": "started_at",
    "enddate": "submitted_at",
    "submitdate": "submitted_at",
    "duration": "duration_s",
    "duration_in_seconds": "duration_s",
    "ipaddress": "ip",
    "ipaddr": "ip",
    "ip": "ip",
}
_VAR = re.compile(r"^(?P<q>[A-Za-z]+\d+)(?:_(?P<k>\d+))?(?P<text>_TEXT|_other)?$", re.IGNORECASE)
_SKIP_LABEL = re.compile(r"跳过|不适用|skip|not (?:shown|displayed)|N/?A\b", re.IGNORECASE)
_SKIP_CODE = -3.0
_SEPARATORS = (" - ", "-", "：", ":")


@dataclass
class _Group:
    name: str
    main: list[str] = field(default_factory=list)
    items: list[tuple[str, int]] = field(default_factory=list)
    writeins: list[str] = field(default_factory=list)


def sniff(grid: Grid) -> bool:
    """SPSS files are recognised by their ``.sav`` suffix, never from a text grid.

    Parameters
    ----------
    grid : Grid
        Ignored.

    Returns
    -------
    bool
        Always False.
    """
    return False


def read(path: str | Path, *, grid: Grid | None = None, labels: bool = False) -> SurveyExport:
    """Read an SPSS ``.sav`` file.

    Parameters
    ----------
    path : str or Path
        The ``.sav`` file.
    grid : Grid, optional
        Not used: a ``.sav`` file is never read as a table. Accepted so that every reader is
        called the same way (:class:`~casekit.surveys.registry.SurveyReader`).
    labels : bool, default False
        Replace codes by their value labels (as :func:`apply_labels` does); by default the
        answers are the codes and the labels are in :attr:`SurveyExport.value_labels`.

    Returns
    -------
    SurveyExport
        Platform ``"spss"``, encoding None.

    Raises
    ------
    SurveyFileError
        With every problem found (file, row, column, expected, found); never another exception.
    """
    path = Path(path)

    def body() -> SurveyExport:
        export = _read(path)
        return apply_labels(export) if labels else export

    return guarded(path, "SPSS .sav file", body)


def apply_labels(export: SurveyExport) -> SurveyExport:
    """Return a copy of an export with codes replaced by their value labels.

    Parameters
    ----------
    export : SurveyExport
        An export with :attr:`~SurveyExport.value_labels` (from :func:`read`).

    Returns
    -------
    SurveyExport
        Same columns and statuses; single-choice and matrix codes replaced by their labels, the
        codes inside multiple-choice and ranking values (joined by ``;``) too. Codes without a
        label are kept.
    """
    data = export.data.copy()
    for key, mapping in export.value_labels.items():
        if key not in data.columns:
            continue
        kind = export.column(key).kind
        if kind in ("multi", "rank"):
            data[key] = data[key].map(
                lambda v, m=mapping: LIST_SEP.join(m.get(p, p) for p in v.split(LIST_SEP)) if v else v
            ).astype(object)
        else:
            data[key] = data[key].map(lambda v, m=mapping: m.get(v, v) if v else v).astype(object)
    return replace(export, data=data)


def _code_text(value: object) -> str:
    """A code as text: ``3.0`` → ``"3"``, ``92.5`` → ``"92.5"``."""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


def _numeric_text(series: pd.Series) -> pd.Series:
    """Numbers as text, column-wise: integers without ``.0``, NaN as ``""``."""
    values = pd.to_numeric(series, errors="coerce").astype(float)
    finite = values.notna() & np.isfinite(values)
    whole = finite & (values % 1 == 0) & (values.abs() < 2**53)
    out = pd.Series("", index=series.index, dtype=object)
    out[whole] = values[whole].astype(np.int64).astype(str)
    rest = finite & ~whole
    out[rest] = values[rest].map(repr)
    return out


def _to_text(series: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return _numeric_text(series)
    if pd.api.types.is_datetime64_any_dtype(series):
        text = series.dt.strftime("%Y-%m-%d %H:%M:%S")
        return text.where(series.notna(), "").astype(object)

    def one(v: object) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return ""
        if isinstance(v, dt.datetime):
            return v.strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(v, (dt.date, dt.time)):
            return v.isoformat()
        return _code_text(v)

    return series.map(one).astype(object).str.strip().str.replace(r"^'", "", regex=True)


def _split_label(label: str) -> tuple[str, str | None]:
    for sep in _SEPARATORS:
        if sep in label:
            stem, sub = label.rsplit(sep, 1)
            return stem.strip(), sub.strip()
    return label.strip(), None


def _strip_text_suffix(label: str) -> str:
    return re.sub(r"\s*-\s*(Text|TEXT)\s*$", "", label.strip())


def _read(path: Path) -> SurveyExport:
    import pyreadstat

    rel = path.name
    if not path.is_file():
        raise SurveyFileError([Problem(rel, None, None, tr("存在的文件", "an existing file"), "<missing>")])
    try:
        check_file(path, rel, bundle=False)
    except InputFileError as exc:
        raise SurveyFileError(exc.problems) from None
    try:
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=True)
    except Exception as exc:  # noqa: BLE001 - pyreadstat raises its own error types
        raise SurveyFileError(
            [Problem(rel, None, None, tr("SPSS .sav 文件", "an SPSS .sav file"),
                     tr(f"打不开的文件（{type(exc).__name__}: {exc}）", f"an unreadable file ({type(exc).__name__}: {exc})"))]
        ) from None
    names = list(frame.columns)
    var_labels: Mapping[str, str | None] = meta.column_names_to_labels or {}
    value_labels_raw: Mapping[str, Mapping[object, str]] = meta.variable_value_labels or {}
    missing_ranges: Mapping[str, list[dict]] = getattr(meta, "missing_ranges", None) or {}
    n = len(frame)

    groups: dict[str, _Group] = {}
    meta_vars: list[str] = []
    for name in names:
        m = _VAR.match(name)
        if m is None or name.lower() in _META:
            meta_vars.append(name)
            continue
        g = groups.setdefault(m["q"].upper(), _Group(m["q"]))
        if m["text"]:
            g.writeins.append(name)
        elif m["k"] is not None:
            g.items.append((name, int(m["k"])))
        else:
            g.main.append(name)

    def missing_status(name: str) -> tuple[pd.Series, pd.Series]:
        """Per cell: is it missing, and is that a skip."""
        series = frame[name]
        labels = value_labels_raw.get(name, {})
        is_missing = series.isna() | (series.astype(object).map(lambda v: isinstance(v, str) and not v.strip()))
        skipped = pd.Series(False, index=series.index)
        numeric = pd.api.types.is_numeric_dtype(series)
        for rng in missing_ranges.get(name, []):
            lo, hi = rng.get("lo"), rng.get("hi")
            if numeric and isinstance(lo, (int, float)) and isinstance(hi, (int, float)):
                hit = (series >= lo) & (series <= hi)
            else:
                hit = series == lo
            hit = hit.fillna(False).astype(bool)
            is_missing |= hit
            codes = series[hit].unique()
            skip_codes = [c for c in codes if c == _SKIP_CODE or _SKIP_LABEL.search(str(labels.get(c, "")))]
            skipped |= series.isin(skip_codes) & hit
        return is_missing.astype(bool), skipped.astype(bool)

    def status_of(missing: pd.Series, skipped: pd.Series) -> pd.Series:
        return pd.Series(np.where(skipped, "skipped", np.where(missing, "empty", "answered")), index=missing.index, dtype=object)

    def label_map(name: str) -> dict[str, str]:
        return {_code_text(k): str(v) for k, v in value_labels_raw.get(name, {}).items()}

    out: list[tuple[int, ExportColumn, pd.Series, pd.Series]] = []
    value_labels: dict[str, dict[str, str]] = {}
    position = {name: i for i, name in enumerate(names)}

    for name in meta_vars:
        key = _META.get(name.lower(), name)
        text = _to_text(frame[name])
        missing, skipped = missing_status(name)
        text = text.where(~missing, "")
        out.append((position[name], ExportColumn(key, name, "meta", platform_id=name), text, status_of(missing, skipped)))

    for number, g in enumerate(groups.values(), start=1):
        first = (g.main or [i for i, _ in g.items] or g.writeins)[0]
        stem_source = var_labels.get(first) or first
        stem = stem_source if g.main else _split_label(_strip_text_suffix(stem_source))[0]
        parent: pd.Series | None = None

        def col(
            name: str, key: str, kind: str, sub: str | None = None, options: tuple[str, ...] = (), stem: str = stem, number: int = number
        ) -> ExportColumn:
            return ExportColumn(key, name, kind, number, stem, sub, name, options)

        for pos, name in enumerate(g.main):
            missing, skipped = missing_status(name)
            text = _to_text(frame[name]).where(~missing, "")
            key = f"Q{number}" if pos == 0 else f"Q{number}_{pos + 1}"
            numeric = pd.api.types.is_numeric_dtype(frame[name])
            kind = ("single" if value_labels_raw.get(name) else "number") if numeric else "open"
            if value_labels_raw.get(name):
                value_labels[key] = label_map(name)
            status = status_of(missing, skipped)
            out.append((position[name], col(name, key, kind), text, status))
            parent = status if parent is None else parent

        if g.items:
            item_names = [name for name, _ in g.items]
            codes = [str(k) for _, k in g.items]
            subs = [(_split_label(var_labels.get(name) or "")[1] or name) for name in item_names]
            if not g.main:
                stem = _split_label(var_labels.get(item_names[0]) or item_names[0])[0]
            masks = {name: missing_status(name) for name in item_names}
            numeric = all(pd.api.types.is_numeric_dtype(frame[name]) for name in item_names)
            block = pd.DataFrame(
                {name: frame[name].where(~masks[name][0]) for name in item_names}
            ) if numeric else None
            any_missing = pd.concat([masks[nm][0] for nm in item_names], axis=1).all(axis=1)
            any_skipped = pd.concat([masks[nm][1] for nm in item_names], axis=1).any(axis=1)
            kind = _items_kind(block) if block is not None and n else "matrix"
            if kind in ("multi", "rank"):
                vals = block.to_numpy(dtype=float)
                codes_arr = np.array(codes, dtype=object)
                if kind == "multi":
                    joined = [LIST_SEP.join(codes_arr[row == 1]) for row in vals]
                else:
                    order = np.argsort(np.where(np.isnan(vals), np.inf, vals), axis=1, kind="stable")
                    joined = [LIST_SEP.join(codes_arr[o][~np.isnan(vals[r][o])]) for r, o in enumerate(order)]
                value = pd.Series(joined, index=frame.index, dtype=object)
                status = pd.Series(
                    np.where(value != "", "answered", np.where(any_skipped, "skipped", "empty")), index=frame.index, dtype=object
                )
                if kind == "multi":
                    status = status.where(~((value == "") & ~any_missing & ~any_skipped), "empty")
                key = f"Q{number}"
                value_labels[key] = dict(zip(codes, subs))
                out.append((position[item_names[0]], col(item_names[0], key, kind, None, tuple(subs), stem), value, status))
                parent = status
            else:
                for pos, (name, sub) in enumerate(zip(item_names, subs), start=1):
                    missing, skipped = masks[name]
                    text = _to_text(frame[name]).where(~missing, "")
                    key = f"Q{number}_{pos}"
                    if value_labels_raw.get(name):
                        value_labels[key] = label_map(name)
                    status = status_of(missing, skipped)
                    out.append((position[name], col(name, key, "matrix", sub, (), stem), text, status))
                    parent = status if parent is None else parent

        for pos, name in enumerate(g.writeins):
            missing, skipped = missing_status(name)
            text = _to_text(frame[name]).where(~missing, "")
            label = _strip_text_suffix(var_labels.get(name) or "")
            sub = label[len(stem):].lstrip(" -:：") if stem and label.startswith(stem) else (_split_label(label)[1] or "其他")
            status = status_of(missing, skipped)
            if parent is not None and (g.main or g.items):
                status = pd.Series(
                    np.where(status == "answered", "answered", np.where(parent == "skipped", "skipped", "empty")),
                    index=frame.index,
                    dtype=object,
                )
                key, kind = (f"Q{number}_other" if pos == 0 else f"Q{number}_other_{pos + 1}"), "other"
            else:
                key, kind = f"Q{number}_{pos + 1}", "fill"
            out.append((position[name], col(name, key, kind, sub or "其他", (), stem), text, status))

    out.sort(key=lambda t: t[0])
    columns = [c for _, c, _, _ in out]
    if out and n:
        values = np.column_stack([v.to_numpy(dtype=object) for _, _, v, _ in out]).tolist()
        statuses = np.column_stack([s.to_numpy(dtype=object) for _, _, _, s in out]).tolist()
    else:
        values, statuses = [], []
    return assemble(path, PLATFORM, None, columns, values, statuses, list(range(1, n + 1)), value_labels)


def _items_kind(block: pd.DataFrame) -> str:
    """``multi`` (0/1 per option), ``rank`` (distinct ranks 1…k per response) or ``matrix``."""
    vals = block.to_numpy(dtype=float)
    present = ~np.isnan(vals)
    if not present.any():
        return "matrix"
    observed = vals[present]
    if np.isin(observed, (0.0, 1.0)).all():
        return "multi"
    k = vals.shape[1]
    if k >= 2 and np.all((observed >= 1) & (observed <= k) & (observed % 1 == 0)):
        rows = [row[~np.isnan(row)] for row in vals]
        if all(len(np.unique(r)) == len(r) for r in rows):
            return "rank"
    return "matrix"


# The platform's one line in the registry (casekit/surveys/registry.py).
READER = register_reader(Reader(PLATFORM, "SPSS", read, suffixes=(".sav",)))
