"""``casekit segment``, ``gaps``, ``findings``, ``linkage``, ``ride-alongs`` and ``review360``: tables of a bundle."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from casekit import paths
from casekit.cli import common
from casekit.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, AddParser
from casekit.domain import MIN_CELL_SIZE
from casekit.language import tr

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from casekit.intake import Bundle

__all__ = ["register"]


@common.with_bundle
def _cmd_segment(args: argparse.Namespace, bundle: Bundle) -> int:
    from casekit.analysis.segments import SEGMENT_ASSIGNMENT_SCHEMA, segment_account_managers, segment_mix
    from casekit.curriculum import load_outlines
    from casekit.tables import validate_output

    with common.progress(args) as progress:
        report = segment_account_managers(bundle, args.k, random_state=args.seed, k_max=args.k_max,
                                          outline=load_outlines()["account_manager"], progress=progress)
    scores = report.k_scores[["k", "silhouette", "silhouette_null", "gap", "gap_se", "beats_null"]].round(2)
    scores["beats_null"] = scores["beats_null"].map({True: "是", False: "否"})
    scores.columns = ["类数", "轮廓系数", "对照数据轮廓系数第95百分位", "间隔统计量", "标准误", "优于对照数据"]
    print(report.message)
    print()
    # the figures behind the verdict, for the consultant (docs/segmentation.md explains them)
    details = report.reasons if report.clear else report.reasons[1:]  # [0] repeats the message
    if details:
        print("判断依据：" + "；".join(details) + "。")
    common.show_whole(scores)
    for persona in report.personas:
        print()
        print(persona.description)
    if report.clear:
        mix = segment_mix(report, bundle.manifest)
        wide = mix.pivot_table(index="group_name", columns="segment", values="count", aggfunc="sum",
                               sort=False)
        wide.columns = [f"第{c}类" for c in wide.columns]
        wide.index.name = "地区"
        print()
        common.show_whole(wide.reset_index())
    csv = args.csv or paths.bundle_output_dir(bundle.manifest.bundle, internal=True) / "segments.csv"
    # the table `--by segment` and the report's segment labels rely on: checked before it is written
    validate_output(report.assignments, SEGMENT_ASSIGNMENT_SCHEMA)
    common.write_csv(csv, report.assignments)
    return EXIT_OK


@common.with_bundle
def _cmd_gaps(args: argparse.Namespace, bundle: Bundle) -> int:
    from casekit.analysis.gaps import gap_table

    table = gap_table(bundle, by=args.by, population=args.population, min_n=args.min_n)
    # the population's name beside its id (on screen the id is left out; the CSV keeps both)
    table, headers = common.names_beside_ids(table, bundle.manifest)
    common.show(table, args.csv, headers, hide_suppressed=not args.all)
    return EXIT_OK


#: What ``casekit findings`` prints by default (the full table goes to --csv / --json).
_FINDINGS_SHOWN = ("region_name", "population_label", "dimension_label", "kind", "estimate", "ci_low", "ci_high",
                   "n", "reference_n", "effect_size", "p_adjusted", "claimed", "direction")


#: The findings' ``kind`` and ``direction`` in words, for the printed table (the CSV keeps the ids).
_KIND_WORDS = {"vs_required": "目标水平", "vs_other_regions": "其他地区"}
_DIRECTION_WORDS = {"weaker": "偏弱", "stronger": "偏强", "none": "无明显差异"}


def _json_file(text: str) -> Path | str:
    """``--json``: ``-`` (standard output) or a ``.json`` file."""
    return text if text == "-" else common.out_file("findings --json")(text)


_json_file.__name__ = "output file"


@common.with_bundle
def _cmd_findings(args: argparse.Namespace, bundle: Bundle) -> int:
    import json

    from casekit.analysis.findings import FINDINGS_SCHEMA, engagement_findings
    from casekit.domain import POPULATIONS, lookup
    from casekit.tables import validate_output

    population = None
    if args.population is not None:
        population = lookup(POPULATIONS, args.population)
        if population is None:
            known = ", ".join(f"{t.id} ({t.label})" for t in POPULATIONS.values())
            print("casekit findings: " + tr(f"没有岗位「{args.population}」；应为以下之一：{known}",
                                            f"unknown population {args.population!r}; expected one of {known}"),
                  file=sys.stderr)
            return EXIT_USAGE
    findings = engagement_findings(bundle, min_n=args.min_n)
    table = validate_output(findings.table, FINDINGS_SCHEMA)  # the contract others code against
    if args.regions:
        from casekit.analysis.findings import ENGAGEMENT

        named = [r for r in args.regions if r not in (ENGAGEMENT, "全部地区")]
        regions = bundle.manifest.region_index.require_all(named) if named else []  # every bad name at once
        regions += [ENGAGEMENT] if len(named) < len(args.regions) else []
        table = table.loc[table["region"].isin(regions)]
    if population is not None:
        table = table.loc[table["population"] == population]
    if args.claimed:
        table = table.loc[table["claimed"]]
    table = table.reset_index(drop=True)
    if args.json is not None:
        text = json.dumps(findings.records(table), ensure_ascii=False, indent=1) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        else:
            from casekit.safe_save import save_editable

            save_editable(args.json, text, force=args.force)
            print(tr(f"已把 {len(table)} 条结论写入 {args.json}", f"{len(table)} findings written to {args.json}"),
                  file=sys.stderr)
    if args.csv is not None:
        common.write_csv(args.csv, table)
    if args.json is None and args.csv is None:
        for sentence in table.loc[table["claimed"], "sentence"]:
            print(sentence)
        print()
        # on screen in words: what the region is compared with, and which way a claimed finding goes
        shown = table[list(_FINDINGS_SHOWN)].assign(kind=table["kind"].map(_KIND_WORDS).fillna(table["kind"]),
                                                     direction=table["direction"].map(_DIRECTION_WORDS)
                                                     .fillna(table["direction"]))
        common.show(shown, None, {"kind": ("比较对象", "text"), "direction": ("结论方向", "text")})
    return EXIT_OK


@common.with_bundle
def _cmd_linkage(args: argparse.Namespace, bundle: Bundle) -> int:
    from casekit.analysis.features import account_manager_features
    from casekit.analysis.linkage import performance_linkage, visit_outcome_linkage

    table = (visit_outcome_linkage(bundle) if args.visits
             else performance_linkage(account_manager_features(bundle)))
    if args.csv is None:
        for sentence in table.loc[table["ci_low"].notna(), "sentence"].head(args.top):
            print(sentence)
        print()
    # --visits: the difference of two shares and its interval, in percentage points
    points = {"diff": ("推进比例之差（百分点）", "share"), "ci_low": ("区间下限（百分点）", "share"),
              "ci_high": ("区间上限（百分点）", "share")}
    # each measure by its Chinese name (on screen its id beside it is left out; the CSV keeps both)
    named = {"label": ("做法" if args.visits else "指标", "text")}
    if args.csv is None and "block" in table.columns:  # where a measure comes from, in words
        table = table.assign(block=table["block"].map(_BLOCK_WORDS).fillna(table["block"]))
        named["block"] = ("指标来源", "text")
    common.show(table, args.csv, {**named, **points} if args.visits else named)
    return EXIT_OK


#: The feature blocks of ``casekit linkage`` (:data:`casekit.analysis.features.FEATURE_BLOCKS`) in words.
_BLOCK_WORDS = {"survey": "问卷自评", "time": "时间使用", "ride": "随访观察"}


@common.with_bundle
def _cmd_ride_alongs(args: argparse.Namespace, bundle: Bundle) -> int:
    from casekit.analysis.visits import time_allocation, time_use_sentences, visit_profile

    segments = None
    if args.by == "segment":
        segments = common.segment_labels(bundle, args.seed)
        if segments is None:
            return EXIT_PROBLEMS
    if args.view == "time":
        table = time_allocation(bundle, by=args.by, segments=segments, min_n=args.min_n)
        if args.csv is None:
            print("\n".join(time_use_sentences(table)))
            print()
    else:
        table = getattr(visit_profile(bundle, by=args.by, segments=segments, min_n=args.min_n), args.view)
    from casekit.cli.headers import SHARE_INTERVAL

    # rates and the share of talk that is questions: their intervals are shares too
    overrides = {**SHARE_INTERVAL, "mean": ("提问占说话时间（%）", "share")} if args.view == "questions" \
        else SHARE_INTERVAL if args.view in ("behaviours", "outcomes") else None
    common.show(table, args.csv, overrides)
    return EXIT_OK


@common.with_bundle
def _cmd_review360(args: argparse.Namespace, bundle: Bundle) -> int:
    import pandas as pd

    from casekit.analysis.reviews_360 import manager_review, review_summary, self_other_gap

    if args.managers:
        table = self_other_gap(bundle, min_raters=args.min_raters) if args.gap \
            else manager_review(bundle, min_raters=args.min_raters)
    elif not args.regions:
        table = review_summary(bundle, None, min_raters=args.min_raters)
    else:  # one summary per region, one below the other (each names its region_id)
        regions = bundle.manifest.region_index.require_all(args.regions)  # every bad name at once
        table = pd.concat([review_summary(bundle, region, min_raters=args.min_raters) for region in regions],
                          ignore_index=True)
    table, headers = _names_beside_ids(table, bundle.manifest)
    common.show(table, args.csv, headers, hide_suppressed=not args.all)
    return EXIT_OK


def _names_beside_ids(table: pd.DataFrame, manifest: object) -> tuple[pd.DataFrame, dict[str, tuple[str, str]]]:
    """``table`` with each region id column followed by the region's Chinese name
    (:func:`casekit.cli.common.names_beside_ids`), and the rater groups pooled into a row
    (``includes``) by their Chinese labels; the headers of the new columns."""
    from casekit.domain import RATER_GROUPS

    table, headers = common.names_beside_ids(table, manifest)
    if "includes" in table.columns:  # rater group ids → 客户经理、上级主管
        table = table.assign(includes=table["includes"].map(
            lambda groups: tuple(RATER_GROUPS[g].label if g in RATER_GROUPS else g for g in groups)))
    return table, headers


def register(add_parser: AddParser) -> None:
    """Add ``segment``, ``gaps``, ``findings``, ``linkage``, ``ride-alongs`` and ``review360`` to the parser."""
    p = add_parser("segment", help=tr("客户经理行为类型：分类、画像，以及每人所属类型的表",
                                      "behaviour types of account managers: segments, personas, person → segment table"),
                   parents=[
                       common.bundle_parent(),
                       common.seed_parent(),
                       common.quiet_parent(),
                       common.csv_parent("segment", tr("每人所属类型的 CSV（默认：internal/<资料包>/segments.csv；只供顾问使用，含员工编号）",
                                                       "person → segment CSV (default: internal/<bundle>/segments.csv; "
                                                       "consultant-only, it names staff codes)"), alias="--out"),
                   ])
    p.add_argument("--k", type=int, help=tr("类型数（默认：根据数据选定）", "number of segments (default: chosen from the data)"))
    p.add_argument("--k-max", type=int, default=8, help=tr("最多尝试几类（默认：%(default)s）",
                                                           "largest k tried (default: %(default)s)"))
    p.set_defaults(func=_cmd_segment)

    p = add_parser("gaps", help=tr("对照能力模型的技能差距，附 95%% 置信区间，人数太少的组不显示",
                                   "skill gaps against the competency model, with 95%% CIs and small cells suppressed"),
                   parents=[
                       common.bundle_parent(),
                       common.by_parent(("top_region", "city", "all")),
                       common.min_n_parent(MIN_CELL_SIZE, tr("显示一组的最少人数", "smallest group shown")),
                       common.csv_parent("gaps"),
                       common.all_parent(),
                   ])
    p.add_argument("--population", help=tr("一个岗位的编号或名称（默认：全部）", "one population id or label (default: all)"))
    p.set_defaults(func=_cmd_gaps)

    p = add_parser("findings", help=tr("各地区的强项和弱项：与目标水平比、与其他地区比，已校正多重比较（只有差别明确、足够大、样本不太小时才下结论）",
                                       "what each region is weak or strong at: vs the target levels and vs the other "
                                       "regions, adjusted for multiple comparisons (claimed only when clear, large enough and not small)"),
                   parents=[
                       common.bundle_parent(),
                       common.regions_parent(tr("只列这些地区（编号或名称；all 表示整个项目合计；默认：全部地区）",
                                                "only these regions' rows (ids or names; 'all' for the engagement-wide "
                                                "rows; default: every region)"), alias=True),
                       common.min_n_parent(MIN_CELL_SIZE, tr("显示或下结论的一组最少人数", "smallest group shown or claimed")),
                       common.csv_parent("findings"),
                       common.force_parent(),
                   ])
    p.add_argument("--json", type=_json_file, metavar=tr("文件", "FILE"),
                   help=tr("把结论写成 JSON（对象列表；- 表示输出到终端）",
                           "write the findings as JSON (a list of objects; '-' for standard output)"))
    p.add_argument("--population", help=tr("一个岗位的编号或名称（默认：全部）", "one population id or label (default: all)"))
    p.add_argument("--claimed", action="store_true", help=tr("只列已下结论的条目", "only the claimed findings"))
    p.set_defaults(func=_cmd_findings)

    p = add_parser("linkage", help=tr("各维度和行为与销售业绩的关系（是相关，不是因果）",
                                      "how dimensions and behaviours relate to sales results (association, not cause)"),
                   parents=[common.bundle_parent(), common.csv_parent("linkage")])
    p.add_argument("--visits", action="store_true", help=tr("拜访中的行为与拜访结果的关系（而不是人与业绩的关系）",
                                                            "behaviour on a visit vs the visit's outcome, instead of people vs performance"))
    p.add_argument("--top", type=int, default=5, help=tr("表格上方打印几句结论（默认：%(default)s）",
                                                         "sentences printed above the table (default: %(default)s)"))
    p.set_defaults(func=_cmd_linkage)

    p = add_parser("ride-alongs", help=tr("客户经理的时间花在哪里，拜访时做了什么",
                                          "where account managers' time goes and what they do on visits"), parents=[
        common.bundle_parent(),
        common.by_parent(("top_region", "city", "segment", "all"), extra=tr("；segment 会先做行为类型分类",
                                                                            "; segment runs the segmentation first")),
        common.seed_parent(tr("--by segment 时分类用的随机数种子（默认：%(default)s）",
                              "segmentation seed with --by segment (default: %(default)s)")),
        common.min_n_parent(MIN_CELL_SIZE, tr("显示一组的最少客户经理人数", "fewest account managers in a group shown")),
        common.csv_parent("ride-alongs"),
    ])
    p.add_argument("--view", choices=("time", "questions", "funnel", "behaviours", "outcomes"), default="time",
                   help=tr("显示哪部分：time 时间分配、questions 提问、funnel 销售阶段、behaviours 行为、outcomes 结果（默认：%(default)s）",
                           "what to show (default: %(default)s)"))
    p.set_defaults(func=_cmd_ride_alongs)

    p = add_parser("review360", help=tr("销售管理人员的 360° 评估：按评价者类别，本人与他人评价对比",
                                        "360° reviews of sales managers: by rater group, self vs others"), parents=[
        common.bundle_parent(),
        common.regions_parent(tr("这些地区管理人员的汇总，逐个地区列出（默认：全部地区合计）",
                                 "summary of these regions' managers, one region after the other (default: all regions "
                                 "together)"), alias=True),
        common.csv_parent("review360"),
        common.all_parent(),
    ])
    p.add_argument("--managers", action="store_true", help=tr("按每位管理人员列出（只供顾问使用），而不是汇总",
                                                              "per manager (consultant-only) instead of the summary"))
    p.add_argument("--gap", action="store_true", help=tr("与 --managers 一起用：每位管理人员每个维度的本人与他人评价之差",
                                                         "with --managers: self vs others per manager and dimension"))
    p.add_argument("--min-raters", type=int, default=3, help=tr("显示一组的最少评价人数（默认：%(default)s）",
                                                                "fewest raters in a group shown (default: %(default)s)"))
    p.set_defaults(func=_cmd_review360)
