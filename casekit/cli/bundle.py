"""``casekit sample``, ``validate``, ``build`` and ``demo``: a research bundle as a whole."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from casekit import paths
from casekit.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    AddParser,
    bundle_parent,
    csv_parent,
    force_parent,
    regions_parent,
    seed_parent,
    write_csv,
)
from casekit.exceptions import BundleValidationError

__all__ = ["SAMPLE_SCENARIOS", "VALIDATE_PER_KIND", "register"]

#: ``casekit sample --scenario``: the ids of ``casekit.sample.SCENARIOS`` with their help, listed
#: here so that building the parser does not import the generator (numpy); a test keeps the two equal.
SAMPLE_SCENARIOS: dict[str, str] = {
    "sample": "the realistic sample (样例: behaviour types, five regional weaknesses)",
    "null": "no regional difference and no types (无差异对照: one general factor, dimensions correlating ≈ .6)",
    "planted": "four strong known regional weaknesses and nothing else regional (已知弱项, listed in _ground_truth.yaml)",
}

#: Problems of one kind (same file, column and expectation) that ``casekit validate`` prints.
VALIDATE_PER_KIND = 20


def _cmd_sample(args: argparse.Namespace) -> int:
    from casekit.sample import generate_sample

    out = args.out
    if out is None:  # never the sample's folder for another scenario
        out = paths.SAMPLE_OUT if args.scenario == "sample" else paths.SAMPLE_OUT.with_name(f"sample-{args.scenario}")
    out = generate_sample(out, seed=args.seed, force=args.force, scenario=args.scenario)
    print(f"{args.scenario} bundle written to {out} (seed {args.seed})")
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    from casekit.authoring.cases import case_problems
    from casekit.intake.bundle import check_bundle
    from casekit.intake.followup import followup_summary

    checked = check_bundle(args.bundle)
    problems = checked.problems + case_problems(args.bundle)  # cases/ too
    if args.csv:  # written every time, header only when clean: a stale problems table never stays
        write_csv(args.csv, BundleValidationError(problems).to_frame())
    if checked.followup is not None:  # the follow-up's links: how many trainees each wave found
        summary = followup_summary(checked.followup)
        if problems:
            summary.append("（以上数字按目前能读出的数据计算，修正下列问题后会变化。）")
        print("\n".join(summary))
    if not problems:
        print(f"{args.bundle}: OK, no problems found")
        if checked.respondents == 0:  # a new engagement's skeleton: valid, but nothing to report yet
            print(f"注意：问卷还没有答卷（survey/ 里只有表头）。把问卷导出放进 {args.bundle}/survey/ 后再检查；"
                  "在此之前 casekit build 不会生成调研报告。")
        return EXIT_OK
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


def _cmd_build(args: argparse.Namespace) -> int:
    clash = [name for name, given in (("--workers", args.workers), ("--jobs", args.jobs)) if given is not None]
    if args.scheduler is not None and clash:
        print(f"casekit build: --scheduler renders on that cluster's workers; {' and '.join(clash)} cannot be "
              "used with it (start as many workers as you want on the cluster)", file=sys.stderr)
        return EXIT_USAGE
    if args.workers is not None and args.jobs is not None:
        print("casekit build: --workers starts a local Dask cluster of that many workers, --jobs a pool of that "
              "many kernels: give one of them", file=sys.stderr)
        return EXIT_USAGE
    if args.watch:
        if args.scheduler is not None or args.workers is not None:
            print("casekit build: --watch keeps local kernels warm; it cannot be used with --scheduler or --workers",
                  file=sys.stderr)
            return EXIT_USAGE
        return _watch(args)
    if not args.force:  # nothing changed: say so without loading pandas, Jupyter or the bundle
        quick = _up_to_date(args)
        if quick is not None:
            out_dir, regions = quick
            print(f"up to date, nothing to rebuild: {', '.join(regions) or '-'}")
            print(f"open {(out_dir / 'index.html').resolve()}")
            return EXIT_OK
    from casekit.reports import build_reports

    result = build_reports(
        args.bundle,
        regions=args.regions or None,
        out=args.out,
        progress=not args.quiet,
        formats=args.formats,
        force=args.force,
        report=args.report,
        jobs=args.jobs,
        scheduler=args.scheduler,
        workers=args.workers,
    )
    _print_result(result)
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def _cmd_demo(args: argparse.Namespace) -> int:
    """``casekit demo``: the sample bundle (written when absent) and every report of it."""
    from casekit.reports import build_reports

    bundle = Path(args.bundle)
    if (bundle / "manifest.yaml").is_file():
        print(f"使用已有的样例资料包：{bundle}")
    else:  # refuses a folder that holds something else (generate_sample never overwrites it)
        from casekit.sample import generate_sample

        generate_sample(bundle, seed=args.seed)
        print(f"已生成样例资料包：{bundle}（随机种子 {args.seed}）")
    ok = True
    for report in ("research", "followup"):
        if report == "followup" and not (bundle / "followup").is_dir():
            continue
        result = build_reports(bundle, out=args.out, progress=not args.quiet, report=report)
        _print_result(result)
        ok = ok and result.ok
    return EXIT_OK if ok else EXIT_PROBLEMS


def _print_result(result: Any) -> None:
    for region in result.built:
        print(f"built   {region}")
    if result.skipped:
        print(f"up to date, not rebuilt: {', '.join(result.skipped)}")
    if len(result.formats) > 1:
        from casekit.reports.index import FORMAT_FILES

        files = ", ".join(FORMAT_FILES[f][0] for f in result.formats if f in FORMAT_FILES)
        print(f"each built region has: {files}")
    for region, why in result.failed.items():
        print(f"FAILED  {region}: {why}", file=sys.stderr)
    print(f"open {result.index_path.resolve()}", flush=True)


def _watch(args: argparse.Namespace) -> int:
    """``casekit build --watch``: build, then rebuild on every change of the bundle until Ctrl-C."""
    from casekit.reports.watch import watch_reports

    def failed(exc: Exception) -> None:
        print(f"casekit build: {exc}", file=sys.stderr)
        print("casekit build: fix it and save; the build runs again on the next change", file=sys.stderr, flush=True)

    def waiting() -> None:
        print(f"watching {Path(args.bundle).resolve()} for changes (Ctrl-C stops)", flush=True)

    try:
        watch_reports(
            args.bundle, regions=args.regions or None, out=args.out, progress=not args.quiet,
            formats=args.formats, force=args.force, report=args.report, jobs=args.jobs,
            on_result=_print_result, on_error=failed, on_wait=waiting,
        )
    except KeyboardInterrupt:
        print("stopped watching", flush=True)
    return EXIT_OK


def _up_to_date(args: argparse.Namespace) -> tuple[Path, list[str]] | None:
    """The quick check of :func:`casekit.reports.build_state.up_to_date` for this command line."""
    from casekit.exceptions import ReportFormatError
    from casekit.reports.build_state import notebook_path_parameter, parse_formats, up_to_date

    try:
        formats = parse_formats(args.formats)
    except ReportFormatError:
        return None  # the full build names the unknown format
    from casekit.reports.report_kinds import report_kind

    kind = report_kind(args.report)
    notebook = kind.notebook.resolve()
    bundle = Path(args.bundle).resolve()
    return up_to_date(bundle, args.regions or None, args.out, notebook, formats,
                      {"bundle_path": notebook_path_parameter(bundle)}, kind=kind)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, found {text!r}")
    return value


def register(add_parser: AddParser) -> None:
    """Add ``sample``, ``validate``, ``build`` and ``demo`` to the ``casekit`` parser."""
    p = add_parser("sample", help="regenerate the sample research bundle, or write a null or planted one", parents=[
        seed_parent(),
        force_parent("write into --out even if it is not a generated sample, and regenerate edited sample "
                     "files (kept beside as _<name>.bak-<time>); other files are never touched"),
    ])
    p.add_argument("--out", type=Path, default=None,
                   help=f"target folder (default: {paths.SAMPLE_OUT}, or {paths.SAMPLE_OUT}-<scenario> for "
                   "another scenario, in the working directory)")
    p.add_argument("--scenario", choices=tuple(SAMPLE_SCENARIOS), default="sample",
                   help="what the bundle plants: " + "; ".join(f"{k}: {v}" for k, v in SAMPLE_SCENARIOS.items())
                   + " (default: %(default)s)")
    p.set_defaults(func=_cmd_sample)

    p = add_parser("validate", help="check a research bundle and report every problem", parents=[
        bundle_parent(), csv_parent("validate", "also write the problems as a CSV table"),
    ])
    p.set_defaults(func=_cmd_validate)

    p = add_parser("build", help="build every region's report of a bundle", parents=[
        bundle_parent(), regions_parent(),
        force_parent("rebuild every region, even one that is up to date (by default only regions whose inputs "
                     "changed are rebuilt), and one whose report.docx/slides.pptx/... someone edited, keeping each "
                     "edited file as _<name>.bak-<time> beside the new one"),
    ])
    p.add_argument("--out", type=Path, default=paths.REPORTS,
                   help="reports folder (default: %(default)s, in the working directory)")
    p.add_argument("--formats", default="html", metavar="FORMAT[,FORMAT…]",
                   help="formats of each region's report, comma-separated: html (report.html, always built), "
                   "pdf (report.pdf, needs Chromium: make tools), docx (report.docx), pptx (slides.pptx); "
                   "default: %(default)s")
    p.add_argument("--report", choices=("research", "followup"), default="research",
                   help="which report: research (区域调研报告 of every region, default) or followup "
                   "(培训后跟踪评估报告 of every region that had trainees, from the bundle's followup/ folder, "
                   "into <out>/<bundle>/follow-up/)")
    p.add_argument("--jobs", type=_positive, default=None, metavar="N",
                   help="regions built side by side on this machine, each in its own warm kernel "
                   "(default: one per core)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="render the regions on a running Dask cluster, e.g. tcp://10.0.0.5:8786 (workers need "
                   "casekit and the project folder at the same paths: see docs/cluster.md)")
    p.add_argument("--workers", type=_positive, default=None, metavar="N",
                   help="start a local Dask cluster of N worker processes for this build")
    p.add_argument("--quiet", action="store_true", help="no progress display")
    p.add_argument("--watch", action="store_true",
                   help="after building, keep the kernels warm and rebuild whenever a bundle file changes "
                        "(only what the change touches; Ctrl-C stops)")
    p.set_defaults(func=_cmd_build)

    p = add_parser("demo", help="生成样例调研资料包（已有则直接使用），并建立其全部报告：各地区的调研报告和培训后跟踪评估报告"
                   "（the sample bundle and all its reports, from any folder）", parents=[seed_parent()])
    p.add_argument("--bundle", type=Path, default=paths.SAMPLE_OUT,
                   help="样例资料包的文件夹；不存在时在此生成（默认：工作目录下的 %(default)s）")
    p.add_argument("--out", type=Path, default=paths.REPORTS,
                   help="报告文件夹（默认：工作目录下的 %(default)s）")
    p.add_argument("--quiet", action="store_true", help="不显示进度")
    p.set_defaults(func=_cmd_demo)
