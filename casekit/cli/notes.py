"""``casekit redact``, ``codes``, ``quotes`` and ``keywords``: interview notes, always redacted."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from casekit.cli import common
from casekit.cli.common import EXIT_OK, EXIT_PROBLEMS, NOTE_COLUMNS, AddParser
from casekit.domain import MIN_CELL_SIZE
from casekit.language import tr

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from casekit.analysis.notes_analysis import NotesAnalysis
    from casekit.intake.code_frame import CodeFrame, Rule

__all__ = ["register"]


def _cmd_redact(args: argparse.Namespace) -> int:
    from casekit.intake.redact_files import redact_files
    from casekit.intake.redaction import KIND_LABELS

    run = redact_files(args.files, out=args.out, bundle=args.bundle)  # every bad file at once, before reading
    failed = 0
    for done in run:
        if done.result is None:
            print("casekit redact: " + tr(f"{done.path}：无法读取（{done.error}）",
                                          f"{done.path}: cannot read it ({done.error})"),
                  file=sys.stderr)
            failed += 1
            continue
        result = done.result
        if args.out is None:
            if len(run.files) > 1:
                print(f"==> {done.path} <==")
            print(result.text, end="" if result.text.endswith("\n") else "\n")
        sys.stdout.flush()
        counts = "、".join(f"{KIND_LABELS[k]} {n}" for k, n in result.counts().items())
        where = f" → {done.target}" if done.target is not None else ""
        print(f"{done.path.name}：替换 {len(result.findings)} 处{f'（{counts}）' if counts else ''}{where}",
              file=sys.stderr)
        if args.findings:
            for f in result.findings:
                print(f"  {f.start}-{f.end}\t{KIND_LABELS[f.kind]}\t{f.original}\t→ {f.replacement}\t{f.confidence:.2f}",
                      file=sys.stderr)
    new, saved = run.save()
    if saved is not None:
        print(tr(f"已在 {saved} 中新增 {new} 个化名", f"{new} new pseudonym(s) added to {saved}"), file=sys.stderr)
    return EXIT_PROBLEMS if failed else EXIT_OK


def _notes(args: argparse.Namespace) -> NotesAnalysis:
    from casekit.analysis.notes_analysis import analyse_notes

    return analyse_notes(common.load(args))


def _cmd_codes(args: argparse.Namespace) -> int:
    notes = _notes(args)
    if args.frame:
        table = notes.bundle.code_frame.table()
    elif args.cooccurrence:
        from casekit.analysis.coding import co_occurrence

        table = co_occurrence(notes.coded, level="note", frame=notes.bundle.code_frame)
        table = table[(table["code_a"] < table["code_b"]) & (table["n_both"] > 0)]
        table = table.sort_values(["n_both", "code_a", "code_b"], ascending=[False, True, True])
    elif args.by == "segment":
        segments = common.segment_labels(notes.bundle, args.seed)
        if segments is None:
            return EXIT_PROBLEMS
        table = notes.segment_frequencies(segments, min_n=args.min_n)
    else:
        table = notes.frequencies(by=NOTE_COLUMNS[args.by], min_n=args.min_n)
    frame = notes.bundle.code_frame
    table, overrides = common.names_beside_ids(table, notes.bundle.manifest, frame)
    if args.frame:
        # the code frame's group is the code's group (主题类别), not a group of people
        overrides |= {"group": ("主题类别编号", "id"), "group_label": ("主题类别", "text")}
        if args.csv is None:  # on screen in words; the CSV keeps the ids and the rules as code_frame.yaml has them
            table = _frame_in_words(table, frame)
    common.show(table, args.csv, overrides, hide_suppressed=not args.all)
    return EXIT_OK


#: Where a code of the frame comes from (``Code.source``), in words.
_SOURCE_WORDS = {"default": "默认框架", "bundle": "本资料包"}


def _rule_words(rule: Rule) -> str:
    """A keyword rule in words: ``任一：降价、打折，并含：开场，不含：跳出，相距 6 字以内``."""
    parts = []
    if rule.any:
        parts.append("任一：" + "、".join(rule.any))
    if rule.regex:  # regular expressions: alternatives to the any keywords
        parts.append(("或符合：" if rule.any else "符合：") + "、".join(rule.regex))
    if rule.all:
        parts.append("并含：" + "、".join(rule.all))
    if rule.none:
        parts.append("不含：" + "、".join(rule.none))
    if rule.window is not None:
        parts.append(f"相距 {rule.window} 字以内")
    return "，".join(parts)


def _frame_in_words(table: pd.DataFrame, frame: CodeFrame) -> pd.DataFrame:
    """``casekit codes --frame`` as printed: populations by name (全部岗位 when none is named),
    rules and where each code comes from in words."""
    from casekit.domain import POPULATIONS

    rules = {c.id: "；".join(_rule_words(r) for r in c.rules) for c in frame.codes}
    return table.assign(
        populations=table["populations"].map(
            lambda ids: "、".join(POPULATIONS[p].label if p in POPULATIONS else p for p in ids) or "全部岗位"),
        rules=table["code"].map(rules).fillna(table["rules"]),
        source=table["source"].map(_SOURCE_WORDS).fillna(table["source"]),
    )


def _cmd_quotes(args: argparse.Namespace) -> int:
    import pandas as pd

    notes = _notes(args)
    filters = {"code": args.code, "industry": args.industry, "product": args.product,
               "population": args.population, "text": args.text}
    if not args.regions or len(args.regions) == 1:
        region = args.regions[0] if args.regions else None
        table = notes.quotes(region=region, limit=args.limit, **filters)
    else:  # any of the regions, each quote once, then the limit
        table = pd.concat([notes.quotes(region=region, **filters) for region in args.regions], ignore_index=True)
        table = table.drop_duplicates("segment_id").head(args.limit).reset_index(drop=True)
    if args.csv is not None:  # regions, populations and methods named beside their ids
        common.write_csv(args.csv, *common.names_beside_ids(table, notes.bundle.manifest))
        return EXIT_OK
    if table.empty:
        print("没有找到符合条件的引语", file=sys.stderr)
    for row in table.itertuples(index=False):
        print(f"〔{row.segment_id}〕{row.quote}")
    return EXIT_OK


def _cmd_keywords(args: argparse.Namespace) -> int:
    notes = _notes(args)
    column = NOTE_COLUMNS[args.by]
    if args.themes:
        table = notes.themes(by=column)
    else:
        table = notes.keywords(by=column)
    # distinctive means used more than elsewhere: a word (or code) with z <= 0 is not
    table = table[table["z"] > 0]
    if not args.themes:
        table = table.groupby(column, sort=False).head(args.top)
    table, overrides = common.names_beside_ids(table, notes.bundle.manifest, notes.bundle.code_frame)
    if args.by not in ("top_region", "city"):  # compared with the other groups, not the other regions
        overrides |= {"others_count": ("其他组次数", "count"), "others_notes": ("其他组记录（份）", "count")}
    common.show(table, args.csv, overrides)
    return EXIT_OK


def register(add_parser: AddParser) -> None:
    """Add ``redact``, ``codes``, ``quotes`` and ``keywords`` to the ``casekit`` parser."""
    p = add_parser("redact", help=tr("把笔记中的人名、公司名和电话、证件号码换成化名",
                                     "replace names, companies and phone/ID numbers in notes with pseudonyms"))
    p.add_argument("files", nargs="+", type=Path, metavar=tr("文件", "FILE"),
                   help=tr("笔记（.md、.txt、.docx）、笔记所在的文件夹，或 notes/*.md 这样的通配符（由 casekit 展开，在 PowerShell 中也可用）",
                           "notes (.md, .txt, .docx), folders of notes, or patterns such as notes/*.md "
                           "(expanded by casekit, also in PowerShell)"))
    p.add_argument("--out", type=Path, help=tr("把脱敏后的笔记逐篇写入这个文件夹（默认：打印在终端）",
                                               "write each redacted note into this folder (default: print them)"))
    p.add_argument("--bundle", type=Path,
                   help=tr("使用这个资料包的 _private/roster.csv 和化名表，并把新化名加进去",
                           "use this bundle's _private/roster.csv and pseudonyms, and add new pseudonyms to it"))
    p.add_argument("--findings", action="store_true",
                   help=tr("同时列出替换了什么（含原文：只供顾问使用）",
                           "also list what was replaced (originals included: consultant-only)"))
    p.set_defaults(func=_cmd_redact)

    p = add_parser("codes", help=tr("访谈笔记编码：各组频次、同时出现的编码，或编码框架",
                                    "interview-note codes: frequencies per group, co-occurrence, or the code frame"),
                   parents=[
                       common.bundle_parent(),
                       common.by_parent(("top_region", "city", "population", "method", "segment"),
                                 extra=tr("（segment：客户经理行为类型，按受访者的员工编号对应）",
                                          " (the account managers' behaviour types, via the interviewee's staff code)")),
                       common.seed_parent(tr("--by segment 时分类用的随机数种子（默认：%(default)s）",
                                             "segmentation seed with --by segment (default: %(default)s)")),
                       common.min_n_parent(MIN_CELL_SIZE, tr("显示一个计数的最少受访人数",
                                                             "fewest interviewees behind a count shown")),
                       common.csv_parent("codes"),
                       common.all_parent(),
                   ])
    p.add_argument("--cooccurrence", action="store_true", help=tr("在同一篇笔记中同时出现的编码",
                                                                  "codes found together in the same note"))
    p.add_argument("--frame", action="store_true", help=tr("列出编码框架（编码、分组、关键词规则）",
                                                           "list the code frame (codes, groups, keyword rules)"))
    p.set_defaults(func=_cmd_codes)

    p = add_parser("quotes", help=tr("访谈笔记中的脱敏引语，可按编码、地区、行业或产品筛选",
                                     "redacted quotes from the interview notes, by code, region, industry or product"),
                   parents=[
                       common.bundle_parent(),
                       common.regions_parent(tr("地区编号或名称（默认：全部）", "region ids or names (default: all)"), alias=True),
                       common.csv_parent("quotes", tr("把引语及其出处写成 CSV",
                                                      "write the quotes and their provenance as CSV")),
                   ])
    p.add_argument("--code", help=tr("编码的编号或名称（casekit codes 资料包 --frame 可列出）",
                                     "a code id or label (casekit codes BUNDLE --frame lists them)"))
    p.add_argument("--industry", help=tr("行业编号或名称（酒店、医院……）", "industry id or label (酒店, 医院 …)"))
    p.add_argument("--product", help=tr("产品：标准名称或本地名称（商务领航、视频看店……）",
                                        "product: canonical or local name (商务领航, 视频看店 …)"))
    p.add_argument("--population", help=tr("岗位编号或名称", "population id or label"))
    p.add_argument("--text", help=tr("引语必须包含的词语", "words the quote must contain"))
    p.add_argument("--limit", type=int, help=tr("最多列出几条引语", "at most this many quotes"))
    p.set_defaults(func=_cmd_quotes)

    p = add_parser("keywords", help=tr("各地区相对其他地区的特色词（加 --themes 则为编码），只列在该地区用得更多的",
                                       "words (or, with --themes, codes) distinctive of each region against the others "
                                       "(only those used more there than elsewhere)"),
                   parents=[
                       common.bundle_parent(),
                       common.by_parent(("top_region", "city", "population", "method")),
                       common.csv_parent("keywords"),
                   ])
    p.add_argument("--themes", action="store_true", help=tr("列出各组中偏多的编码，而不是词语",
                                                            "codes over-represented per group instead of words"))
    p.add_argument("--top", type=int, default=10, help=tr("每组列出几个词（默认：%(default)s）",
                                                          "words per group (default: %(default)s)"))
    p.set_defaults(func=_cmd_keywords)
