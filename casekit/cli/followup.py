"""``casekit followup``: the Kirkpatrick evaluation of a bundle's follow-up, level by level.

Prints, per level, each measure's baseline, follow-up, change, interval and n in Chinese (the
sentences of the claimed changes first), then the matching of the follow-up with the baseline
(attrition), the observers' agreement and the account-manager types. ``--json`` writes the same
tables with English keys (for programs), ``--csv`` the measures through the project's CSV writer
(Chinese headers, formula-safe, atomic). Success cases name staff codes: they are printed only
with ``--success-cases``.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casekit.cli import common
from casekit.cli.common import EXIT_OK, EXIT_PROBLEMS, AddParser
from casekit.domain import MIN_CELL_SIZE
from casekit.language import tr

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from casekit.analysis.evaluation.levels import FollowUpEvaluation
    from casekit.intake import Bundle

__all__ = ["NO_FOLLOWUP", "agreement_summary", "compact_table", "register", "shown_table"]

#: Said (on standard error, exit 1) when the bundle has no ``followup/`` folder.
NO_FOLLOWUP = ("这个资料包没有培训后回访的数据（没有 followup 文件夹），无法评估培训效果。"
               "回访数据的格式见 docs/followup.md。")

#: Section titles, in reading order: (table attribute, title).
_SECTIONS: tuple[tuple[str, str], ...] = (
    ("reaction", "第一层 反应：学员对课程的评价（课后评估）"),
    ("learning", "第二层 学习：知识测验、应用信心与应用意愿"),
    ("behaviour", "第三层 行为：随访观察到的做法（由观察员记录）"),
    ("self_report", "第三层 行为（参考）：学员自评问卷，只作参考"),
    ("drivers", "第三层 保障措施：主管辅导与工具使用"),
    ("results", "第四层 结果：业绩与拜访推进"),
)
#: Headers of the CSV where a shared column name means something else here.
_CSV_HEADERS: Mapping[str, tuple[str, str]] = {"group_label": ("分组", "text"), "n": ("人数", "count"),
                                               "n_missing": ("未回访人数", "count"),
                                               "n_control": ("对照组人数", "count")}
#: Units of the shown levels: a share or a percent as %, a questionnaire score in 分.
_COUNTS = frozenset({"joint_visits", "weekly_reviews"})


def _json_file(text: str) -> Path | str:
    """``--json``: ``-`` (standard output) or a ``.json`` file."""
    return text if text == "-" else common.out_file("followup --json")(text)


_json_file.__name__ = "output file"


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _level(value: Any, unit: str, measure: str) -> str:
    from casekit.analysis.evaluation.wording import level_text

    if _missing(value):
        return "—"
    text = level_text(value, unit)
    return text.replace(" 分", " 次") if measure in _COUNTS else text


def _change(row: Mapping[str, Any]) -> str:
    from casekit.analysis.evaluation.wording import amount_text

    return "—" if _missing(row["change"]) else amount_text(row["change"], row["unit"])


def _range(row: Mapping[str, Any]) -> str:
    from casekit.analysis.evaluation.wording import range_text

    if _missing(row["ci_low"]):
        return "—"
    if row["ci_low"] == row["ci_high"]:  # nobody's value moved (or all alike): no spread to estimate from
        return "无法估计（每人前后相同）" if not _missing(row["change"]) else "—"
    if _missing(row["change"]):  # a level: its interval as levels
        return f"{_level(row['ci_low'], row['unit'], row['measure'])} 至 {_level(row['ci_high'], row['unit'], row['measure'])}"
    return range_text(row["ci_low"], row["ci_high"], row["unit"]).removeprefix("可能范围 ")


def _verdict(row: Mapping[str, Any]) -> str:
    from casekit.analysis.evaluation.verdict import verdict

    return verdict(row)


def shown_table(frame: pd.DataFrame, min_n: int, waves: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The printed form of a measure table: Chinese headers, every number written as text.

    Parameters
    ----------
    frame : DataFrame
        A measure table of :class:`~casekit.analysis.evaluation.levels.FollowUpEvaluation`.
    min_n : int
        The disclosure threshold (a hidden row shows 不足 ``min_n`` 人, never the number).
    waves : mapping, optional
        Wave id → its label (``培训后三个月回访``), shown instead of the id.

    Returns
    -------
    DataFrame
        One row per measure × group; a hidden row shows no number.
    """
    import pandas as pd

    from casekit.analysis.evaluation.wording import people_text

    rows = []
    for row in frame.to_dict("records"):
        hidden = row["hidden"]
        n = people_text(row["n"], min_n).strip()
        if row["n_control"]:
            n += f"，对照{people_text(row['n_control'], min_n)}"
        rows.append({
            "轮次": (waves or {}).get(row["wave_id"], row["wave_id"]) or (
                "课程结束时" if _missing(row["change"]) else "培训前后"), "指标": row["measure_label"], "分组": row["group_label"],
            "培训前": "—" if hidden else _level(row["baseline"], row["unit"], row["measure"]),
            "培训后": "—" if hidden else _level(row["followup"], row["unit"], row["measure"]),
            "变化": "—" if hidden else _change(row), "可能范围": "—" if hidden else _range(row),
            "人数": n, "对照方式": row["isolation_label"], "结论": _verdict(row)})
    return pd.DataFrame(rows, columns=["轮次", "指标", "分组", "培训前", "培训后", "变化", "可能范围", "人数",
                                       "对照方式", "结论"])


def compact_table(frame: pd.DataFrame, min_n: int, waves: Mapping[str, str] | None = None, *,
                  one_region: bool = False) -> pd.DataFrame:
    """The short printed form of a measure table: one row per measure, region and wave.

    The comparison with the untrained (difference-in-differences) goes into its own column of the
    measure's row instead of a second row, and one verdict
    (:func:`casekit.analysis.evaluation.verdict.verdict`) says what to take away. Columns that
    would say the same on every row (one wave, one region, no comparison group) are left out.

    Parameters
    ----------
    frame : DataFrame
        A measure table of :class:`~casekit.analysis.evaluation.levels.FollowUpEvaluation`.
    min_n : int
        The disclosure threshold (a hidden row shows no number).
    waves : mapping, optional
        Wave id → its label.
    one_region : bool
        The evaluation was asked for one region (said above the table): no region column.

    Returns
    -------
    DataFrame
        Strings only, Chinese headers.
    """
    import pandas as pd

    from casekit.analysis.evaluation.verdict import verdict
    from casekit.analysis.evaluation.wording import people_text

    records = frame.to_dict("records")
    key = ("measure", "group", "wave_id")
    comparisons = {tuple(r[k] for k in key): r for r in records if r["isolation"] == "control_group"}
    main = [r for r in records if r["isolation"] != "control_group"]
    matched = {tuple(r[k] for k in key) for r in main}
    main += [r for k, r in comparisons.items() if k not in matched]
    levels_only = all(_missing(r["change"]) for r in main)
    rows = []
    for r in main:
        comparison = comparisons.get(tuple(r[k] for k in key)) if r["isolation"] != "control_group" else None
        hidden = bool(r["hidden"])
        wave = (waves or {}).get(r["wave_id"], r["wave_id"]) or ("课程结束时" if _missing(r["change"]) else "培训前后")
        row = {"轮次": wave, "指标": r["measure_label"], "分组": r["group_label"]}
        if levels_only:
            scale = "（满分 5 分）" if r["unit"] == "score" and r["measure"] not in _COUNTS and r["level"] <= 2 else ""
            row.update({"结果": "—" if hidden else _level(r["followup"], r["unit"], r["measure"]) + scale,
                        "可能范围": "—" if hidden else _range(r), "人数": people_text(r["n"], min_n).strip()})
        else:
            before = "—" if hidden else _level(r["baseline"], r["unit"], r["measure"])
            if r["isolation"] == "trend_line" and before != "—":
                before += "（按走势推算）"
            change = "—" if hidden or _missing(r["change"]) else f"{_change(r)}（{_range(r)}）"
            row.update({"培训前": before, "培训后": "—" if hidden else _level(r["followup"], r["unit"], r["measure"]),
                        "变化（可能范围）": change, "与未参训人员对比": _versus(comparison, min_n),
                        "人数": people_text(r["n"], min_n).strip(), "结论": verdict(r, comparison)})
        rows.append(row)
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    drop = [c for c, many in (("轮次", len({r["wave_id"] for r in main}) > 1),
                              ("分组", not one_region or len({r["group"] for r in main}) > 1),
                              ("与未参训人员对比", bool(comparisons))) if not many and c in table.columns]
    return table.drop(columns=drop)


def _versus(row: Mapping[str, Any] | None, min_n: int) -> str:
    from casekit.analysis.evaluation.wording import people_text

    if row is None:
        return "—"
    if row["hidden"] or _missing(row["change"]):
        return "人数不足，不比较"
    return f"{_change(row)}（{_range(row)}；未参训{people_text(row['n_control'], min_n)}）"


def agreement_summary(agreement: pd.DataFrame, waves: Mapping[str, str] | None = None) -> str:
    """The observers' agreement in one sentence per wave: how many behaviours they recorded alike,
    and which ones not (every region together: the visits recorded twice are few).

    Parameters
    ----------
    agreement : DataFrame
        :attr:`~casekit.analysis.evaluation.levels.FollowUpEvaluation.agreement`.
    waves : mapping, optional
        Wave id → its label (said when there are several waves).

    Returns
    -------
    str
    """
    parts = []
    several = agreement["wave_id"].nunique() > 1
    for wave, rows in agreement.groupby("wave_id", sort=False):
        visits = int(rows["n_visits"].max())
        bad = rows.loc[rows["unreliable"], "behaviour_label"].tolist()
        good = int((~rows["unreliable"] & rows["defined"]).sum())
        head = f"{(waves or {}).get(wave, wave)}：" if several else ""
        text = (f"{head}两位观察员同场记录了 {visits} 次拜访（各地区合计），{len(rows)} 项做法中 {good} 项记录一致、可靠")
        if bad:
            text += "；" + "、".join(f"“{b}”" for b in bad) + "的记录一致程度不足，其变化只作参考，不下结论"
        parts.append(text + "。")
    return "".join(parts)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON records: NaN as null, numpy numbers as plain ones, tuples as lists."""
    out = []
    for row in frame.to_dict("records"):
        clean = {}
        for key, value in row.items():
            if hasattr(value, "item"):
                value = value.item()
            if isinstance(value, float) and math.isnan(value):
                value = None
            if isinstance(value, (tuple, frozenset, set)):
                value = list(value)
            clean[str(key)] = value
        out.append(clean)
    return out


def _disclosed(frame: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """The measures as they may leave the program: a hidden row's head count, and a number of
    missing people below ``min_n``, left empty (the sentences say 不足5人, never the number)."""
    out = frame.astype({"n": "float64", "n_missing": "float64", "n_control": "float64"})
    out.loc[out["hidden"], ["n", "n_control"]] = math.nan
    out.loc[(out["n_missing"] > 0) & (out["n_missing"] < min_n), "n_missing"] = math.nan
    out.loc[(out["n_control"] > 0) & (out["n_control"] < min_n), "n_control"] = math.nan
    return out


def _json(evaluation: FollowUpEvaluation, success: bool, min_n: int) -> dict[str, Any]:
    measures = _disclosed(evaluation.measures(), min_n)
    for column in ("n", "n_missing", "n_control"):  # whole numbers in JSON, or null
        measures[column] = measures[column].astype("Int64").astype(object).where(measures[column].notna(), None)
    data: dict[str, Any] = {"notes": list(evaluation.notes), "families": evaluation.families,
                            "measures": _records(measures),
                            "attrition": _records(evaluation.attrition),
                            "agreement": _records(evaluation.agreement), "types": _records(evaluation.types)}
    if success:
        data["success_cases"] = {
            wave: {"note": cases.note, "most": _records(cases.most), "least": _records(cases.least),
                   "success_outline": list(cases.success_outline),
                   "non_success_outline": list(cases.non_success_outline)}
            for wave, cases in evaluation.success_cases.items()}
    return data


def _csv_frame(evaluation: FollowUpEvaluation, min_n: int) -> pd.DataFrame:
    """The measures for a spreadsheet: shares as percentages, the unit said in words."""
    table = _disclosed(evaluation.measures(), min_n)
    share = table["unit"].isin(("share",))
    for column in ("baseline", "followup", "change", "ci_low", "ci_high", "itt_change", "trained_change",
                   "control_change"):
        table.loc[share, column] = table.loc[share, column] * 100
    table["unit"] = [("次" if m in _COUNTS else "分") if u == "score" else "%"
                     for u, m in zip(table["unit"], table["measure"])]
    return table.drop(columns=["direction"])


def _print(evaluation: FollowUpEvaluation, min_n: int, waves: Mapping[str, str], *, detail: bool = False,
           region: str | None = None) -> None:
    if region is not None:
        print(f"评估地区：{region}")
    for note in evaluation.notes:
        print(note)
    for attribute, title in _SECTIONS:
        frame = getattr(evaluation, attribute)
        if frame.empty:
            continue
        print()
        print(f"【{title}】")
        if detail:
            for sentence in frame.loc[frame["claimed"], "sentence"]:
                print(sentence)
        for label, note in dict.fromkeys(zip(frame.loc[frame["unreliable"], "measure_label"],
                                              frame.loc[frame["unreliable"], "note"])):
            print(f"“{label}”：{note}")
        common.show_whole(shown_table(frame, min_n, waves) if detail
                     else compact_table(frame, min_n, waves, one_region=region is not None))
        if not detail and (frame["isolation"] == "trend_line").any():
            print("“按走势推算”：用培训前几个月的走势（趋势线）推算培训后本应达到的水平，实际与推算之差视为培训的作用；"
                  "有未参训人员的数据时，另与他们同期的变化对比。")
    if not evaluation.attrition.empty:
        print()
        print("【回访匹配与流失】未回访的学员按“没有变化”计入（另给出只算回访者的结果）；"
              "目标：至少八成学员有培训后回访记录。")
        for sentence in evaluation.attrition["sentence"]:
            print(sentence)
    if not evaluation.agreement.empty:
        print()
        if detail:
            print("【观察员记录一致性】两位观察员同场记录的拜访（各地区合计）：")
            for sentence in evaluation.agreement["sentence"]:
                print(sentence)
        else:
            print("【观察员记录一致性】" + agreement_summary(evaluation.agreement, waves))
    if not evaluation.types.empty:
        print()
        print("【各类客户经理的变化】（类型来自培训前调研的分类）")
        for sentence in evaluation.types["sentence"]:
            print(sentence)
    print()
    if detail:
        print(f"同时检验的分组：{evaluation.families}")
    else:
        print("因为同时看了很多项，可能范围已相应放宽，以免把偶然波动当成变化。")


def _print_success(evaluation: FollowUpEvaluation, waves: Mapping[str, str]) -> None:
    print()
    print("【成功案例与未成功案例】仅供顾问使用：名单列出员工编号，不得放进给客户的材料。")
    if not evaluation.success_cases:
        print("没有培训前后都有随访记录的参训人员，无法挑选。")
    for wave, cases in evaluation.success_cases.items():
        print(f"{waves.get(wave, wave)}：{cases.summary}")
        print("变化最大：" + "、".join(cases.most["person_id"].astype(str)))
        print("变化最小：" + "、".join(cases.least["person_id"].astype(str)))
        for title, outline in (("访谈提纲（变化大的人）", cases.success_outline),
                               ("访谈提纲（变化小的人）", cases.non_success_outline)):
            print(f"{title}：")
            for number, question in enumerate(outline, 1):
                print(f"  {number}. {question}")


@common.with_bundle
def _cmd_followup(args: argparse.Namespace, bundle: Bundle) -> int:
    import json

    from casekit.analysis.evaluation.levels import evaluate_followup

    if bundle.followup is None:
        print(f"casekit followup: {NO_FOLLOWUP}", file=sys.stderr)
        return EXIT_PROBLEMS
    evaluation = evaluate_followup(bundle, region=args.region, min_n=args.min_n)
    if args.json is not None:
        text = json.dumps(_json(evaluation, args.success_cases, args.min_n), ensure_ascii=False, indent=1) + "\n"
        if args.json == "-":
            sys.stdout.write(text)
        else:
            from casekit.safe_save import save_editable

            save_editable(args.json, text, force=args.force)
            print(tr(f"培训后跟踪评估已写入 {args.json}", f"follow-up evaluation written to {args.json}"), file=sys.stderr)
    if args.csv is not None:
        common.write_csv(args.csv, _csv_frame(evaluation, args.min_n), _CSV_HEADERS)
    if args.json is None and args.csv is None:
        waves = dict(zip(bundle.followup.waves["wave_id"], bundle.followup.waves["label"]))
        region = None if args.region is None else bundle.manifest.name(
            bundle.manifest.top_of(bundle.manifest.require(args.region)))
        _print(evaluation, args.min_n, waves, detail=args.detail, region=region)
        if args.success_cases:
            _print_success(evaluation, waves)
    return EXIT_OK


def register(add_parser: AddParser) -> None:
    """Add ``followup`` to the parser."""
    p = add_parser("followup", help=tr("培训后：跟踪评估的柯氏四级（反应、学习、行为、结果），每项变化附区间、人数和排除其他因素的方法",
                                       "after the course: the four Kirkpatrick levels of the follow-up (reaction, "
                                       "learning, behaviour, results), each change with its interval, n and how it is isolated"),
                   parents=[
                       common.bundle_parent(),
                       common.min_n_parent(MIN_CELL_SIZE, tr("显示一组的最少人数", "fewest people in a group shown")),
                       common.csv_parent("followup", tr("把每项指标写成 CSV，不在终端打印",
                                                        "write every measure as CSV instead of printing")),
                       common.force_parent(),
                   ])
    p.add_argument("--region", help=tr("一个参训地区（编号或名称；默认：每个参训地区及其合计）",
                                       "one trained region (id or name; default: every trained region and all together)"))
    p.add_argument("--json", type=_json_file, nargs="?", const="-", metavar=tr("文件", "FILE"),
                   help=tr("把评估写成 JSON（键名为英文；不给文件或给 - 时输出到终端）",
                           "write the evaluation as JSON with English keys (default or '-': standard output)"))
    p.add_argument("--detail", action="store_true",
                   help=tr("打印每项指标的结论句、与未参训人员比较的两行，以及每种行为的观察员一致性（默认：每项指标一行和一个结论）",
                           "print every measure's sentence and both rows of a comparison with the untrained, and each "
                           "behaviour's observer agreement (default: one row per measure and one verdict)"))
    p.add_argument("--success-cases", action="store_true",
                   help=tr("同时打印成功与未成功的个例（只供顾问使用：列出员工编号）",
                           "also print the success and non-success cases (consultant-only: they name staff codes)"))
    p.set_defaults(func=_cmd_followup)
