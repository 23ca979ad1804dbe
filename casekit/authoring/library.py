"""The case library: one row per teaching case and role-play, with Chinese labels, and filters.

Cases and role-plays are Markdown files with YAML front matter (``<bundle>/cases/<id>.md``,
read by :func:`casekit.authoring.cases.read_cases`). :func:`case_library` indexes them as a
DataFrame a consultant can sort and look through in a notebook; :func:`filter_library` narrows it
down by industry, product, funnel stage, region, outcome, module, kind or status, each given as an
id or as the Chinese word a consultant would type (``酒店``, ``宽视界``, ``发展痛点``, ``河北``, ``失败``).

With a bundle (a :class:`casekit.intake.Bundle` or a folder holding ``manifest.yaml``) the
regions get their Chinese names from the manifest and a product written by its local name (the
region's catalogue) gets its canonical product; without one (a bare folder of case files) regions
stay as written and products resolve through :data:`casekit.domain.PRODUCTS` (ids, labels,
aliases) only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from casekit import domain
from casekit.exceptions import CasekitError
from casekit.language import os_reason, quoted, tr
from casekit.intake.regions import RegionIndex
from casekit.progress import Progress
from casekit.tables import OutputColumn as Col
from casekit.tables import OutputSchema, columns

__all__ = [
    "CASE_KINDS",
    "CASE_OUTCOMES",
    "CASE_STATUSES",
    "LIBRARY_COLUMNS",
    "LIBRARY_SCHEMA",
    "LibraryError",
    "case_library",
    "filter_library",
    "library_cases",
    "library_problems",
    "module_titles",
]



def _vocab(*terms: domain.Term) -> Mapping[str, domain.Term]:
    return MappingProxyType({t.id: t for t in terms})


#: ``kind`` of a case file → Chinese label.
CASE_KINDS = _vocab(
    domain.Term("case", "案例", ("教学案例",)),
    domain.Term("roleplay", "角色扮演", ("角色扮演脚本", "role-play", "role_play")),
)
#: ``outcome`` of a case (how the real sale ended) → Chinese label.
CASE_OUTCOMES = _vocab(
    domain.Term("success", "成功", ("成功案例",)),
    domain.Term("failure", "失败", ("失败案例",)),
)
#: ``status`` of a case file → Chinese label.
CASE_STATUSES = _vocab(
    domain.Term("draft", "草稿", ("初稿",)),
    domain.Term("reviewed", "已审阅", ("已审", "审阅")),
)

#: The table of :func:`case_library`, in order.
LIBRARY_SCHEMA = OutputSchema(
    "case library", "casekit.authoring.case_library", (
        *columns("str", "id", "kind", "kind_label", "title", "region_id"),
        Col("region", "str", nullable=True),
        *columns("str", "top_region_id", "industry", "industry_label"),
        *columns("tuple", "products", "product_ids", "product_labels"),
        *columns("str", "funnel_stage", "funnel_stage_label"),
        Col("funnel_step", "int", nullable=True), *columns("str", "outcome", "outcome_label"),
        *columns("tuple", "modules", "module_titles"), *columns("str", "status", "status_label"),
        Col("n_sources", "int"), Col("case", "str", nullable=True), Col("roleplays", "tuple"),
        Col("minutes", "int", nullable=True), Col("file"),
    ), consumers=("authoring.case_book", "cli case list/book", "notebooks"))
#: Columns of :func:`case_library`, in order (from its schema).
LIBRARY_COLUMNS: tuple[str, ...] = LIBRARY_SCHEMA.names


class LibraryError(CasekitError, ValueError):
    """A filter value that names nothing the library knows (the message lists what it accepts)."""


# -- reading ------------------------------------------------------------------------------------


def module_titles() -> dict[str, str]:
    """Return ``module id → Chinese title`` over the three outlines, in outline order."""
    from casekit.curriculum import load_outlines

    return {m.module_id: m.title for outline in load_outlines().values() for m in outline.modules}


def _source(bundle_or_root: Any) -> tuple[Any, Path, Any, pd.DataFrame | None]:
    """(what read_cases reads, folder, manifest or None, catalogue or None)."""
    if hasattr(bundle_or_root, "manifest") and hasattr(bundle_or_root, "path"):
        return (bundle_or_root, Path(bundle_or_root.path), bundle_or_root.manifest,
                getattr(bundle_or_root, "catalogue", None))
    root = Path(bundle_or_root).expanduser()
    if root.is_file() and root.name == "manifest.yaml":
        root = root.parent
    if root.name == "cases" and not (root / "cases").is_dir() and (root.parent / "cases").is_dir():
        root = root.parent  # the cases/ folder itself was given
    if not root.is_dir():
        raise LibraryError(tr(f"{root} 处没有案例库：这个文件夹不存在", f"no case library at {str(root)!r}: the folder does not exist"))
    if (root / "manifest.yaml").is_file():
        # only the two small files the library needs, not the whole bundle (a bundle whose
        # survey has a problem still has a usable case library)
        from casekit.intake.catalogue import read_catalogue
        from casekit.intake.manifest import read_manifest

        manifest, _ = read_manifest(root)
        catalogue = read_catalogue(root, manifest)[0] if manifest is not None else None
        return root, root, manifest, catalogue
    return root, root, None, None


def _read(source: Any, bundled: bool, progress: Progress | None = None) -> tuple[list[Any], list[Any]]:
    # imported here, not at the top: the case model imports nothing of ours, we import it late
    from casekit.authoring.cases import read_cases

    items, problems = read_cases(source, progress=progress)
    if not bundled:
        # a bare folder of case files has no manifest or catalogue to miss
        problems = [p for p in problems
                    if not (p.file == "manifest.yaml" or str(p.file).startswith("catalogue"))]
    return list(items), list(problems)


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    return tuple(str(v) for v in value if v is not None and str(v).strip())


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _term(vocabulary: Mapping[str, domain.Term], value: Any) -> tuple[str | None, str | None]:
    """(id, label) of a value written as id, label or alias; an unknown value stays as written."""
    text = _text(value)
    if text is None:
        return None, None
    tid = domain.lookup(vocabulary, text)
    if tid is None:
        return text, None
    return tid, vocabulary[tid].label


def _local_products(catalogue: pd.DataFrame | None) -> dict[str, dict[str, str]]:
    """``top region id → {local name → canonical id}`` ("" holds names unique across regions)."""
    if catalogue is None or len(catalogue) == 0:
        return {}
    by_region: dict[str, dict[str, str]] = {}
    for rid, name, pid in zip(catalogue["region_id"], catalogue["local_name"], catalogue["canonical_product"]):
        if isinstance(name, str) and isinstance(pid, str):
            by_region.setdefault(str(rid), {})[name] = pid
    anywhere: dict[str, set[str]] = {}
    for names in by_region.values():
        for name, pid in names.items():
            anywhere.setdefault(name, set()).add(pid)
    by_region[""] = {name: next(iter(pids)) for name, pids in anywhere.items() if len(pids) == 1}
    return by_region


def _product_id(name: str, top: str | None, local: Mapping[str, Mapping[str, str]]) -> str | None:
    pid = domain.lookup(domain.PRODUCTS, name)
    if pid is not None:
        return pid
    if top is not None and name in local.get(top, {}):
        return local[top][name]
    return local.get("", {}).get(name)


def _region(manifest: Any, value: Any) -> tuple[str | None, str | None, str | None]:
    """(region id, Chinese name, top-level id); as written when there is no manifest."""
    text = _text(value)
    if text is None:
        return None, None, None
    if manifest is None:
        return text, None, text
    rid = manifest.resolve(text)
    if rid is None:
        return text, None, None
    return rid, manifest.name(rid), manifest.top_of(rid)


def _file(path: Any, root: Path) -> str | None:
    if path is None:
        return None
    p = Path(path)
    try:
        return p.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


_STEPS = {sid: n for n, sid in enumerate(domain.FUNNEL_STAGES, start=1)}


def _row(item: Any, root: Path, manifest: Any, local: Mapping[str, Mapping[str, str]],
         titles: Mapping[str, str]) -> dict[str, Any]:
    kind, kind_label = _term(CASE_KINDS, getattr(item, "kind", None))
    region_id, region_name, top = _region(manifest, getattr(item, "region", None))
    industry, industry_label = _term(domain.INDUSTRIES, getattr(item, "industry", None))
    products = _tuple(getattr(item, "products", ()))
    product_ids = tuple(_product_id(p, top, local) or p for p in products)
    product_labels = tuple(domain.PRODUCTS[p].label if p in domain.PRODUCTS else p for p in product_ids)
    stage, stage_label = _term(domain.FUNNEL_STAGES, getattr(item, "funnel_stage", None))
    outcome, outcome_label = _term(CASE_OUTCOMES, getattr(item, "outcome", None))
    status, status_label = _term(CASE_STATUSES, getattr(item, "status", None))
    modules = _tuple(getattr(item, "modules", ()))
    minutes = getattr(item, "minutes", None)
    return {
        "id": str(item.id),
        "kind": kind,
        "kind_label": kind_label,
        "title": _text(getattr(item, "title", None)) or "",
        "region_id": region_id,
        "region": region_name,
        "top_region_id": top,
        "industry": industry,
        "industry_label": industry_label,
        "products": products,
        "product_ids": product_ids,
        "product_labels": product_labels,
        "funnel_stage": stage,
        "funnel_stage_label": stage_label,
        "funnel_step": _STEPS.get(stage or ""),
        "outcome": outcome,
        "outcome_label": outcome_label,
        "modules": modules,
        "module_titles": tuple(titles.get(m, "") for m in modules),
        "status": status,
        "status_label": status_label,
        "n_sources": len(_tuple(getattr(item, "sources", ()))),
        "case": _text(getattr(item, "case", None)) if kind == "roleplay" else None,
        "roleplays": (),
        "minutes": minutes if isinstance(minutes, (int, float)) and not isinstance(minutes, bool) else None,
        "file": _file(getattr(item, "path", None), root),
    }


def case_library(bundle_or_root: Any, *, progress: Progress | None = None) -> pd.DataFrame:
    """Index every case and role-play of a bundle (or of a bare folder of case files).

    Parameters
    ----------
    bundle_or_root : Bundle, str or Path
        A loaded :class:`casekit.intake.Bundle`, a bundle folder (holding ``manifest.yaml``; only
        the manifest and the catalogue are read besides the cases), or a folder of case files
        without a bundle (read as :func:`casekit.authoring.cases.read_cases` reads it).
    progress : Progress, optional
        Where the checking of the case files is reported (``检查案例 12/74 C012``); default:
        nowhere.

    Returns
    -------
    DataFrame
        One row per file, sorted by ``id``, with the columns of :data:`LIBRARY_COLUMNS`:

        * ``id``, ``kind`` (``case`` / ``roleplay``) and ``kind_label`` (案例 / 角色扮演), ``title``;
        * ``region_id`` (manifest id; as written without a manifest or when unknown), ``region``
          (its Chinese name, or None), ``top_region_id`` (its province);
        * ``industry`` (id) and ``industry_label``; ``products`` (tuple, as written — local or
          canonical names), ``product_ids`` (canonical ids; a name that resolves to none stays as
          written) and ``product_labels``;
        * ``funnel_stage`` (id), ``funnel_stage_label``, ``funnel_step`` (1–8);
        * ``outcome`` (``success`` / ``failure``) and ``outcome_label`` (成功 / 失败);
        * ``modules`` (tuple of outline module ids) and ``module_titles`` (their Chinese titles,
          ``""`` for an id that no outline holds);
        * ``status`` and ``status_label``; ``n_sources`` (segment ids cited);
        * ``case`` (a role-play's case id, else None), ``roleplays`` (a case's role-play ids),
          ``minutes`` (a role-play's length), ``file`` (path relative to the folder read).

        A value that is not in the vocabulary keeps its text and has no label (``None``).
        ``library.attrs`` holds ``problems`` (every problem :func:`read_cases` reported; a file
        with problems is still listed), ``root`` (the folder read), ``regions`` (``id → name`` from the manifest) and ``local_products`` (``local name →
        canonical id``), which :func:`filter_library` uses.

    Examples
    --------
    >>> lib = case_library("research_data/sample")  # doctest: +SKIP
    >>> lib[["id", "kind_label", "title", "industry_label", "outcome_label"]]  # doctest: +SKIP
    """
    source, root, manifest, catalogue = _source(bundle_or_root)
    items, problems = _read(source, bundled=manifest is not None, progress=progress)
    local = _local_products(catalogue)
    titles = module_titles()
    rows = [_row(item, root, manifest, local, titles) for item in items]
    rows.sort(key=lambda r: r["id"])
    by_case: dict[str, list[str]] = {}
    for r in rows:
        if r["kind"] == "roleplay" and r["case"]:
            by_case.setdefault(r["case"], []).append(r["id"])
    for r in rows:
        if r["kind"] == "case":
            r["roleplays"] = tuple(sorted(by_case.get(r["id"], ())))
    frame = pd.DataFrame(rows, columns=list(LIBRARY_COLUMNS))
    frame["funnel_step"] = frame["funnel_step"].astype("Int64")
    frame["n_sources"] = frame["n_sources"].astype(int)
    frame["minutes"] = frame["minutes"].astype("Int64")
    frame.attrs["root"] = str(root)
    frame.attrs["problems"] = problems
    regions: dict[str, str] = {}
    if manifest is not None:
        regions = {str(i): str(n) for i, n in zip(manifest.regions["region_id"], manifest.regions["name"])}
    frame.attrs["regions"] = regions
    frame.attrs["local_products"] = dict(local.get("", {}))
    return frame


def library_problems(library: pd.DataFrame) -> list[Any]:
    """The problems :func:`read_cases` reported while :func:`case_library` read the files."""
    return list(library.attrs.get("problems", []))


def library_cases(library: pd.DataFrame) -> list[Any]:
    """Read the :class:`Case` / :class:`RolePlay` of every row of ``library``, in its row order.

    Each file is parsed again (format only; :func:`case_library` already reported the bundle
    checks), so a filtered or re-sorted library gives the cases a case book needs.

    Raises
    ------
    LibraryError
        If a row's file is gone or no longer parses.
    """
    from casekit.authoring.cases import case_from_markdown

    root = Path(library.attrs.get("root", "."))
    out = []
    for cid, file in zip(library["id"], library["file"]):
        path = Path(str(file))
        if not path.is_absolute():
            path = root / path
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise LibraryError(tr(f"案例{quoted(cid)}：无法读取 {path}（{os_reason(exc.strerror) if exc.strerror else exc}）",
                                  f"case {cid!r}: cannot read {str(path)!r} ({exc.strerror or exc})")) from exc
        case, _ = case_from_markdown(text, rel=str(file), path=path)
        if case is None:
            raise LibraryError(tr(f"案例{quoted(cid)}：{path} 的文首信息已无法读取",
                                  f"case {cid!r}: {str(path)!r} has no readable front matter any more"))
        out.append(case)
    return out


# -- filtering ----------------------------------------------------------------------------------


def _values(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(v) for v in value]
    return [str(value)]


def _resolve_term(vocabulary: Mapping[str, domain.Term], value: Any, what: str, what_zh: str) -> set[str]:
    out = set()
    for text in _values(value):
        tid = domain.lookup(vocabulary, text)
        if tid is None:
            accepted = "、".join(f"{t.id}/{t.label}" for t in vocabulary.values())
            raise LibraryError(tr(f"没有{what_zh}{quoted(text)}；可选：{accepted}",
                                  f"unknown {what} {text!r}; expected one of {accepted}"))
        out.add(tid)
    return out


def _region_ids(library: pd.DataFrame, value: Any) -> set[str]:
    names: dict[str, str] = dict(library.attrs.get("regions", {}))
    for rid, name in zip(library["region_id"], library["region"]):
        if isinstance(rid, str) and isinstance(name, str):
            names.setdefault(rid, name)
    for col in ("region_id", "top_region_id"):
        for rid in library[col]:
            if isinstance(rid, str):
                names.setdefault(rid, rid)
    index = RegionIndex(list(names), list(names.values()))  # the one rule of region names
    out = set()
    for text in _values(value):
        match = index.match(text)
        if match.ambiguous:
            raise LibraryError(index.ambiguous_text(match))
        if match.region_id is None:
            shown = "、".join(sorted(f"{i}/{n}" if n != i else i for i, n in names.items()))
            raise LibraryError(tr(f"没有地区{quoted(text)}；可选：{shown or '（没有地区）'}",
                                  f"unknown region {text!r}; expected one of {shown or '(no regions)'}"))
        out.add(match.region_id)
    return out


def _product_keys(library: pd.DataFrame, value: Any) -> tuple[set[str], set[str]]:
    """(names as written, canonical ids) a product filter matches."""
    local: Mapping[str, str] = library.attrs.get("local_products", {})
    written = {p for ps in library["products"] for p in ps}
    names, ids = set(), set()
    for text in _values(value):
        t = text.strip()
        pid = domain.lookup(domain.PRODUCTS, t) or local.get(t)
        if pid is None:
            # a local name only the cases use: the canonical id those cases resolved it to
            pids = {pi for ps, pis in zip(library["products"], library["product_ids"])
                    for p, pi in zip(ps, pis) if p == t and pi in domain.PRODUCTS}
            if len(pids) == 1:
                pid = next(iter(pids))
        if pid is None and t not in written:
            accepted = "、".join(f"{p.id}/{p.label}" for p in domain.PRODUCTS.values())
            raise LibraryError(tr(f"没有产品{quoted(t)}；应为本地产品名称，或以下之一：{accepted}",
                                  f"unknown product {t!r}; expected a local product name, or one of {accepted}"))
        names.add(t)
        if pid is not None:
            ids.add(pid)
    return names, ids


def _module_ids(value: Any) -> set[str]:
    titles = module_titles()
    by_title = {title: mid for mid, title in titles.items()}
    out = set()
    for text in _values(value):
        t = text.strip()
        mid = t if t in titles else by_title.get(t)
        if mid is None:
            raise LibraryError(tr(f"没有模块{quoted(t)}；应为课程大纲中的模块编号（{'、'.join(titles)}）或模块名称",
                                  f"unknown module {t!r}; expected a module id of the outlines "
                                  f"({', '.join(titles)}) or its title"))
        out.add(mid)
    return out


def filter_library(library: pd.DataFrame, industry: Any = None, product: Any = None,
                   funnel_stage: Any = None, region: Any = None, outcome: Any = None,
                   module: Any = None, kind: Any = None, status: Any = None) -> pd.DataFrame:
    """Return the rows of ``library`` matching every filter given (each may also be a list: any of).

    Parameters
    ----------
    library : DataFrame
        From :func:`case_library`.
    industry : str, optional
        Id, Chinese label or alias (``hotel``, ``酒店``, ``宾馆``).
    product : str, optional
        A canonical id or label (``video_monitoring``, ``宽带监控``), an alias, or a region's local
        name (``宽视界``, ``全球眼``): matches every case naming that product, under any name.
    funnel_stage : str, optional
        Id or label of :data:`casekit.domain.FUNNEL_STAGES` (``发展痛点``).
    region : str, optional
        Manifest id or Chinese name; a top-level region also matches its cities' cases.
    outcome : str, optional
        ``success`` / ``failure`` / ``成功`` / ``失败``.
    module : str, optional
        Outline module id or its Chinese title.
    kind : str, optional
        ``case`` / ``roleplay`` / ``案例`` / ``角色扮演``.
    status : str, optional
        ``draft`` / ``reviewed`` / ``草稿`` / ``已审阅``.

    Returns
    -------
    DataFrame
        The matching rows, in the library's order, index reset; ``attrs`` kept.

    Raises
    ------
    LibraryError
        If a value names nothing known (a typo should not silently give an empty library).
    """
    mask = pd.Series(True, index=library.index)
    if industry is not None:
        mask &= library["industry"].isin(_resolve_term(domain.INDUSTRIES, industry, "industry", "行业"))
    if funnel_stage is not None:
        mask &= library["funnel_stage"].isin(_resolve_term(domain.FUNNEL_STAGES, funnel_stage, "funnel stage", "销售阶段"))
    if outcome is not None:
        mask &= library["outcome"].isin(_resolve_term(CASE_OUTCOMES, outcome, "outcome", "结果"))
    if kind is not None:
        mask &= library["kind"].isin(_resolve_term(CASE_KINDS, kind, "kind", "类型"))
    if status is not None:
        mask &= library["status"].isin(_resolve_term(CASE_STATUSES, status, "status", "状态"))
    if region is not None:
        rids = _region_ids(library, region)
        mask &= library["region_id"].isin(rids) | library["top_region_id"].isin(rids)
    if product is not None:
        names, ids = _product_keys(library, product)
        mask &= pd.Series([bool(names & set(ps)) or bool(ids & set(pis))
                           for ps, pis in zip(library["products"], library["product_ids"])],
                          index=library.index, dtype=bool)
    if module is not None:
        mids = _module_ids(module)
        mask &= pd.Series([bool(mids & set(ms)) for ms in library["modules"]], index=library.index, dtype=bool)
    out = library.loc[mask].reset_index(drop=True)
    out.attrs = dict(library.attrs)
    return out
