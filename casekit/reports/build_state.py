"""What the last ``casekit build`` into a reports folder built, from what: the rebuild-only-what-changed
record.

Every region's report is keyed by a SHA-256 of exactly what it depends on
(:func:`region_key`, computed by :mod:`casekit.reports.build`): casekit's code, the report
notebook, the parameters, the formats, the CJK font, the engagement-wide analysis's inputs
(every bundle file but the notes) and what the region's notes section shows. A region whose key
is unchanged and whose published files are all there, as casekit wrote them, is not rebuilt.

Before any of that, :func:`up_to_date` answers the commonest question -- "did anything change at
all?" -- from file hashes alone: if the bundle's files, the code, the notebook, the parameters,
the formats and the font are byte for byte those of the last build, and every region's
published files are intact, there is nothing to do. It imports only the standard library (and
PyYAML to read the bundle's name), so the answer takes a fraction of a second.

The record is ``<out>/<bundle>/.casekit-build.json``, written atomically after every region.
Deleting it only costs one full build.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casekit.files import write_atomic
from casekit.reports.fingerprint import bundle_files, code_version, digest, file_digest

__all__ = [
    "NOTEBOOK_FILE",
    "REPORT_FILES",
    "STATE_FILE",
    "BuildState",
    "font_stamp",
    "notebook_path_parameter",
    "parse_formats",
    "quick_key",
    "region_names",
    "region_files",
    "request_key",
    "up_to_date",
]

#: The record's file name in ``<out>/<bundle>``.
STATE_FILE = ".casekit-build.json"
_VERSION = 1
#: Every report format ``casekit build --formats`` knows, in the order they are built, and its
#: file in a region's folder (``html`` is always built); the one table of these names
#: (``casekit.reports.index.FORMAT_FILES`` adds the links' labels), light enough for the quick check.
REPORT_FILES = {"html": "report.html", "pdf": "report.pdf", "docx": "report.docx", "pptx": "slides.pptx"}
NOTEBOOK_FILE = "report.ipynb"
#: Largest manifest read to find the bundle's name on the quick path (the loader bounds it too).
_MANIFEST_LIMIT = 1 << 20


def font_stamp(path: str | Path | None) -> dict[str, Any]:
    """What identifies the CJK font the charts are drawn with, without loading matplotlib.

    Parameters
    ----------
    path : path-like or None
        The font file found by :func:`casekit.reports.fonts.find_cjk_font`.

    Returns
    -------
    dict
        A SHA-256 of the font file's content (None when there is none or it cannot be read) and
        ``CASEKIT_CJK_FONT``: touching or copying the font rebuilds nothing, another font
        rebuilds everything (10--50 ms for a 5--25 MB font, also on the no-op path).
    """
    stamp: dict[str, Any] = {"env": os.environ.get("CASEKIT_CJK_FONT", ""), "sha256": None}
    if path is not None:
        try:
            stamp["sha256"] = file_digest(path)
        except OSError:
            pass
    return stamp


def request_key(regions: Any, formats: Sequence[str], notebook: Path, parameters: Mapping[str, Any]) -> str:
    """Which request a record answers: the regions asked for, formats, notebook and parameters."""
    if isinstance(regions, str):
        regions = [regions]
    asked = None if regions is None else [str(r) for r in regions]
    return digest("request", asked, list(formats), str(notebook), dict(parameters))[:24]


def quick_key(files: Mapping[str, str], notebook: Path, parameters: Mapping[str, Any],
              formats: Sequence[str], font: Mapping[str, Any]) -> str:
    """Everything a build reads, by content: when it equals the last build's, nothing changed."""
    return digest("quick", code_version(), file_digest(notebook), dict(parameters), list(formats), dict(font),
                  dict(files))


@dataclass
class BuildState:
    """The record of ``<out>/<bundle>`` (see the module docstring).

    Attributes
    ----------
    regions : dict of str to dict
        Region id → ``{"key": region key, "common": the part of it every region shares (code,
        notebook, parameters, formats, font, every bundle file but the notes), "quick": quick key
        it was built or confirmed under, "formats": [...]}``. A region whose ``common`` differs
        from this build's is stale whatever its notes: the build starts its kernels before the
        notes are read.
    requests : dict of str to dict
        :func:`request_key` → ``{"quick": ..., "regions": [...], "font": path}`` of the last build
        of that request.
    index : str
        Key of the index last written.
    """

    regions: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: dict[str, dict[str, Any]] = field(default_factory=dict)
    index: str = ""

    @classmethod
    def load(cls, out_dir: Path) -> BuildState:
        """Read the record (an empty one when absent, unreadable or from another version)."""
        try:
            data = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("version") != _VERSION:
            return cls()
        regions = data.get("regions")
        requests = data.get("requests")
        return cls(
            regions=regions if isinstance(regions, dict) else {},
            requests=requests if isinstance(requests, dict) else {},
            index=str(data.get("index") or ""),
        )

    def save(self, out_dir: Path) -> None:
        """Write the record atomically."""
        data = {"version": _VERSION, "regions": dict(sorted(self.regions.items())),
                "requests": self.requests, "index": self.index}
        write_atomic(out_dir / STATE_FILE, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n")

    def forget(self, region_id: str) -> None:
        """Drop a region's record (it failed: rebuild it next time)."""
        self.regions.pop(region_id, None)


def parse_formats(formats: str | Iterable[str] | None) -> tuple[str, ...]:
    """Turn what the user asked for into format ids, ``"html"`` first, in :data:`REPORT_FILES` order.

    Parameters
    ----------
    formats : str, iterable of str or None
        Format ids (a string may list several, separated by commas); None: HTML only.

    Returns
    -------
    tuple of str

    Raises
    ------
    casekit.exceptions.ReportFormatError
        Naming every unknown format and listing the known ones.
    """
    from casekit.exceptions import ReportFormatError

    if formats is None:
        return ("html",)
    if isinstance(formats, str):
        formats = formats.replace("，", ",").split(",")
    asked = [str(f).strip().lower().lstrip(".") for f in formats if str(f).strip()]
    unknown = [f for f in asked if f not in REPORT_FILES]
    if unknown:
        raise ReportFormatError(unknown, tuple(REPORT_FILES))
    return tuple(f for f in REPORT_FILES if f == "html" or f in asked)


def kernel_folder(bundle_path: Path) -> Path:
    """The working directory of the kernels that render ``bundle_path``'s reports: the bundle's
    parent folder, wherever the report notebook is (a checkout's ``notebooks/`` or the installed
    package), so that the notebook can name the bundle by its folder name alone
    (:func:`notebook_path_parameter`) -- on Windows too, where no relative path leads from one
    drive to another."""
    return bundle_path.parent


def notebook_path_parameter(bundle_path: Path) -> str:
    """``bundle_path`` as the report kernel should see it: relative to its working directory
    (:func:`kernel_folder`), i.e. the bundle's folder name, so that no local path is written into
    the report and the report is the same wherever the bundle or casekit is."""
    return bundle_path.name or "."


def region_files(formats: Iterable[str]) -> list[str]:
    """The files a region's folder holds after a build of ``formats``."""
    return [NOTEBOOK_FILE, *(REPORT_FILES[f] for f in formats if f in REPORT_FILES)]


def _simple_manifest(bundle_path: Path) -> dict[str, Any] | None:
    """The bundle's manifest as plain YAML data, unvalidated, or None when it cannot be read so
    (absent, over :data:`_MANIFEST_LIMIT`, not YAML, not a mapping)."""
    manifest = bundle_path / "manifest.yaml"
    try:
        if manifest.stat().st_size > _MANIFEST_LIMIT:
            return None
        import yaml

        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - any doubt: the caller takes the full path
        return None
    return data if isinstance(data, dict) else None


def _bundle_name(bundle_path: Path) -> str | None:
    """The bundle's name (``bundle:`` of its manifest), or None when it cannot be read simply
    (any doubt: take the full path, which reports problems)."""
    data = _simple_manifest(bundle_path)
    name = data.get("bundle") if data is not None else None
    return name.strip() if isinstance(name, str) and name.strip() else None


def region_names(bundle_path: Path | str) -> dict[str, str]:
    """Region id → name of the bundle's manifest (cities too), read simply (no validation) for
    what a command prints; empty when the manifest cannot be read so (then ids are printed)."""
    data = _simple_manifest(Path(bundle_path))
    names: dict[str, str] = {}
    todo = list(data["regions"]) if data is not None and isinstance(data.get("regions"), list) else []
    while todo:
        region = todo.pop(0)
        if isinstance(region, dict):
            rid, name = region.get("id"), region.get("name")
            if isinstance(rid, str) and isinstance(name, str) and name.strip():
                names[rid.strip()] = name.strip()
            if isinstance(region.get("cities"), list):
                todo.extend(region["cities"])
    return names


def up_to_date(
    bundle_path: Path | str,
    regions: Any,
    out: Path | str,
    notebook: Path | str,
    formats: Sequence[str],
    parameters: Mapping[str, Any],
    *,
    kind: Any = "research",
) -> tuple[Path, list[str]] | None:
    """Whether the last build of this request is still current: then nothing needs building.

    Parameters
    ----------
    bundle_path, regions, out, notebook, formats, parameters
        As given to :func:`casekit.reports.build.build_reports` (``formats`` parsed,
        ``parameters`` including ``bundle_path`` as the notebook sees it).
    kind : str or casekit.reports.report_kinds.ReportKind
        Which report: its folder and the bundle files it reads.

    Returns
    -------
    (pathlib.Path, list of str) or None
        The bundle's reports folder and the regions it holds for this request, when all of it
        is current; None when anything may have changed (the full build decides what).
    """
    from casekit.paths import bundle_output_dir
    from casekit.reports.report_kinds import report_kind

    kind = report_kind(kind)
    bundle_path = Path(bundle_path).resolve()
    notebook = Path(notebook).resolve()
    name = _bundle_name(bundle_path)
    if name is None or not notebook.is_file():
        return None
    out_dir = kind.out_dir(bundle_output_dir(name, out))
    state = BuildState.load(out_dir)
    request = state.requests.get(request_key(regions, formats, notebook, parameters))
    if not request or not (out_dir / "index.html").is_file():
        return None
    files = kind.inputs(bundle_files(bundle_path))
    quick = quick_key(files, notebook, parameters, formats, font_stamp(request.get("font")))
    if request.get("quick") != quick:
        return None
    region_ids = [str(r) for r in request.get("regions") or []]
    if state.index != request.get("index"):
        return None
    names = region_files(formats)
    for region_id in region_ids:
        record = state.regions.get(region_id) or {}
        if record.get("quick") != quick:
            return None
        folder = out_dir / region_id
        if not all((folder / name).is_file() for name in names):
            return None  # a file deleted by hand: the full build puts it back (an edited one stays)
    return out_dir, region_ids
