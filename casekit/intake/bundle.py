"""The whole research bundle: :func:`validate_bundle` and :func:`load_bundle`."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from casekit.exceptions import BundleNotFoundError, Problem, raise_if_problems
from casekit.intake.catalogue import read_catalogue
from casekit.intake.code_frame import CodeFrame, default_code_frame, read_code_frame
from casekit.intake.codebook import Codebook, read_codebook
from casekit.intake.competency import read_competency
from casekit.intake.followup import FOLLOWUP_DIR, FollowUp, followup_file_order, read_followup
from casekit.intake.manifest import MANIFEST_FILE, Manifest, read_manifest
from casekit.intake.manual_codes import MANUAL_COLUMNS, read_manual_codes
from casekit.intake.note_segments import note_segments
from casekit.intake.notes import read_notes
from casekit.intake.reviews_360 import read_reviews_360
from casekit.intake.roster import private_problems
from casekit.intake.ride_alongs import RIDE_ALONG_RECORDINGS, read_ride_alongs
from casekit.intake.schemas import COMPETENCY, ITEMS, REVIEW_ITEMS, RIDE_ALONGS
from casekit.intake.survey import read_survey
from casekit.language import tr

__all__ = ["Bundle", "BundleCheck", "check_bundle", "load_bundle", "remember_bundles", "validate_bundle"]


@dataclass(frozen=True, eq=False)
class Bundle:
    """A research bundle loaded into typed tables (columns: ``docs/architecture.md``).

    Attributes
    ----------
    path : Path
        The bundle folder.
    manifest : Manifest
        Client, region tree and budgets.
    codebook : Codebook
        How the questionnaire was read.
    items : DataFrame
        One row per codebook item, sorted by ``item_id``.
    respondents : DataFrame
        One row per respondent, sorted by ``respondent_id``; background questions as extra columns.
    responses : DataFrame
        One row per answered item; ``value`` has reverse keys applied.
    ride_alongs : DataFrame
        One row per observed visit (a visit recorded by two observers: its first recording).
    reviews_360 : DataFrame
        One row per rater × item.
    review_items : DataFrame
        One row per 360° item.
    catalogue : DataFrame
        One row per region × local product.
    notes : DataFrame
        One row per interview note.
    competency : DataFrame
        One row per population × dimension: the required level (defaults rescaled to the
        population's score range, overridden by the bundle's ``competency.yaml``).
    code_frame : CodeFrame
        The codes for interview notes (the default frame, extended or replaced by the bundle's
        ``code_frame.yaml``; ``docs/coding.md``).
    manual_codes : DataFrame
        The consultants' manual coding decisions (``notes/codes.csv``), checked against the
        notes' segments and the code frame.
    ride_along_recordings : DataFrame
        Every row of ``ride_alongs.csv`` with its ``observer`` (None without an ``observer``
        column): a visit recorded by two observers has two rows, the basis of the observers'
        agreement.
    followup : FollowUp or None
        What happened after the course (``followup/``, ``docs/followup.md``); None when the
        bundle has no follow-up.
    """

    path: Path
    manifest: Manifest
    codebook: Codebook
    items: pd.DataFrame
    respondents: pd.DataFrame
    responses: pd.DataFrame
    ride_alongs: pd.DataFrame
    reviews_360: pd.DataFrame
    review_items: pd.DataFrame
    catalogue: pd.DataFrame
    notes: pd.DataFrame
    competency: pd.DataFrame = field(default_factory=COMPETENCY.empty)
    code_frame: CodeFrame = field(default_factory=default_code_frame)
    manual_codes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=[*MANUAL_COLUMNS, "row"]))
    ride_along_recordings: pd.DataFrame = field(default_factory=RIDE_ALONG_RECORDINGS.empty)
    followup: FollowUp | None = None


@dataclass(frozen=True, eq=False)
class BundleCheck:
    """What :func:`check_bundle` found.

    Attributes
    ----------
    problems : list of Problem
        Every problem (as :func:`validate_bundle`).
    followup : FollowUp or None
        The follow-up as far as it could be read (complete when ``problems`` is empty); None
        when the bundle has no ``followup/``.
    respondents : int or None
        How many people answered the questionnaire (0 for a new engagement's bundle whose
        ``survey/`` holds headers only); None when the survey could not be read.
    manifest : Manifest or None
        The manifest, when it could be read (``casekit validate``'s notices read it).
    """

    problems: list[Problem]
    followup: FollowUp | None = None
    respondents: int | None = None
    manifest: Manifest | None = None


def _root(path: str | Path) -> Path:
    root = Path(path).expanduser()
    if root.is_file() and root.name == MANIFEST_FILE:
        root = root.parent
    if not (root / MANIFEST_FILE).is_file():
        raise BundleNotFoundError(tr(
            f"{root} 不是调研资料包：找不到 {root / MANIFEST_FILE}"
            "（调研资料包是一个含有 manifest.yaml 的文件夹，见 docs/bundle-format.md）",
            f"no research bundle at {str(root)!r}: {str(root / MANIFEST_FILE)!r} does not exist "
            "(a bundle is a folder holding manifest.yaml; see docs/bundle-format.md)"))
    return root


def _read(root: Path) -> tuple[dict[str, object], list[Problem]]:
    """Read every file of the bundle, collecting all problems; never stops early."""
    problems: list[Problem] = []
    manifest, more = read_manifest(root)
    problems += more
    codebook, more = read_codebook(root)
    problems += more
    competency, more = read_competency(root, codebook)
    problems += more
    survey, more = read_survey(root, codebook, manifest)
    problems += more
    catalogue, more = read_catalogue(root, manifest)
    problems += more
    r = survey.respondents
    account_managers = None  # unknown when the survey could not be read: check skipped
    if len(r) and r["population"].notna().any():
        account_managers = set(r.loc[r["population"] == "account_manager", "respondent_id"])
    ride_alongs, more = read_ride_alongs(root, manifest, account_managers, catalogue)
    problems += more
    followup, more = read_followup(root, manifest, codebook, survey, catalogue,
                                   baseline_ride_alongs=ride_alongs.visits)
    problems += more
    reviews, more = read_reviews_360(root, manifest, codebook)
    problems += more
    notes, more = read_notes(root, manifest)
    problems += more
    code_frame, more = read_code_frame(root)
    problems += more
    manual_codes, more = read_manual_codes(root, note_segments(notes), code_frame)
    problems += more
    problems += private_problems(root)
    order = {name: i for i, name in enumerate(
        ["manifest.yaml", "codebook.yaml", "competency.yaml", "survey", "catalogue", "ride_alongs.csv", "reviews_360.csv", "notes",
         "code_frame.yaml", FOLLOWUP_DIR])}
    problems.sort(key=lambda p: (order.get(p.file.split("/")[0], len(order)), followup_file_order(p.file), p.file,
                                 p.row or 0))
    parts = {
        "manifest": manifest, "codebook": codebook, "survey": survey, "catalogue": catalogue,
        "ride_alongs": ride_alongs, "reviews_360": reviews, "notes": notes,
        "competency": competency, "code_frame": code_frame, "manual_codes": manual_codes,
        "followup": followup,
    }
    return parts, problems


def validate_bundle(path: str | Path) -> list[Problem]:
    """Check every file of a research bundle and return all problems found.

    Parameters
    ----------
    path : str or Path
        The bundle folder (the one holding ``manifest.yaml``).

    Returns
    -------
    list of Problem
        Every problem of every file, in file order; empty when the bundle is clean.

    Raises
    ------
    BundleNotFoundError
        If there is no ``manifest.yaml`` at ``path``.

    Examples
    --------
    >>> problems = validate_bundle("research_data/sample")  # doctest: +SKIP
    >>> [str(p) for p in problems]  # doctest: +SKIP
    []
    """
    return check_bundle(path).problems


def check_bundle(path: str | Path) -> BundleCheck:
    """Check every file of a research bundle, keeping its follow-up for ``casekit validate``'s summary.

    Parameters
    ----------
    path : str or Path
        The bundle folder (the one holding ``manifest.yaml``).

    Returns
    -------
    BundleCheck
        Every problem (as :func:`validate_bundle`) and the follow-up as far as it was read.

    Raises
    ------
    BundleNotFoundError
        If there is no ``manifest.yaml`` at ``path``.
    """
    parts, problems = _read(_root(path))
    respondents = getattr(parts["survey"], "respondents", None)
    return BundleCheck(problems, parts["followup"],  # type: ignore[arg-type]
                       None if respondents is None else len(respondents), parts["manifest"])  # type: ignore[arg-type]


def load_bundle(path: str | Path) -> Bundle:
    """Load a research bundle into typed tables, or fail with every problem found.

    Parameters
    ----------
    path : str or Path
        The bundle folder (the one holding ``manifest.yaml``).

    Returns
    -------
    Bundle
        The complete bundle; never a partial one.

    Raises
    ------
    BundleNotFoundError
        If there is no ``manifest.yaml`` at ``path``.
    BundleValidationError
        If any file has a problem; its ``problems`` lists all of them.
    """
    root = _root(path)
    if _memo is not None:
        from casekit.bundle_tree import tree_stamp

        stamp = tree_stamp(root)
        kept = _memo.get(str(root.resolve()))
        if kept is not None and kept[0] == stamp:
            return _fresh(kept[1])
    bundle = _load(root)
    if _memo is not None:
        _memo.clear()  # one bundle at a time: a kernel builds one bundle's regions
        _memo[str(root.resolve())] = (stamp, _fresh(bundle))
    return bundle


#: The bundle :func:`load_bundle` last read, by folder, with the :func:`casekit.bundle_tree.tree_stamp`
#: it was read at; None: nothing is remembered (the default).
_memo: dict[str, tuple[tuple[object, ...], Bundle]] | None = None


def remember_bundles(enabled: bool) -> None:
    """Keep the last bundle :func:`load_bundle` read, and hand back a copy of it while none of its
    files changed (same paths, sizes, modification times and inodes).

    A report kernel of ``casekit build`` turns this on: it loads the same bundle for every region
    it renders, and parsing it again (0.3--0.7 s on the sample) would cost more than the region.
    Each call gets its own deep copy, so nothing one report does to its tables reaches the next.
    Off by default: a consultant's notebook always reads the files.

    Parameters
    ----------
    enabled : bool
        True: remember; False: forget and read the files every time.
    """
    global _memo
    if not enabled:
        _memo = None
    elif _memo is None:  # already on: keep what is remembered
        _memo = {}


def is_remembered(path: str | Path) -> bool:
    """Whether :func:`load_bundle` would hand back a remembered copy of the bundle at ``path``
    (remembering is on, and none of its files changed since it was read)."""
    if _memo is None:
        return False
    from casekit.bundle_tree import tree_stamp

    root = Path(path).expanduser()
    kept = _memo.get(str(root.resolve()))
    return kept is not None and kept[0] == tree_stamp(root)


def remember_bundle(bundle: Bundle, stamp: tuple[object, ...]) -> bool:
    """Remember ``bundle`` as read from files with this :func:`~casekit.bundle_tree.tree_stamp`
    (e.g. loaded by another process), if remembering is on and no file changed since.

    ``casekit build`` hands each report kernel the bundle it loaded and validated: unpickling it
    takes ~0.01 s, reading and validating the files again 0.4--0.6 s (the sample).

    Parameters
    ----------
    bundle : Bundle
        A complete bundle, as :func:`load_bundle` returned it.
    stamp : tuple
        :func:`casekit.bundle_tree.tree_stamp` of its folder, taken before it was read.

    Returns
    -------
    bool
        True if :func:`load_bundle` now hands back copies of it; False if remembering is off or
        a file of the bundle changed since ``stamp`` (then the files are read as usual).
    """
    if _memo is None:
        return False
    from casekit.bundle_tree import tree_stamp

    root = Path(bundle.path)
    if not stamp or stamp[0] != str(root.resolve()) or tree_stamp(root) != stamp:
        return False
    _memo.clear()
    _memo[str(root.resolve())] = (stamp, _fresh(bundle))
    return True


def _fresh(value: Any) -> Any:
    """A copy of ``value`` that shares nothing a report could change: tables, dicts and lists are
    copied, dataclasses field by field; read-only mappings, strings and numbers are shared."""
    if isinstance(value, pd.DataFrame):
        return value.copy(deep=True)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        new = copy.copy(value)
        for f in dataclasses.fields(value):
            object.__setattr__(new, f.name, _fresh(getattr(value, f.name)))
        return new
    if isinstance(value, (dict, list, set)):
        return copy.deepcopy(value)
    return value


def _load(root: Path) -> Bundle:
    parts, problems = _read(root)
    raise_if_problems(problems)
    codebook: Codebook = parts["codebook"]  # type: ignore[assignment]
    survey = parts["survey"]
    return Bundle(
        path=root,
        manifest=parts["manifest"],  # type: ignore[arg-type]
        codebook=codebook,
        items=ITEMS.finalize(codebook.items),
        respondents=survey.respondents,  # type: ignore[attr-defined]
        responses=survey.responses,  # type: ignore[attr-defined]
        ride_alongs=RIDE_ALONGS.finalize(parts["ride_alongs"].visits),  # type: ignore[attr-defined]
        reviews_360=parts["reviews_360"],  # type: ignore[arg-type]
        review_items=REVIEW_ITEMS.finalize(codebook.review_items),
        catalogue=parts["catalogue"],  # type: ignore[arg-type]
        notes=parts["notes"],  # type: ignore[arg-type]
        competency=parts["competency"],  # type: ignore[arg-type]
        code_frame=parts["code_frame"],  # type: ignore[arg-type]
        manual_codes=parts["manual_codes"],  # type: ignore[arg-type]
        ride_along_recordings=parts["ride_alongs"].recordings,  # type: ignore[attr-defined]
        followup=parts["followup"],  # type: ignore[arg-type]
    )
