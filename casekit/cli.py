"""The ``casekit`` command line: one entry point, one subcommand per task.

The CLI only parses arguments, calls the library function that does the work and turns
:class:`~casekit.exceptions.CasekitError` into a message and an exit code. Everything it can do
is available from Python (and so from notebooks) under the same names.

Exit codes: 0 success, 1 the input has problems or some region failed, 2 usage error,
130 interrupted (Ctrl-C), 141 standard output closed early (``casekit … | head``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from casekit import paths
from casekit.exceptions import BundleValidationError, CasekitError

__all__ = ["build_parser", "main"]

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
#: Interrupted with Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130
#: Standard output was closed by its reader (128 + SIGPIPE).
EXIT_BROKEN_PIPE = 141


def _cmd_sample(args: argparse.Namespace) -> int:
    from casekit.sample import generate_sample

    out = generate_sample(args.out, seed=args.seed, force=args.force)
    print(f"sample bundle written to {out} (seed {args.seed})")
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    from casekit.authoring.cases import case_problems
    from casekit.intake import validate_bundle

    problems = validate_bundle(args.bundle) + case_problems(args.bundle)  # cases/ too
    if not problems:
        print(f"{args.bundle}: OK, no problems found")
        return EXIT_OK
    err = BundleValidationError(problems)
    if args.csv:
        _write_csv(args.csv, err.to_frame())
    # at most VALIDATE_PER_KIND lines per kind of problem (same file, column and expectation), then
    # one line counting the rest: 2 million duplicate rows are not 2 million lines (--csv has all)
    shown: dict[tuple[str, str | None, str], int] = {}
    lines: list[str | tuple[str, str | None, str]] = []
    for p in problems:
        kind = (p.file, p.column, p.expected)
        shown[kind] = shown.get(kind, 0) + 1
        if shown[kind] <= VALIDATE_PER_KIND:
            lines.append(f"  - {p}")
        elif shown[kind] == VALIDATE_PER_KIND + 1:
            lines.append(kind)  # placeholder, filled in with the count below
    n = len(problems)
    out = [f"{args.bundle}: {n} problem{'s' if n != 1 else ''} found:"]
    for line in lines:
        if isinstance(line, tuple):
            file, column, expected = line
            more = shown[line] - VALIDATE_PER_KIND
            where = file + (f", column {column!r}" if column is not None else "")
            line = (f"  - {where}: … and {more:,} more problem{'s' if more != 1 else ''} of this kind "
                    f"(expected {expected})" + ("" if args.csv else "; --csv FILE lists them all"))
        out.append(line)
    print("\n".join(out), file=sys.stderr)
    return EXIT_PROBLEMS


#: Problems of one kind (same file, column and expectation) that ``casekit validate`` prints.
VALIDATE_PER_KIND = 20


def _cmd_build(args: argparse.Namespace) -> int:
    from casekit.reports import build_reports

    result = build_reports(
        args.bundle,
        regions=args.regions or None,
        out=args.out,
        progress=not args.quiet,
    )
    for region in result.built:
        print(f"built   {region}")
    for region, why in result.failed.items():
        print(f"FAILED  {region}: {why}", file=sys.stderr)
    print(f"open {result.index_path.resolve()}")
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def _cmd_codebook_draft(args: argparse.Namespace) -> int:
    from casekit.intake.codebook_draft import write_draft

    draft = write_draft(args.export, args.out, platform=args.platform, force=args.force, bundle=args.bundle)
    print(f"respondent id: {draft.respondent_id.reason}", file=sys.stderr)
    if args.out is None:
        sys.stdout.write(draft.text)
    else:
        print(f"draft codebook written to {args.out}", file=sys.stderr)
    return EXIT_OK


def _cmd_survey(args: argparse.Namespace) -> int:
    from casekit.analysis.survey_summary import (
        format_crosstabs,
        format_group_differences,
        score_survey,
    )

    if args.crosstabs and not args.by:
        print("casekit survey: --crosstabs needs --by COLUMN", file=sys.stderr)
        return EXIT_USAGE
    scored = score_survey(args.export, args.codebook, platform=args.platform)  # read and scored once
    if args.by and scored.group_column(args.by) != args.by:
        print(f"--by {args.by}: grouped by the column {scored.group_column(args.by)!r}", file=sys.stderr)
    table = scored.summary(args.by)
    tables = {"": table}
    if args.by:
        tables["_groups"] = scored.group_differences(args.by)
    if args.crosstabs:
        tables["_crosstabs"] = scored.crosstabs(args.by)
    if args.out is not None:
        for suffix, frame in tables.items():
            _write_csv(args.out.with_name(f"{args.out.stem}{suffix}.csv") if suffix else args.out, frame)
        return EXIT_OK
    shown = [table.round({"mean": 2, "sd": 2, "alpha": 3})]
    if "_groups" in tables:
        shown.append(format_group_differences(tables["_groups"]))
    if "_crosstabs" in tables:
        shown.append(format_crosstabs(tables["_crosstabs"]))
    print("\n\n".join(frame.to_string(index=False, na_rep="-") for frame in shown))
    return EXIT_OK


def _write_csv(path: Path, frame: object) -> None:
    from casekit.files import write_atomic
    from casekit.spreadsheet import csv_bytes

    # text cells a spreadsheet would evaluate (=, +, -, @ …) get a leading '; UTF-8 with a BOM
    write_atomic(path, csv_bytes(frame))  # type: ignore[arg-type]
    print(f"{len(frame)} rows written to {path}", file=sys.stderr)  # type: ignore[arg-type]


def _cmd_segment(args: argparse.Namespace) -> int:
    from casekit.analysis.segments import segment_account_managers, segment_mix
    from casekit.curriculum import load_outlines
    from casekit.intake import load_bundle

    bundle = load_bundle(args.bundle)
    report = segment_account_managers(bundle, args.k, random_state=args.seed, k_max=args.k_max,
                                      outline=load_outlines()["account_manager"])
    scores = report.k_scores[["k", "silhouette", "gap", "gap_se"]].round(3)
    print(report.message)
    print()
    print(scores.to_string(index=False, na_rep="-"))
    for persona in report.personas:
        print()
        print(persona.description)
    if report.clear:
        mix = segment_mix(report, bundle.manifest)
        wide = mix.pivot_table(index="group_name", columns="segment", values="count", aggfunc="sum",
                               sort=False)
        wide.columns = [f"第{c}类" for c in wide.columns]
        print()
        print(wide.to_string())
    out = args.out or paths.bundle_output_dir(bundle.manifest.bundle, internal=True) / "segments.csv"
    _write_csv(out, report.assignments)
    return EXIT_OK


def _segment_labels(bundle: object, seed: int) -> object:
    """Respondent id → ``第n类“…”`` for ``--by segment``; None (after saying why) when unclear."""
    from casekit.analysis.segments import segment_account_managers

    report = segment_account_managers(bundle, random_state=seed)
    if not report.clear:
        print(report.message, file=sys.stderr)
        return None
    return report.segment_labels()


def _show(frame: object, out: Path | None) -> None:
    """Print a consultant-facing table, or write it as CSV with ``--csv``."""
    if out is not None:
        _write_csv(out, frame)
        return
    print(frame.round(3).to_string(index=False, na_rep="-"))  # type: ignore[attr-defined]


def _cmd_gaps(args: argparse.Namespace) -> int:
    from casekit.analysis.gaps import gap_table
    from casekit.intake import load_bundle

    table = gap_table(load_bundle(args.bundle), by=args.by, population=args.population, min_n=args.min_n)
    _show(table, args.csv)
    return EXIT_OK


def _cmd_linkage(args: argparse.Namespace) -> int:
    from casekit.analysis.features import account_manager_features
    from casekit.analysis.linkage import performance_linkage, visit_outcome_linkage
    from casekit.intake import load_bundle

    bundle = load_bundle(args.bundle)
    table = (visit_outcome_linkage(bundle) if args.visits
             else performance_linkage(account_manager_features(bundle)))
    if args.csv is None:
        for sentence in table.loc[table["ci_low"].notna(), "sentence"].head(args.top):
            print(sentence)
        print()
    _show(table, args.csv)
    return EXIT_OK


def _cmd_ride_alongs(args: argparse.Namespace) -> int:
    from casekit.analysis.visits import (
        time_allocation,
        time_use_sentences,
        visit_profile,
    )
    from casekit.intake import load_bundle

    bundle = load_bundle(args.bundle)
    segments = None
    if args.by == "segment":
        segments = _segment_labels(bundle, args.seed)
        if segments is None:
            return EXIT_PROBLEMS
    if args.view == "time":
        table = time_allocation(bundle, by=args.by, segments=segments, min_n=args.min_n)
        if args.csv is None:
            print("\n".join(time_use_sentences(table)))
            print()
    else:
        table = getattr(visit_profile(bundle, by=args.by, segments=segments, min_n=args.min_n), args.view)
    _show(table, args.csv)
    return EXIT_OK


def _cmd_review360(args: argparse.Namespace) -> int:
    from casekit.analysis.reviews_360 import (
        manager_review,
        review_summary,
        self_other_gap,
    )
    from casekit.intake import load_bundle

    bundle = load_bundle(args.bundle)
    if args.managers:
        table = self_other_gap(bundle, min_raters=args.min_raters) if args.gap \
            else manager_review(bundle, min_raters=args.min_raters)
    else:
        region = bundle.manifest.require(args.region) if args.region else None
        table = review_summary(bundle, region, min_raters=args.min_raters)
    _show(table, args.csv)
    return EXIT_OK


def _cmd_redact(args: argparse.Namespace) -> int:
    from casekit.exceptions import BundleNotFoundError
    from casekit.intake.redaction import (
        KIND_LABELS,
        Redactor,
        read_document,
        write_redacted,
    )

    readable = (".md", ".markdown", ".txt", ".docx")
    problems = []
    for path in args.files:
        if not path.is_file():
            problems.append(f"{path}: no such file")
        elif path.suffix.lower() == ".doc":
            problems.append(f"{path}: a .doc file; save it as .docx (Word: 另存为 → Word 文档) and redact that")
        elif path.suffix.lower() not in readable:
            problems.append(f"{path}: not a note casekit reads ({', '.join(readable)})")
        elif args.out is not None and (args.out / path.name).resolve() == path.resolve():
            problems.append(f"{path}: --out would overwrite the original; choose another folder")
    if problems:
        print("casekit redact: nothing redacted:\n" + "\n".join(f"  - {p}" for p in problems), file=sys.stderr)
        return EXIT_PROBLEMS
    if args.bundle is not None:
        if not (args.bundle / "manifest.yaml").is_file():
            raise BundleNotFoundError(f"{args.bundle} is not a research bundle (no manifest.yaml)")
        redactor = Redactor.from_bundle(args.bundle)
    else:
        redactor = Redactor()
    failed = 0
    for path in args.files:
        try:
            if args.out is not None:
                target, result = write_redacted(path, args.out, redactor)
            else:
                result = redactor.redact(read_document(path))
        except (OSError, UnicodeDecodeError, ValueError) as exc:  # unreadable file, broken .docx
            print(f"casekit redact: {path}: cannot read it ({exc})", file=sys.stderr)
            failed += 1
            continue
        if args.out is None:
            if len(args.files) > 1:
                print(f"==> {path} <==")
            print(result.text, end="" if result.text.endswith("\n") else "\n")
        sys.stdout.flush()
        counts = "、".join(f"{KIND_LABELS[k]} {n}" for k, n in result.counts().items())
        where = f" → {target}" if args.out is not None else ""
        print(f"{path.name}：替换 {len(result.findings)} 处{f'（{counts}）' if counts else ''}{where}", file=sys.stderr)
        if args.findings:
            for f in result.findings:
                print(f"  {f.start}-{f.end}\t{KIND_LABELS[f.kind]}\t{f.original}\t→ {f.replacement}\t{f.confidence:.2f}",
                      file=sys.stderr)
    if args.bundle is not None:
        new = redactor.unsaved
        saved = redactor.save()
        if saved is not None:
            print(f"{new} new pseudonym(s) added to {saved}", file=sys.stderr)
    return EXIT_PROBLEMS if failed else EXIT_OK


def _notes(bundle_path: Path) -> object:
    from casekit.analysis.notes_analysis import analyse_notes
    from casekit.intake import load_bundle

    return analyse_notes(load_bundle(bundle_path))


def _cmd_codes(args: argparse.Namespace) -> int:
    notes = _notes(args.bundle)
    if args.frame:
        table = notes.bundle.code_frame.table()  # type: ignore[attr-defined]
    elif args.cooccurrence:
        from casekit.analysis.coding import co_occurrence

        table = co_occurrence(notes.coded, level="note", frame=notes.bundle.code_frame)  # type: ignore[attr-defined]
        table = table[(table["code_a"] < table["code_b"]) & (table["n_both"] > 0)]
        table = table.sort_values(["n_both", "code_a", "code_b"], ascending=[False, True, True])
    elif args.by == "segment":
        segments = _segment_labels(notes.bundle, args.seed)  # type: ignore[attr-defined]
        if segments is None:
            return EXIT_PROBLEMS
        table = notes.segment_frequencies(segments, min_n=args.min_n)  # type: ignore[attr-defined]
    else:
        table = notes.frequencies(by=args.by, min_n=args.min_n)  # type: ignore[attr-defined]
    _show(table, args.csv)
    return EXIT_OK


def _cmd_quotes(args: argparse.Namespace) -> int:
    notes = _notes(args.bundle)
    table = notes.quotes(code=args.code, region=args.region, industry=args.industry,  # type: ignore[attr-defined]
                         product=args.product, population=args.population, text=args.text,
                         limit=args.limit)
    if args.csv is not None:
        _write_csv(args.csv, table)
        return EXIT_OK
    if table.empty:
        print("没有找到符合条件的引语", file=sys.stderr)
    for row in table.itertuples(index=False):
        print(f"〔{row.segment_id}〕{row.quote}")
    return EXIT_OK


def _cmd_keywords(args: argparse.Namespace) -> int:
    notes = _notes(args.bundle)
    if args.themes:
        table = notes.themes(by=args.by)  # type: ignore[attr-defined]
    else:
        table = notes.keywords(by=args.by)  # type: ignore[attr-defined]
        table = table.groupby(args.by, sort=False).head(args.top)
    _show(table, args.csv)
    return EXIT_OK


def _cmd_toolbox(args: argparse.Namespace) -> int:
    from casekit.authoring.toolbox import (
        build_toolbox,
        write_toolbox_docx,
        write_toolbox_xlsx,
    )
    from casekit.file_ids import check_file_id
    from casekit.intake import load_bundle

    bundle = load_bundle(args.bundle)
    check_file_id(bundle.manifest.bundle, "bundle name")
    regions = args.regions or list(bundle.manifest.top_level_ids())
    for region in bundle.manifest.region_index.require_all(regions):  # every bad name at once, before writing
        toolbox = build_toolbox(bundle, region)
        top = bundle.manifest.top_of(bundle.manifest.require(region))
        # beside the region reports, not inside a region's folder (a build replaces those whole)
        folder = paths.bundle_output_dir(bundle.manifest.bundle, args.out) / "toolbox"
        for suffix, write in ((".xlsx", write_toolbox_xlsx), (".docx", write_toolbox_docx)):
            target = folder / f"{check_file_id(top, 'region id')}{suffix}"
            write(toolbox, target, force=args.force)
            print(f"{bundle.manifest.name(top)}：{target}")
        for finding in toolbox.jargon.itertuples(index=False):
            print(f"  请改写（技术术语“{finding[3]}”）：{finding[0]} {finding[1]} {finding[2]}", file=sys.stderr)
    return EXIT_OK


def _cmd_outline_interview(args: argparse.Namespace) -> int:
    from casekit.authoring.interview_outline import draft_interview_outline
    from casekit.domain import POPULATIONS, lookup
    from casekit.intake import load_bundle

    bundle = load_bundle(args.bundle)
    population = lookup(POPULATIONS, args.population)
    if population is None:
        print(f"casekit outline-interview: unknown population {args.population!r}; expected one of "
              f"{', '.join(POPULATIONS)}", file=sys.stderr)
        return EXIT_USAGE
    segments = None
    if population == "account_manager":
        from casekit.analysis.segments import segment_account_managers

        segments = segment_account_managers(bundle)
    outline = draft_interview_outline(bundle, args.region, population, minutes=args.minutes,
                                      n_dimensions=args.dimensions, segments=segments)
    text = outline.to_markdown()
    if args.out is None:
        print(text)
        return EXIT_OK
    from casekit.safe_save import save_editable

    save_editable(args.out, text, force=args.force)  # a draft the consultant goes on editing
    print(f"interview outline written to {args.out}", file=sys.stderr)
    return EXIT_OK


def _cmd_case_draft(args: argparse.Namespace) -> int:
    from casekit.authoring.case_draft import draft_case
    from casekit.authoring.cases import case_to_markdown, save_case
    from casekit.authoring.roleplays import draft_roleplay
    from casekit.exceptions import FileIdError
    from casekit.file_ids import check_file_id
    from casekit.intake import load_bundle

    if args.id is not None:
        try:
            check_file_id(args.id, "case id")
        except FileIdError as exc:
            print(f"casekit case draft: --id: {exc}", file=sys.stderr)
            return EXIT_USAGE
    bundle = load_bundle(args.bundle)
    case = draft_case(bundle, args.note, case_id=args.id)
    drafts = [case] + ([draft_roleplay(case, bundle=bundle)] if args.roleplay else [])
    for draft in drafts:
        if args.save:
            saved = save_case(bundle, draft, force=args.force)
            kept = f" (the edited file was kept as {saved.backup})" if saved.backup else ""
            print(f"draft written to {saved.path}{kept}", file=sys.stderr)
        else:
            print(case_to_markdown(draft))
    return EXIT_OK


def _cmd_case_list(args: argparse.Namespace) -> int:
    from casekit.authoring.library import case_library, filter_library, library_problems
    from casekit.intake import load_bundle

    library = case_library(load_bundle(args.bundle))
    for problem in library_problems(library):
        print(f"  {problem}", file=sys.stderr)
    shown = filter_library(library, industry=args.industry, product=args.product, funnel_stage=args.stage,
                           region=args.region, outcome=args.outcome, module=args.module, kind=args.kind,
                           status=args.status)
    if shown.empty:
        print("没有符合条件的案例", file=sys.stderr)
        return EXIT_OK
    columns = [c for c in ("id", "kind", "title", "region_name", "industry_label", "funnel_stage_label",
                           "outcome_label", "status") if c in shown.columns]
    _show(shown[columns] if args.csv is None else shown, args.csv)
    return EXIT_OK


def _cmd_case_book(args: argparse.Namespace) -> int:
    from casekit.authoring.case_book import (
        case_book_markdown,
        select_for_course,
        write_case_book_docx,
    )
    from casekit.authoring.library import case_library, filter_library
    from casekit.domain import POPULATIONS, lookup
    from casekit.intake import load_bundle
    from casekit.safe_save import save_editable

    bundle = load_bundle(args.bundle)
    population = lookup(POPULATIONS, args.population)
    if population is None:
        print(f"casekit case book: unknown population {args.population!r}", file=sys.stderr)
        return EXIT_USAGE
    library = case_library(bundle)
    if args.reviewed_only:
        library = filter_library(library, status="reviewed")
    chosen = select_for_course(library, population)
    if chosen.empty:
        print("没有可编入案例集的案例（cases/ 中没有该岗位课程模块的案例）", file=sys.stderr)
        return EXIT_PROBLEMS
    title = args.title or f"{bundle.manifest.client} {POPULATIONS[population].label}培训案例集"
    if args.out.suffix.lower() == ".docx":
        write_case_book_docx(chosen, args.out, title=title, trainer=args.trainer, client=bundle.manifest.client,
                             force=args.force)
    else:
        text = case_book_markdown(chosen, title=title, client=bundle.manifest.client,
                                  include_teaching_notes=args.trainer)
        save_editable(args.out, text, force=args.force)
    print(f"{len(chosen)} cases and role-plays written to {args.out}", file=sys.stderr)
    return EXIT_OK


def _output_file(option: str) -> Callable[[str], Path]:
    """An argparse ``type`` for an output file: its extension must be one ``option`` writes.

    The formats are declared once, in :data:`casekit.output_formats.OUTPUT_FORMATS`; a name
    with another extension is a usage error (exit 2) before anything is read or written.
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


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``casekit`` command.

    Returns
    -------
    argparse.ArgumentParser
        Parser with the subcommands ``sample``, ``validate``, ``build``, ``codebook draft``,
        ``survey``, ``segment``, ``gaps``, ``linkage``, ``ride-alongs``, ``review360``,
        ``redact``, ``codes``, ``quotes``, ``keywords``, ``toolbox``, ``outline-interview`` and
        ``case draft|list|book``.
    """
    parser = argparse.ArgumentParser(
        prog="casekit",
        description="Research and case-authoring workbench for telecom sales-training consultants.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("sample", help="regenerate the sample research bundle")
    p.add_argument("--out", type=Path, default=paths.SAMPLE_OUT,
                   help="target folder (default: %(default)s, in the working directory)")
    p.add_argument("--seed", type=int, default=2008, help="random seed (default: %(default)s)")
    p.add_argument("--force", action="store_true", help="write into --out even if it is not a generated sample, and regenerate edited sample files (kept beside as _<name>.bak-<time>); other files are never touched")
    p.set_defaults(func=_cmd_sample)

    p = sub.add_parser("validate", help="check a research bundle and report every problem")
    p.add_argument("bundle", type=Path, help="bundle folder (holds manifest.yaml)")
    p.add_argument("--csv", type=_output_file("validate --csv"), help="also write the problems as a CSV table")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("build", help="build every region's report of a bundle")
    p.add_argument("bundle", type=Path, help="bundle folder (holds manifest.yaml)")
    p.add_argument("--regions", nargs="+", metavar="REGION", help="region ids or names (default: all top-level regions)")
    p.add_argument("--out", type=Path, default=paths.REPORTS,
                   help="reports folder (default: %(default)s, in the working directory)")
    p.add_argument("--quiet", action="store_true", help="no progress display")
    p.set_defaults(func=_cmd_build)

    from casekit.surveys import PLATFORMS as platforms  # the one platform list (survey-reader registry)
    p = sub.add_parser("codebook", help="standalone codebooks for questionnaire exports")
    codebook_sub = p.add_subparsers(dest="codebook_command", required=True, metavar="ACTION")
    d = codebook_sub.add_parser("draft", help="draft a codebook (YAML) from a questionnaire export")
    d.add_argument("export", type=Path, help="the export as downloaded (.csv, .xlsx, .sav, .zip)")
    d.add_argument("--platform", choices=platforms, help="force the export's platform (default: detected)")
    d.add_argument("--out", type=_output_file("codebook draft --out"), help="write the draft to this file (default: print it)")
    d.add_argument("--force", action="store_true", help="replace --out if it exists")
    d.add_argument("--bundle", type=Path,
                   help="a research bundle: the column holding the staff codes its ride-alongs and 360° reviews use becomes the respondent id")
    d.set_defaults(func=_cmd_codebook_draft)

    p = sub.add_parser("survey", help="reliability of a questionnaire's scales (n, mean, sd, alpha), group differences")
    p.add_argument("export", type=Path, help="the export as downloaded (.csv, .xlsx, .sav, .zip)")
    p.add_argument("--codebook", type=Path, required=True, help="standalone codebook (YAML)")
    p.add_argument("--by", metavar="COLUMN", help="group by a codebook columns: name (region, population) or a header")
    p.add_argument("--platform", choices=platforms,
                   help="force the export's platform (default: the codebook's platform:, else detected)")
    p.add_argument("--out", type=_output_file("survey --out"),
                   help="write the table as CSV (UTF-8 with BOM, for Excel), with --by also <stem>_groups.csv (default: print them)")
    p.add_argument("--crosstabs", action="store_true",
                   help="with --by: also test the closed questions that are not scale items against the groups")
    p.set_defaults(func=_cmd_survey)

    p = sub.add_parser("segment", help="behaviour types of account managers: segments, personas, person → segment table")
    p.add_argument("bundle", type=Path, help="bundle folder (holds manifest.yaml)")
    p.add_argument("--k", type=int, help="number of segments (default: chosen from the data)")
    p.add_argument("--k-max", type=int, default=8, help="largest k tried (default: %(default)s)")
    p.add_argument("--seed", type=int, default=2008, help="random seed (default: %(default)s)")
    p.add_argument("--out", type=_output_file("segment --out"),
                   help="person → segment CSV (default: internal/<bundle>/segments.csv; consultant-only, it names staff codes)")
    p.set_defaults(func=_cmd_segment)

    from casekit.domain import MIN_CELL_SIZE

    p = sub.add_parser("gaps", help="skill gaps against the competency model, with 95%% CIs and small cells suppressed")
    p.add_argument("bundle", type=Path, help="bundle folder (holds manifest.yaml)")
    p.add_argument("--by", choices=("top_region", "city", "all"), default="top_region", help="grouping (default: %(default)s)")
    p.add_argument("--population", help="one population id or label (default: all)")
    p.add_argument("--min-n", type=int, default=MIN_CELL_SIZE, help="smallest group shown (default: %(default)s)")
    p.add_argument("--csv", type=_output_file("gaps --csv"), help="write the table as CSV instead of printing it")
    p.set_defaults(func=_cmd_gaps)

    p = sub.add_parser("linkage", help="how dimensions and behaviours relate to sales results (association, not cause)")
    p.add_argument("bundle", type=Path, help="bundle folder (holds manifest.yaml)")
    p.add_argument("--visits", action="store_true", help="behaviour on a visit vs the visit's outcome, instead of people vs performance")
    p.add_argument("--top", type=int, default=5, help="sentences printed above the table (default: %(default)s)")
    p.add_argument("--csv", type=_output_file("linkage --csv"), help="write the table as CSV instead of printing it")
    p.set_defaults(func=_cmd_linkage)

    p = sub.add_parser("ride-alongs", help="where account managers' time goes and what they do on visits")
    p.add_argument("bundle", type=Path, help="bundle folder (holds manifest.yaml)")
    p.add_argument("--view", choices=("time", "questions", "funnel", "behaviours", "outcomes"), default="time",
                   help="what to show (default: %(default)s)")
    p.add_argument("--by", choices=("top_region", "city", "segment", "all"), default="top_region",
                   help="grouping; segment runs the segmentation first (default: %(default)s)")
    p.add_argument("--seed", type=int, default=2008, help="segmentation seed with --by segment (default: %(default)s)")
    p.add_argument("--min-n", type=int, default=MIN_CELL_SIZE, help="fewest account managers in a group shown (default: %(default)s)")
    p.add_argument("--csv", type=_output_file("ride-alongs --csv"), help="write the table as CSV instead of printing it")
    p.set_defaults(func=_cmd_ride_alongs)

    p = sub.add_parser("review360", help="360° reviews of sales managers: by rater group, self vs others")
    p.add_argument("bundle", type=Path, help="bundle folder (holds manifest.yaml)")
    p.add_argument("--region", help="summary of one region's managers (default: all regions)")
    p.add_argument("--managers", action="store_true", help="per manager (consultant-only) instead of the summary")
    p.add_argument("--gap", action="store_true", help="with --managers: self vs others per manager and dimension")
    p.add_argument("--min-raters", type=int, default=3, help="fewest raters in a group shown (default: %(default)s)")
    p.add_argument("--csv", type=_output_file("review360 --csv"), help="write the table as CSV instead of printing it")
    p.set_defaults(func=_cmd_review360)

    p = sub.add_parser("redact", help="replace names, companies and phone/ID numbers in notes with pseudonyms")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="notes (.md, .txt, .docx)")
    p.add_argument("--out", type=Path, help="write each redacted note into this folder (default: print them)")
    p.add_argument("--bundle", type=Path,
                   help="use this bundle's _private/roster.csv and pseudonyms, and add new pseudonyms to it")
    p.add_argument("--findings", action="store_true",
                   help="also list what was replaced (originals included: consultant-only)")
    p.set_defaults(func=_cmd_redact)

    p = sub.add_parser("codes", help="interview-note codes: frequencies per group, co-occurrence, or the code frame")
    p.add_argument("bundle", type=Path, help="bundle folder (holds manifest.yaml)")
    p.add_argument("--by", default="top_region_id",
                   help="group by top_region_id, region_id, population, method, or segment (the account "
                        "managers' behaviour types, via the interviewee's staff code) (default: %(default)s)")
    p.add_argument("--seed", type=int, default=2008, help="segmentation seed with --by segment (default: %(default)s)")
    p.add_argument("--min-n", type=int, default=MIN_CELL_SIZE, help="fewest interviewees behind a count shown (default: %(default)s)")
    p.add_argument("--cooccurrence", action="store_true", help="codes found together in the same note")
    p.add_argument("--frame", action="store_true", help="list the code frame (codes, groups, keyword rules)")
    p.add_argument("--csv", type=_output_file("codes --csv"), help="write the table as CSV instead of printing it")
    p.set_defaults(func=_cmd_codes)

    p = sub.add_parser("quotes", help="redacted quotes from the interview notes, by code, region, industry or product")
    p.add_argument("bundle", type=Path, help="bundle folder (holds manifest.yaml)")
    p.add_argument("--code", help="a code id or label (casekit codes BUNDLE --frame lists them)")
    p.add_argument("--region", help="region id or name")
    p.add_argument("--industry", help="industry id or label (酒店, 医院 …)")
    p.add_argument("--product", help="product: canonical or local name (商务领航, 视频看店 …)")
    p.add_argument("--population", help="population id or label")
    p.add_argument("--text", help="words the quote must contain")
    p.add_argument("--limit", type=int, help="at most this many quotes")
    p.add_argument("--csv", type=_output_file("quotes --csv"), help="write the quotes and their provenance as CSV")
    p.set_defaults(func=_cmd_quotes)

    p = sub.add_parser("keywords", help="words (or, with --themes, codes) distinctive of each region against the others")
    p.add_argument("bundle", type=Path, help="bundle folder (holds manifest.yaml)")
    p.add_argument("--by", default="top_region_id", help="group column (default: %(default)s)")
    p.add_argument("--themes", action="store_true", help="codes over-represented per group instead of words")
    p.add_argument("--top", type=int, default=10, help="words per group (default: %(default)s)")
    p.add_argument("--csv", type=_output_file("keywords --csv"), help="write the table as CSV instead of printing it")
    p.set_defaults(func=_cmd_keywords)

    p = sub.add_parser("toolbox", help="each region's sales toolbox (cross tables, target customer model, customer tables) as XLSX and DOCX")
    p.add_argument("bundle", type=Path, help="bundle folder (holds manifest.yaml)")
    p.add_argument("--regions", nargs="+", metavar="REGION", help="region ids or names (default: all top-level regions)")
    p.add_argument("--out", type=Path, help="reports folder (default: reports/); files go to <out>/<bundle>/toolbox/<region>.xlsx|.docx")
    p.add_argument("--force", action="store_true", help="replace a file edited since casekit wrote it (the old one is kept beside it as _<name>.bak-<time>)")
    p.set_defaults(func=_cmd_toolbox)

    p = sub.add_parser("outline-interview", help="draft a region's one-on-one interview outline (访谈大纲) from the survey results")
    p.add_argument("bundle", type=Path, help="bundle folder (holds manifest.yaml)")
    p.add_argument("--region", required=True, help="region id or name")
    p.add_argument("--population", default="account_manager", help="population id or label (default: %(default)s)")
    p.add_argument("--minutes", type=int, default=60, help="interview length (default: %(default)s)")
    p.add_argument("--dimensions", type=int, default=3, help="weakest dimensions probed (default: %(default)s)")
    p.add_argument("--out", type=_output_file("outline-interview --out"), help="write the Markdown to this file (default: print it)")
    p.add_argument("--force", action="store_true", help="replace a file edited since casekit wrote it (the old one is kept beside it as _<name>.bak-<time>)")
    p.set_defaults(func=_cmd_outline_interview)

    p = sub.add_parser("case", help="teaching cases and role-plays: draft from a note, list the library, export a case book")
    case_sub = p.add_subparsers(dest="case_command", required=True, metavar="ACTION")
    d = case_sub.add_parser("draft", help="draft a case (and a role-play) from a redacted, coded interview note")
    d.add_argument("bundle", type=Path, help="bundle folder (holds manifest.yaml)")
    d.add_argument("note", help="note id, e.g. N002")
    d.add_argument("--id", help="case id, the file name in cases/ (letters, digits, _ - .; default: C + the note's number)")
    d.add_argument("--roleplay", action="store_true", help="also draft a role-play from the case")
    d.add_argument("--save", action="store_true", help="write the drafts to the bundle's cases/ (default: print them)")
    d.add_argument("--force", action="store_true", help="replace a file edited since casekit wrote it (the old one is kept beside it as _<name>.bak-<time>)")
    d.set_defaults(func=_cmd_case_draft)
    d = case_sub.add_parser("list", help="the bundle's case library, filtered")
    d.add_argument("bundle", type=Path, help="bundle folder (holds manifest.yaml)")
    for flag, what in (("--industry", "industry id or label"), ("--product", "local or canonical product"),
                       ("--stage", "funnel stage id or label"), ("--region", "region id or name"),
                       ("--outcome", "success/failure (成功/失败)"), ("--module", "course module id or title"),
                       ("--kind", "case or roleplay"), ("--status", "draft or reviewed")):
        d.add_argument(flag, help=what)
    d.add_argument("--csv", type=_output_file("case list --csv"), help="write the whole index as CSV")
    d.set_defaults(func=_cmd_case_list)
    d = case_sub.add_parser("book", help="export the case book of a course as DOCX or Markdown")
    d.add_argument("bundle", type=Path, help="bundle folder (holds manifest.yaml)")
    d.add_argument("--population", default="account_manager", help="whose course (default: %(default)s)")
    d.add_argument("--out", type=_output_file("case book --out"), required=True, help="book.docx or book.md (the extension chooses the format)")
    d.add_argument("--force", action="store_true", help="replace a file edited since casekit wrote it (the old one is kept beside it as _<name>.bak-<time>)")
    d.add_argument("--trainer", action="store_true", help="trainer edition: with outcomes, teaching notes and sources")
    d.add_argument("--reviewed-only", action="store_true", help="leave out cases still marked draft")
    d.add_argument("--title", help="book title (default: client + audience)")
    d.set_defaults(func=_cmd_case_book)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``casekit`` command line.

    Errors casekit raises on purpose are printed as one message (exit 1). Ctrl-C prints one line
    and exits 130; what was written before stays, nothing is left half-written (every output
    goes through a temporary file or folder and a rename). When standard output is closed early
    (``casekit segment … | head``) the command stops quietly with exit code 141, the status of
    a program stopped by SIGPIPE, as ``cat`` or ``yes`` would.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        The process exit code.
    """
    command = "casekit"
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        command = f"casekit {args.command}"
        try:
            code = int(args.func(args))
        except CasekitError as exc:
            print(f"{command}: {exc}", file=sys.stderr)
            code = EXIT_PROBLEMS
        sys.stdout.flush()  # a closed pipe shows here, not as a traceback at interpreter exit
        return code
    except KeyboardInterrupt:
        print(f"{command}: interrupted; what was already written is kept, nothing is left half-written",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_BROKEN_PIPE


def _discard_stdout() -> None:
    """Point standard output at the null device, so flushing it at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # pragma: no cover - stdout is not a real file (embedded use)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
