"""``casekit sample``, ``validate``, ``build`` and ``demo``: a research bundle as a whole."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from collections.abc import Callable
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
    quiet_parent,
    regions_parent,
    seed_parent,
    write_csv,
)
from casekit.exceptions import BundleValidationError
from casekit.language import language, tr

__all__ = ["SAMPLE_SCENARIOS", "VALIDATE_PER_KIND", "register"]

#: ``casekit sample --scenario``: the ids of ``casekit.sample.SCENARIOS`` with their help (Chinese,
#: English), listed here so that building the parser does not import the generator (numpy); a test
#: keeps the two equal.
SAMPLE_SCENARIOS: dict[str, tuple[str, str]] = {
    "sample": ("接近真实的样例（有客户经理行为类型，五个地区各有弱项）",
               "the realistic sample (样例: behaviour types, five regional weaknesses)"),
    "null": ("无差异对照（各地区没有差别、没有类型：只有一个共同因素，各维度相关约 0.6）",
             "no regional difference and no types (无差异对照: one general factor, dimensions correlating ≈ .6)"),
    "planted": ("已知弱项（四个明显的地区弱项，此外各地区无差别，列在 _ground_truth.yaml 中）",
                "four strong known regional weaknesses and nothing else regional (已知弱项, listed in "
                "_ground_truth.yaml)"),
}

#: Problems of one kind (same file, column and expectation) that ``casekit validate`` prints.
VALIDATE_PER_KIND = 20


def _cmd_sample(args: argparse.Namespace) -> int:
    from casekit.sample import generate_sample

    out = args.out
    if out is None:  # never the sample's folder for another scenario
        out = paths.SAMPLE_OUT if args.scenario == "sample" else paths.SAMPLE_OUT.with_name(f"sample-{args.scenario}")
    out = generate_sample(out, seed=args.seed, force=args.force, scenario=args.scenario)
    print(tr(f"已写入 {args.scenario} 资料包：{out}（随机数种子 {args.seed}）",
             f"{args.scenario} bundle written to {out} (seed {args.seed})"))
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
        print(f"{args.bundle}: " + tr("检查通过，没有发现问题", "OK, no problems found"))
        from casekit.intake.skeleton import placeholders_left

        for left in placeholders_left(checked.manifest) if checked.manifest is not None else ():
            print(tr(f"注意：{left}。", f"note: {left}."))
        if checked.respondents == 0:  # a new engagement's skeleton: valid, but nothing to report yet
            print(tr(f"注意：问卷还没有答卷（survey/ 里只有表头）。把问卷导出放进 {args.bundle}/survey/ 后再检查；"
                     "在此之前 casekit build 不会生成调研报告。",
                     f"note: nobody has answered the questionnaire yet (survey/ holds headers only). Put the "
                     f"export into {args.bundle}/survey/ and check again; until then casekit build makes no report."))
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
    out = [f"{args.bundle}: " + tr(f"发现 {n} 个问题：", f"{n} problem{'s' if n != 1 else ''} found:")]
    for line in lines:
        if isinstance(line, tuple):
            file, column, expected = line
            more = shown[line] - VALIDATE_PER_KIND
            if language() == "zh":
                where = file + (f"，「{column}」列" if column is not None else "")
                line = (f"  - {where}：……另有 {more:,} 个同类问题（应为{expected}）"
                        + ("" if args.csv else "；加 --csv 文件.csv 可列出全部"))
            else:
                where = file + (f", column {column!r}" if column is not None else "")
                line = (f"  - {where}: … and {more:,} more problem{'s' if more != 1 else ''} of this kind "
                        f"(expected {expected})" + ("" if args.csv else "; --csv FILE lists them all"))
        out.append(line)
    print("\n".join(out), file=sys.stderr)
    return EXIT_PROBLEMS


def _cmd_build(args: argparse.Namespace) -> int:
    clash = [name for name, given in (("--workers", args.workers), ("--jobs", args.jobs)) if given is not None]
    if args.scheduler is not None and clash:
        print("casekit build: " + tr(
            f"--scheduler 在该集群的工作进程上生成报告，不能同时使用 {' 和 '.join(clash)}（需要几个工作进程就在集群上启动几个）",
            f"--scheduler renders on that cluster's workers; {' and '.join(clash)} cannot be "
            "used with it (start as many workers as you want on the cluster)"), file=sys.stderr)
        return EXIT_USAGE
    if args.workers is not None and args.jobs is not None:
        print("casekit build: " + tr(
            "--workers 在本机启动若干个 Dask 工作进程，--jobs 启动若干个内核：两者只能选一个",
            "--workers starts a local Dask cluster of that many workers, --jobs a pool of that "
            "many kernels: give one of them"), file=sys.stderr)
        return EXIT_USAGE
    if args.watch:
        if args.scheduler is not None or args.workers is not None:
            print("casekit build: " + tr("--watch 在本机保持内核待命，不能与 --scheduler 或 --workers 同时使用",
                                         "--watch keeps local kernels warm; it cannot be used with --scheduler or "
                                         "--workers"), file=sys.stderr)
            return EXIT_USAGE
        return _watch(args)
    if not args.force:  # nothing changed: say so without loading pandas, Jupyter or the bundle
        quick = _up_to_date(args)
        if quick is not None:
            out_dir, regions = quick
            names = _namer(args.bundle)
            print(tr(f"报告都是最新的，无需重新生成：{'、'.join(map(names, regions)) or '-'}",
                     f"up to date, nothing to rebuild: {', '.join(regions) or '-'}"))
            print(tr("打开 ", "open ") + str((out_dir / 'index.html').resolve()))
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
    _print_result(result, _namer(args.bundle))
    return EXIT_OK if result.ok else EXIT_PROBLEMS


def _cmd_demo(args: argparse.Namespace) -> int:
    """``casekit demo``: the sample bundle (written when absent) and every report of it."""
    from casekit.reports import build_reports

    bundle = Path(args.bundle)
    if (bundle / "manifest.yaml").is_file():
        print(tr(f"使用已有的样例资料包：{bundle}", f"using the sample bundle already at {bundle}"))
    else:  # refuses a folder that holds something else (generate_sample never overwrites it)
        from casekit.sample import generate_sample

        generate_sample(bundle, seed=args.seed)
        print(tr(f"已生成样例资料包：{bundle}（随机种子 {args.seed}）", f"sample bundle written to {bundle} (seed {args.seed})"))
    ok = True
    for report in ("research", "followup"):
        if report == "followup" and not (bundle / "followup").is_dir():
            continue
        result = build_reports(bundle, out=args.out, progress=not args.quiet, report=report)
        _print_result(result, _namer(bundle))
        ok = ok and result.ok
    return EXIT_OK if ok else EXIT_PROBLEMS


def _namer(bundle: str | Path) -> Callable[[str], str]:
    """Region id → what to print: its name in Chinese, the id in English (CASEKIT_LANG=en)."""
    from casekit.reports.build_state import region_names

    names = region_names(Path(bundle)) if language() == "zh" else {}
    return lambda region: names.get(region, region)


def _print_result(result: Any, name: Callable[[str], str] = str) -> None:
    for region in result.built:
        print(tr(f"已生成  {name(region)}", f"built   {region}"))
    if result.skipped:
        print(tr(f"已是最新，未重新生成：{'、'.join(map(name, result.skipped))}",
                 f"up to date, not rebuilt: {', '.join(result.skipped)}"))
    if len(result.formats) > 1:
        from casekit.reports.index import FORMAT_FILES

        files = [FORMAT_FILES[f][0] for f in result.formats if f in FORMAT_FILES]
        print(tr(f"每个地区都有：{'、'.join(files)}", f"each built region has: {', '.join(files)}"))
    for region, why in result.failed.items():
        print(tr(f"失败    {name(region)}：{why}", f"FAILED  {region}: {why}"), file=sys.stderr)
    print(tr("打开 ", "open ") + str(result.index_path.resolve()), flush=True)


def _watch(args: argparse.Namespace) -> int:
    """``casekit build --watch``: build, then rebuild on every change of the bundle until Ctrl-C."""
    from casekit.reports.watch import watch_reports

    def failed(exc: Exception) -> None:
        print(f"casekit build: {exc}", file=sys.stderr)
        print("casekit build: " + tr("改好后保存即可，下次改动时会重新生成",
                                     "fix it and save; the build runs again on the next change"),
              file=sys.stderr, flush=True)

    def waiting() -> None:
        print(tr(f"正在监视 {Path(args.bundle).resolve()} 的改动（按 Ctrl-C 停止）",
                 f"watching {Path(args.bundle).resolve()} for changes (Ctrl-C stops)"), flush=True)

    try:
        watch_reports(
            args.bundle, regions=args.regions or None, out=args.out, progress=not args.quiet,
            formats=args.formats, force=args.force, report=args.report, jobs=args.jobs,
            on_result=lambda result: _print_result(result, _namer(args.bundle)), on_error=failed, on_wait=waiting,
        )
    except KeyboardInterrupt:
        print(tr("已停止监视", "stopped watching"), flush=True)
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
    message = tr(f"应为不小于 1 的整数，实际为「{text}」", f"expected a whole number >= 1, found {text!r}")
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(message) from None
    if value < 1:
        raise argparse.ArgumentTypeError(message)
    return value


def register(add_parser: AddParser) -> None:
    """Add ``sample``, ``validate``, ``build`` and ``demo`` to the ``casekit`` parser."""
    p = add_parser("sample", help=tr("重新生成样例调研资料包，或生成无差异对照、已知弱项资料包",
                                     "regenerate the sample research bundle, or write a null or planted one"), parents=[
        seed_parent(),
        force_parent(tr("即使 --out 不是生成的样例也写入，并重新生成被改动过的样例文件（旧文件备份在旁边，名为 "
                        "_<文件名>.bak-<时间>）；其他文件从不改动",
                        "write into --out even if it is not a generated sample, and regenerate edited sample "
                        "files (kept beside as _<name>.bak-<time>); other files are never touched")),
    ])
    p.add_argument("--out", type=Path, default=None, metavar=tr("文件夹", "OUT"),
                   help=tr(f"目标文件夹（默认：当前目录下的 {paths.SAMPLE_OUT}，其他情形为 {paths.SAMPLE_OUT}-<情形>）",
                           f"target folder (default: {paths.SAMPLE_OUT}, or {paths.SAMPLE_OUT}-<scenario> for "
                           "another scenario, in the working directory)"))
    p.add_argument("--scenario", choices=tuple(SAMPLE_SCENARIOS), default="sample",
                   help=tr("资料包中设定的情形：" + "；".join(f"{k}：{zh}" for k, (zh, _) in SAMPLE_SCENARIOS.items())
                           + "（默认：%(default)s）",
                           "what the bundle plants: " + "; ".join(f"{k}: {en}" for k, (_, en) in SAMPLE_SCENARIOS.items())
                           + " (default: %(default)s)"))
    p.set_defaults(func=_cmd_sample)

    p = add_parser("validate", help=tr("检查调研资料包，列出全部问题", "check a research bundle and report every problem"),
                   parents=[bundle_parent(), csv_parent("validate", tr("另把问题写成 CSV 表格",
                                                                       "also write the problems as a CSV table"))])
    p.set_defaults(func=_cmd_validate)

    p = add_parser("build", help=tr("生成资料包中每个地区的报告", "build every region's report of a bundle"), parents=[
        bundle_parent(), regions_parent(),
        force_parent(tr("重新生成每个地区，包括已是最新的地区（默认只重新生成输入有改动的地区），以及 report.docx、"
                        "slides.pptx 等被人改动过的地区（改动过的文件备份在新文件旁边，名为 _<文件名>.bak-<时间>）",
                        "rebuild every region, even one that is up to date (by default only regions whose inputs "
                        "changed are rebuilt), and one whose report.docx/slides.pptx/... someone edited, keeping each "
                        "edited file as _<name>.bak-<time> beside the new one")),
        quiet_parent(),
    ])
    p.add_argument("--out", type=Path, default=paths.REPORTS, metavar=tr("文件夹", "OUT"),
                   help=tr("报告文件夹（默认：当前目录下的 %(default)s）",
                           "reports folder (default: %(default)s, in the working directory)"))
    p.add_argument("--formats", default="html", metavar=tr("格式[,格式…]", "FORMAT[,FORMAT…]"),
                   help=tr("每个地区报告的格式，用逗号分隔：html（report.html，总会生成）、pdf（report.pdf，需要 "
                           "Chromium 或 Chrome/Edge 浏览器）、docx（report.docx）、pptx（slides.pptx）；默认：%(default)s",
                           "formats of each region's report, comma-separated: html (report.html, always built), "
                           "pdf (report.pdf, needs Chromium: make tools), docx (report.docx), pptx (slides.pptx); "
                           "default: %(default)s"))
    p.add_argument("--report", choices=("research", "followup"), default="research",
                   help=tr("生成哪种报告：research（每个地区的区域调研报告，默认）或 followup（每个有学员的地区的"
                           "培训后跟踪评估报告，读取资料包的 followup/ 文件夹，写入 <报告文件夹>/<资料包>/follow-up/）",
                           "which report: research (区域调研报告 of every region, default) or followup "
                           "(培训后跟踪评估报告 of every region that had trainees, from the bundle's followup/ folder, "
                           "into <out>/<bundle>/follow-up/)"))
    p.add_argument("--jobs", type=_positive, default=None, metavar="N",
                   help=tr("在本机同时生成几个地区，每个地区一个待命的内核（默认：每个处理器核一个）",
                           "regions built side by side on this machine, each in its own warm kernel "
                           "(default: one per core)"))
    p.add_argument("--scheduler", default=None, metavar=tr("地址", "ADDRESS"),
                   help=tr("在已运行的 Dask 集群上生成各地区，例如 tcp://10.0.0.5:8786（工作机上需在相同路径装有 casekit "
                           "和项目文件夹，见 docs/cluster.md）",
                           "render the regions on a running Dask cluster, e.g. tcp://10.0.0.5:8786 (workers need "
                           "casekit and the project folder at the same paths: see docs/cluster.md)"))
    p.add_argument("--workers", type=_positive, default=None, metavar="N",
                   help=tr("为这次生成在本机启动有 N 个工作进程的 Dask 集群",
                           "start a local Dask cluster of N worker processes for this build"))
    p.add_argument("--watch", action="store_true",
                   help=tr("生成后保持内核待命，资料包文件一有改动就重新生成（只重新生成受影响的部分；按 Ctrl-C 停止）",
                           "after building, keep the kernels warm and rebuild whenever a bundle file changes "
                           "(only what the change touches; Ctrl-C stops)"))
    p.set_defaults(func=_cmd_build)

    p = add_parser("demo", help=tr("生成样例调研资料包（已有则直接使用），并生成其全部报告：各地区的调研报告和培训后跟踪评估报告",
                                   "write the sample bundle (or use the one there) and build all its reports: every "
                                   "region's research report and follow-up report"),
                   parents=[seed_parent(), quiet_parent()])
    p.add_argument("--bundle", type=Path, default=paths.SAMPLE_OUT, metavar=tr("文件夹", "FOLDER"),
                   help=tr("样例资料包的文件夹；不存在时在此生成（默认：工作目录下的 %(default)s）",
                           "the sample bundle's folder, written there when absent (default: %(default)s, in the "
                           "working directory)"))
    p.add_argument("--out", type=Path, default=paths.REPORTS, metavar=tr("文件夹", "OUT"),
                   help=tr("报告文件夹（默认：工作目录下的 %(default)s）",
                           "reports folder (default: %(default)s, in the working directory)"))
    p.set_defaults(func=_cmd_demo)
