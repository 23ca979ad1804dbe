"""``casekit outline``: a region's course design for one audience, as JSON or as the 课程大纲."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from casekit.cli.common import (
    EXIT_OK,
    AddParser,
    bundle_parent,
    force_parent,
    out_file_parent,
    with_bundle,
)
from casekit.language import tr

if TYPE_CHECKING:  # pragma: no cover
    from casekit.intake import Bundle

__all__ = ["register"]


@with_bundle
def _cmd_outline(args: argparse.Namespace, bundle: Bundle) -> int:
    from casekit.analysis import engagement_findings
    from casekit.authoring.library import case_library, library_problems
    from casekit.reports.course import course_design
    from casekit.reports.outline_document import outline_json, outline_markdown, write_outline

    findings = engagement_findings(bundle)
    library = case_library(bundle)
    problems = library_problems(library)
    if problems:  # a misspelt module id would otherwise drop a case from the outline unseen
        print("casekit outline: " + tr(f"案例库中有 {len(problems)} 个问题，课程大纲可能会漏掉这些案例"
                                       "（casekit validate 会全部列出）：",
                                       f"{len(problems)} problem(s) in the case library; the outline may leave "
                                       "those cases out (casekit validate lists them all):"), file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
    design = course_design(bundle, args.region, args.audience, findings, library=library)
    data = design.to_dict()
    if args.out is not None:
        target = write_outline(data, args.out, trainer=args.trainer, force=args.force, findings=findings.table)
        print(f"课程大纲已写入 {target}", file=sys.stderr)
    elif args.json:
        text = outline_json(data)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        print(outline_markdown(data, trainer=args.trainer, findings=findings.table))
    return EXIT_OK


def register(add_parser: AddParser) -> None:
    """Add ``outline`` to the ``casekit`` parser."""
    p = add_parser(
        "outline",
        help=tr("一个地区某一培训对象的课程设计（课程大纲）：模块、时长、日程和理由",
                "a region's course design for one audience (课程大纲): modules, lengths, timetable, reasons"),
        parents=[
            bundle_parent(),
            out_file_parent("outline", tr("写成 课程大纲.docx、.md 或 .json（扩展名决定格式；默认：打印 Markdown）",
                                          "write 课程大纲.docx, .md or .json (the extension chooses; default: print Markdown)")),
            force_parent(),
        ],
    )
    p.add_argument("--region", required=True, help=tr("地区编号或名称，例如 hebei 或 河北", "region id or name, e.g. hebei or 河北"))
    p.add_argument("--audience", required=True,
                   help=tr("培训对象的编号或名称：account_manager（政企客户经理）、support_engineer（支撑人员）、sales_manager（销售管理人员）",
                           "audience id or name: account_manager (政企客户经理), support_engineer (支撑人员), "
                           "sales_manager (销售管理人员)"))
    p.add_argument("--json", action="store_true", help=tr("以 JSON 而不是 Markdown 打印课程设计",
                                                          "print the design as JSON instead of Markdown"))
    p.add_argument("--trainer", action="store_true", help=tr("讲师版：含教学说明和案例参考答案",
                                                             "trainer edition (讲师版): teaching notes and case answer keys"))
    p.set_defaults(func=_cmd_outline)
