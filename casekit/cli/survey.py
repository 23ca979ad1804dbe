"""``casekit codebook draft`` and ``casekit survey``: a questionnaire export as downloaded."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from casekit.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    AddParser,
    csv_parent,
    force_parent,
    out_file_parent,
    progress,
    quiet_parent,
    show,
    write_csv,
)
from casekit.language import tr
from casekit.surveys import PLATFORMS  # the one platform list: the survey-reader registry's (live)

__all__ = ["PLATFORMS", "register"]


def _cmd_codebook_draft(args: argparse.Namespace) -> int:
    from casekit.intake.codebook_draft import write_draft

    with progress(args) as line:  # a whole export is read, then every answer looked at again
        draft = write_draft(args.export, args.out, platform=args.platform, force=args.force, bundle=args.bundle,
                            progress=line)
    choice = draft.respondent_id
    print(tr("答卷人编号：", "respondent id: ") + tr(choice.reason_zh, choice.reason), file=sys.stderr)
    if args.out is None:
        sys.stdout.write(draft.text)
    else:
        print(tr(f"编码簿初稿已写入 {args.out}", f"draft codebook written to {args.out}"), file=sys.stderr)
    return EXIT_OK


def _cmd_survey(args: argparse.Namespace) -> int:
    from casekit.analysis.survey_summary import (
        format_crosstabs,
        format_group_differences,
        score_survey,
    )

    if args.crosstabs and not args.by:
        print("casekit survey: " + tr("--crosstabs 需要同时给出 --by 列名", "--crosstabs needs --by COLUMN"), file=sys.stderr)
        return EXIT_USAGE
    with progress(args) as line:  # read and scored once
        scored = score_survey(args.export, args.codebook, platform=args.platform, progress=line)
    if args.by and scored.group_column(args.by) != args.by:
        print(f"--by {args.by}: " + tr(f"按「{scored.group_column(args.by)}」列分组",
                                       f"grouped by the column {scored.group_column(args.by)!r}"), file=sys.stderr)
    table = scored.summary(args.by)
    tables = {"": table}
    if args.by:
        tables["_groups"] = scored.group_differences(args.by)
    if args.crosstabs:
        tables["_crosstabs"] = scored.crosstabs(args.by)
    if args.csv is not None:
        for suffix, frame in tables.items():
            write_csv(args.csv.with_name(f"{args.csv.stem}{suffix}.csv") if suffix else args.csv, frame)
        return EXIT_OK
    from casekit.analysis.psychometrics import ALL_GROUPS

    # on screen, every respondent together is 全部 (the CSV keeps the table's own "(all)")
    shown = [table.assign(group=table["group"].replace({ALL_GROUPS: "全部"})) if "group" in table.columns else table]
    if "_groups" in tables:
        shown.append(format_group_differences(tables["_groups"]))
    if "_crosstabs" in tables:
        shown.append(format_crosstabs(tables["_crosstabs"]))
    for i, frame in enumerate(shown):  # aligned to the terminal; the notes in full under each table
        if i:
            print()
        show(frame, None, {"group": "分组"}, notes_below="note")
    return EXIT_OK


def _export_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("export", type=Path, metavar=tr("导出文件",
                                                        "export"), help=tr("从问卷平台下载的导出文件（.csv、.xlsx、.sav、.zip）", "the export as downloaded (.csv, .xlsx, .sav, .zip)"))
    return parent


def register(add_parser: AddParser) -> None:
    """Add ``codebook draft`` and ``survey`` to the ``casekit`` parser."""
    p = add_parser("codebook", help=tr("问卷导出文件的独立编码簿", "standalone codebooks for questionnaire exports"))
    codebook_sub = p.add_subparsers(dest="codebook_command", required=True, metavar=tr("操作", "ACTION"))
    d = codebook_sub.add_parser("draft", help=tr("根据问卷导出文件起草编码簿（YAML）",
                                                 "draft a codebook (YAML) from a questionnaire export"), parents=[
        _export_parent(),
        out_file_parent("codebook draft", tr("把初稿写入这个文件（默认：打印在终端）",
                                             "write the draft to this file (default: print it)")),
        force_parent(tr("--out 文件已存在时替换它", "replace --out if it exists")),
        quiet_parent(),
    ])
    d.add_argument("--platform", choices=PLATFORMS, help=tr("指定导出文件的平台（默认：自动识别）",
                                                            "force the export's platform (default: detected)"))
    d.add_argument("--bundle", type=Path,
                   help=tr("调研资料包：其陪访记录和 360° 评估所用员工编号所在的列作为答卷人编号",
                           "a research bundle: the column holding the staff codes its ride-alongs and 360° reviews use becomes the respondent id"))
    d.set_defaults(func=_cmd_codebook_draft)

    p = add_parser("survey", help=tr("问卷量表的信度（人数、平均分、标准差、α 系数）和组间差异",
                                     "reliability of a questionnaire's scales (n, mean, sd, alpha), group differences"),
                   parents=[
                       _export_parent(),
                       quiet_parent(),
                       csv_parent("survey", tr("把表格写成 CSV（UTF-8 带 BOM，可用 Excel 打开），加 --by 时另写 <文件名>_groups.csv（默认：打印在终端）",
                                               "write the table as CSV (UTF-8 with BOM, for Excel), with --by also "
                                               "<stem>_groups.csv (default: print them)"), alias="--out"),
                   ])
    p.add_argument("--codebook", type=Path, required=True, help=tr("独立编码簿（YAML）", "standalone codebook (YAML)"))
    # a header of the export, not the bundle vocabulary of the other commands' --by
    p.add_argument("--by", metavar=tr("列名",
                                      "COLUMN"), help=tr("按编码簿中的列名（region、population）或导出文件的表头分组", "group by a codebook column's name (region, population) or a header of the export"))
    p.add_argument("--platform", choices=PLATFORMS,
                   help=tr("指定导出文件的平台（默认：编码簿的 platform:，没有则自动识别）",
                           "force the export's platform (default: the codebook's platform:, else detected)"))
    p.add_argument("--crosstabs", action="store_true",
                   help=tr("与 --by 一起用：同时检验不属于量表的封闭题在各组间的差异",
                           "with --by: also test the closed questions that are not scale items against the groups"))
    p.set_defaults(func=_cmd_survey)
