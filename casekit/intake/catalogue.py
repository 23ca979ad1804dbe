"""``catalogue/<region_id>.csv``: each top-level region's local product catalogue."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from casekit import domain
from casekit.exceptions import Problem
from casekit.intake._files import ROW, listed_files, read_table, short_list
from casekit.intake.manifest import Manifest
from casekit.intake.schemas import CATALOGUE, coerce
from casekit.language import tr

__all__ = ["CATALOGUE_DIR", "MAX_VALUE_CHARS", "parse_department_values", "read_catalogue"]

CATALOGUE_DIR = "catalogue"
_ENTRIES = re.compile(r"\s*[;；\n]\s*")
_KEY = re.compile(r"\s*[:：]\s*")


def _department_id(text: str) -> str | None:
    """A department id from its id, label or one part of a label (总经理 of 总经理/决策层)."""
    found = domain.lookup(domain.CUSTOMER_DEPARTMENTS, text)
    if found is None:
        found = next((i for i, t in domain.CUSTOMER_DEPARTMENTS.items() if text in t.label.split("/")), None)
    return found


#: The longest sentence one department's benefit may be (what an account manager says in one
#: breath; a longer cell is a paste of something else and would flood the toolbox and the guide).
MAX_VALUE_CHARS = 120


def parse_department_values(cell: object) -> tuple[dict[str, str] | None, list[str]]:
    """Parse a ``department_values`` cell: ``财务部：月底对账省两天；运营部：少跑两趟银行``.

    Parameters
    ----------
    cell : object
        The cell's text; entries are separated by ``；``, ``;`` or a line break, each a department
        (id or label of :data:`casekit.domain.CUSTOMER_DEPARTMENTS`, or one part of a label such as
        总经理) then ``：`` or ``:`` and the sentence.

    Returns
    -------
    values : dict or None
        Department id → sentence; ``None`` for an empty cell.
    bad : list of str
        The entries that could not be read (no department, an unknown one, one given twice, or a
        sentence longer than :data:`MAX_VALUE_CHARS` characters).

    Examples
    --------
    >>> parse_department_values("财务部：月底对账省两天；总经理:钱花得明白")
    ({'finance': '月底对账省两天', 'general_manager': '钱花得明白'}, [])
    """
    text = "" if cell is None or (isinstance(cell, float) and pd.isna(cell)) else str(cell).strip()
    if not text:
        return None, []
    values: dict[str, str] = {}
    bad: list[str] = []
    for entry in (e for e in _ENTRIES.split(text) if e):
        parts = _KEY.split(entry, maxsplit=1)
        dep = _department_id(parts[0]) if len(parts) == 2 and parts[1] else None
        if dep is None or dep in values or len(parts[1]) > MAX_VALUE_CHARS:
            bad.append(entry)
            continue
        values[dep] = parts[1]
    return (values or None), bad


def read_catalogue(root: Path, manifest: Manifest | None) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and check every regional catalogue in ``catalogue/``.

    Parameters
    ----------
    root : Path
        The bundle folder.
    manifest : Manifest or None
        Names the top-level regions a catalogue may belong to.

    Returns
    -------
    catalogue : DataFrame
        Columns of ``casekit.intake.schemas.CATALOGUE``, sorted by region and local name.
    problems : list of Problem
    """
    folder = root / CATALOGUE_DIR
    if not folder.is_dir():
        return CATALOGUE.empty(), [Problem(f"{CATALOGUE_DIR}/", None, None,
                                           tr("catalogue/ 文件夹，每个地区一个 <地区编号>.csv",
                                              "a catalogue/ folder with one <region_id>.csv per region"),
                                           tr("没有 catalogue/ 文件夹", "no catalogue/ folder"))]
    problems: list[Problem] = []
    tops = manifest.top_level_ids() if manifest is not None else None
    parts = []
    for path in listed_files(folder):
        rel = f"{CATALOGUE_DIR}/{path.name}"
        if path.suffix.lower() != ".csv":
            problems.append(Problem(rel, None, None, tr("产品目录 <地区编号>.csv", "a catalogue <region_id>.csv"), path.name))
            continue
        if manifest is not None and tops is not None and path.stem not in tops:
            city = manifest.resolve(path.stem)
            is_city = city and city not in tops
            hint = tr(f"（{path.stem} 是 {manifest.top_of(city)} 下的地市）", f" ({path.stem} is a city of "
                                                                       f"{manifest.top_of(city)})") if is_city else ""
            names = short_list([f'{t}.csv' for t in tops], 8)
            problems.append(Problem(rel, None, None,
                                    tr(f"以省级地区编号命名的文件（{names}）{hint}",
                                       f"a file named after a top-level region id ({names}){hint}"),
                                    path.name))
        frame, more = read_table(path, rel)
        problems += more
        if frame is None:
            continue
        out, more = coerce(frame, CATALOGUE, manifest)
        problems += more
        parsed = []
        rows = out[f"{ROW}:department_values"] if f"{ROW}:department_values" in out else out[ROW]
        for cell, row in zip(out["department_values"], rows):
            values, bad = parse_department_values(cell)
            parsed.append(values)
            problems += [Problem(rel, None if pd.isna(row) else int(row), "department_values",
                                 tr("用“；”分隔的“部门：一句话”，例如 财务部：月底对账省两天（每个部门一次，写编号或名称，"
                                    f"每句最多 {MAX_VALUE_CHARS} 字："
                                    f"{short_list([t.label for t in domain.CUSTOMER_DEPARTMENTS.values()], 8)}）",
                                    "department：sentence entries separated by ；, e.g. 财务部：月底对账省两天 "
                                    f"(each department once, by id or label, a sentence of at most {MAX_VALUE_CHARS} "
                                    "characters: "
                                    f"{short_list([t.label for t in domain.CUSTOMER_DEPARTMENTS.values()], 8)})"),
                                 entry if len(entry) <= 60 else entry[:60] + f"…（{len(entry)} 字）")
                         for entry in bad]
        out["department_values"] = pd.Series(parsed, index=out.index, dtype=object)
        out["region_id"] = path.stem
        parts.append(out)
    if not parts:
        return CATALOGUE.empty(), problems
    return CATALOGUE.finalize(pd.concat(parts, ignore_index=True)), problems


def local_names(catalogue: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Return ``top-level region id → {local name → canonical product id}``."""
    out: dict[str, dict[str, str]] = {}
    for rid, name, prod in zip(catalogue["region_id"], catalogue["local_name"], catalogue["canonical_product"]):
        if isinstance(prod, str):
            out.setdefault(rid, {})[name] = prod
    return out
