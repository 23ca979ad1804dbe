"""``casekit toolbox``, ``outline-interview``, ``case draft|list|book``, ``guide`` and ``action-plan``.

What a course is taught with, and what follows it (the 30/60/90-day action plans).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from casekit import paths
from casekit.cli.common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    AddParser,
    bundle_parent,
    csv_parent,
    force_parent,
    load,
    out_file_parent,
    progress,
    quiet_parent,
    regions_parent,
    show,
    with_bundle,
)
from casekit.language import tr

if TYPE_CHECKING:  # pragma: no cover
    from casekit.intake import Bundle

__all__ = ["register"]


@with_bundle
def _cmd_toolbox(args: argparse.Namespace, bundle: Bundle) -> int:
    from casekit.authoring.toolbox import (
        build_toolbox,
        write_review,
        write_toolbox_docx,
        write_toolbox_xlsx,
    )
    from casekit.file_ids import check_file_id

    check_file_id(bundle.manifest.bundle, tr("资料包名称", "bundle name"))
    regions = args.regions or list(bundle.manifest.top_level_ids())
    regions = bundle.manifest.region_index.require_all(regions)  # every bad name at once, before writing
    with progress(args) as line, line.task("地区", total=len(regions)) as task:
        for region in regions:
            task.step(bundle.manifest.name(region))
            toolbox = build_toolbox(bundle, region)
            top = bundle.manifest.top_of(bundle.manifest.require(region))
            # beside the region reports, not inside a region's folder (a build replaces those whole)
            folder = paths.bundle_output_dir(bundle.manifest.bundle, args.out) / "toolbox"
            for suffix, write in ((".xlsx", write_toolbox_xlsx), (".docx", write_toolbox_docx)):
                target = folder / f"{check_file_id(top, tr('地区编号', 'region id'))}{suffix}"
                write(toolbox, target, force=args.force)
                line.write(f"{bundle.manifest.name(top)}：{target}")
            # the consultant's editing notes: beside the files, never inside them
            review = write_review(toolbox, folder / f"{top}_待修改清单.md")
            if toolbox.review.empty:
                line.write(f"  {bundle.manifest.name(top)}：没有待修改的地方", file=sys.stderr)
            else:
                kinds = toolbox.review["问题"].map(lambda p: str(p).split("：")[0]).value_counts(sort=False)
                summary = "；".join(f"{kind}{n}处" for kind, n in kinds.items())
                line.write(f"  {bundle.manifest.name(top)}待修改{len(toolbox.review)}处（{summary}），见 {review}",
                           file=sys.stderr)
    return EXIT_OK


@with_bundle
def _cmd_outline_interview(args: argparse.Namespace, bundle: Bundle) -> int:
    from casekit.authoring.interview_outline import draft_interview_outline
    from casekit.domain import POPULATIONS, lookup

    population = lookup(POPULATIONS, args.population)
    if population is None:
        print("casekit outline-interview: " + tr(f"没有岗位「{args.population}」；应为以下之一：{'、'.join(POPULATIONS)}",
                                                 f"unknown population {args.population!r}; expected one of "
                                                 f"{', '.join(POPULATIONS)}"), file=sys.stderr)
        return EXIT_USAGE
    segments = None
    if population == "account_manager":
        from casekit.analysis.segments import segment_account_managers

        segments = segment_account_managers(bundle)
    regions = args.regions if len(args.regions) == 1 else bundle.manifest.region_index.require_all(args.regions)
    text = "\n\n".join(  # one outline after the other
        draft_interview_outline(bundle, region, population, minutes=args.minutes, n_dimensions=args.dimensions,
                                segments=segments).to_markdown()
        for region in regions
    )
    if args.out is None:
        print(text)
        return EXIT_OK
    from casekit.safe_save import save_editable

    save_editable(args.out, text, force=args.force)  # a draft the consultant goes on editing
    print(tr(f"访谈大纲已写入 {args.out}", f"interview outline written to {args.out}"), file=sys.stderr)
    return EXIT_OK


def _cmd_case_draft(args: argparse.Namespace) -> int:
    from casekit.authoring.case_draft import default_case_id, draft_case
    from casekit.authoring.cases import case_to_markdown, save_case
    from casekit.authoring.roleplays import draft_roleplay
    from casekit.exceptions import FileIdError
    from casekit.file_ids import check_file_id

    if args.all == (args.note is not None):
        print("casekit case draft: " + tr("请给出一个笔记编号，或用 --all 处理全部笔记",
                                          "give a note id, or --all for every note"), file=sys.stderr)
        return EXIT_USAGE
    if args.all and args.id is not None:
        print("casekit case draft: " + tr("--id 只能命名一个案例；用 --all 时每个案例的编号是 C 加笔记的编号",
                                          "--id names one case; with --all each case is C + its note's number"),
              file=sys.stderr)
        return EXIT_USAGE
    if args.all:
        return _draft_all(args)
    if args.id is not None:
        try:
            check_file_id(args.id, tr("案例编号", "case id"))
        except FileIdError as exc:
            print(f"casekit case draft: --id: {exc}", file=sys.stderr)
            return EXIT_USAGE
    bundle = load(args)  # after the --id check: a bad id is a usage error whatever the bundle
    from casekit.file_ids import normalize_id

    note_id = normalize_id(args.note)  # typed by a person: Ｎ００２ is N002
    case = draft_case(bundle, note_id, case_id=args.id or default_case_id(note_id, map(str, bundle.notes["note_id"])))
    drafts = [case] + ([draft_roleplay(case, bundle=bundle)] if args.roleplay else [])
    if args.save and not args.force:
        # the case and its role-play go together: neither is written when either was edited
        from casekit.authoring.cases import CASES_DIR
        from casekit.safe_save import unedited

        folder = bundle.path / CASES_DIR
        edited = [f"{d.id}.md" for d in drafts  # a link is refused by save_case, with its own message
                  if not (folder / f"{d.id}.md").is_symlink() and not unedited(folder / f"{d.id}.md", root=folder)]
        if edited:
            print("casekit case draft: " + tr(
                f"{'、'.join(edited)} 在 casekit 写入后被改动过，没有替换（加 --force 可替换并保留备份）；这份初稿什么都没有写入",
                f"{', '.join(edited)} was changed since casekit wrote it; not replaced "
                "(use --force to replace it, keeping a backup); nothing of this draft was written"), file=sys.stderr)
            return EXIT_PROBLEMS
    for draft in drafts:
        if args.save:
            saved = save_case(bundle, draft, force=args.force)
            kept = tr(f"（改动过的旧文件保留为 {saved.backup}）", f" (the edited file was kept as {saved.backup})") \
                if saved.backup else ""
            print(tr(f"初稿已写入 {saved.path}{kept}", f"draft written to {saved.path}{kept}"), file=sys.stderr)
        else:
            print(case_to_markdown(draft))
    return EXIT_OK


def _draft_all(args: argparse.Namespace) -> int:
    """``case draft --all``: a case and a role-play from every note; edited files are kept."""
    from casekit.analysis import analyse_notes
    from casekit.authoring.case_draft import default_case_id, draft_case
    from casekit.authoring.cases import case_to_markdown, save_case
    from casekit.authoring.roleplays import draft_roleplay
    from casekit.exceptions import EditedFileError

    bundle = load(args)
    analysis = analyse_notes(bundle)  # once for every note
    written, kept, ready = 0, [], 0
    texts = []
    note_ids = sorted(map(str, bundle.notes["note_id"]))
    for note_id in note_ids:
        case = draft_case(bundle, note_id, analysis=analysis, case_id=default_case_id(note_id, note_ids))
        ready += case.is_complete
        for draft in (case, draft_roleplay(case, bundle=bundle, analysis=analysis)):
            if not args.save:
                texts.append(case_to_markdown(draft))
                continue
            try:
                saved = save_case(bundle, draft, force=args.force)
            except EditedFileError:
                kept.append(f"{draft.id}.md")
                if draft is case:  # its role-play plays the case as drafted: keep the pair together
                    kept.append(f"{draft.id.replace('C', 'R', 1)}.md（随案例保留）")
                    break
                continue
            written += 1
            if saved.backup:
                print(tr(f"{saved.path.name}：改动过的旧文件保留为 {saved.backup.name}",
                         f"{saved.path.name}: the edited file was kept as {saved.backup.name}"), file=sys.stderr)
    if not args.save:
        print("\n".join(texts), end="")
        return EXIT_OK
    n_notes = len(bundle.notes)
    print(tr(f"已从 {n_notes} 篇笔记写出 {written} 份初稿到 {bundle.path / 'cases'}"
             f"（{n_notes - ready} 个案例还有待补充的部分，列在“待核实”下）",
             f"{written} drafts written to {bundle.path / 'cases'} from {n_notes} notes "
             f"({n_notes - ready} cases with parts to fill in, listed under 待核实)"), file=sys.stderr)
    if kept:
        print(tr(f"保留了 {len(kept)} 个在 casekit 写入后被改动过的文件（加 --force 可替换并保留备份）：{'、'.join(kept)}",
                 f"kept {len(kept)} file(s) edited since casekit wrote them (use --force to replace them, "
                 f"keeping a backup): {', '.join(kept)}"), file=sys.stderr)
    return EXIT_OK


@with_bundle
def _cmd_case_list(args: argparse.Namespace, bundle: Bundle) -> int:
    from casekit.authoring.library import case_library, filter_library, library_problems

    library = case_library(bundle)
    for problem in library_problems(library):
        print(f"  {problem}", file=sys.stderr)
    filters = {"industry": args.industry, "product": args.product, "funnel_stage": args.stage,
               "outcome": args.outcome, "module": args.module, "kind": args.kind, "status": args.status}
    if not args.regions or len(args.regions) == 1:
        shown = filter_library(library, region=args.regions[0] if args.regions else None, **filters)
    else:  # a case of any of the regions, once, in the library's order
        ids = set().union(*(filter_library(library, region=region, **filters)["id"] for region in args.regions))
        shown = filter_library(library, **filters)
        shown = shown[shown["id"].isin(ids)].reset_index(drop=True)
    if library.empty:  # nothing to filter: say how a library starts
        print(tr(f"案例库是空的（{bundle.path / 'cases'} 中还没有案例）；可用 casekit case draft {bundle.path} --all --save "
                 "从访谈笔记起草案例和角色扮演",
                 f"the case library is empty (no case in {bundle.path / 'cases'} yet); draft cases and role-plays "
                 f"from the interview notes with casekit case draft {bundle.path} --all --save"), file=sys.stderr)
        return EXIT_OK
    if shown.empty:
        print(tr("没有符合条件的案例", "no case matches"), file=sys.stderr)
        return EXIT_OK
    # on screen kind, region and status by their Chinese names; the CSV has every column, ids too
    columns = [c for c in ("id", "kind_label", "title", "region", "industry_label", "funnel_stage_label",
                           "outcome_label", "status_label") if c in shown.columns]
    # the library's region is the region's name (region_id is its id)
    show(shown[columns] if args.csv is None else shown, args.csv, {"region": "地区", "region_name": "地区"})
    return EXIT_OK


@with_bundle
def _cmd_case_book(args: argparse.Namespace, bundle: Bundle) -> int:
    from casekit.authoring.case_book import (
        case_book_markdown,
        held_back,
        no_trainee_cases_message,
        select_for_course,
        trainee_cases,
        write_case_book_docx,
    )
    from casekit.authoring.library import case_library, filter_library
    from casekit.domain import POPULATIONS, lookup
    from casekit.safe_save import save_editable

    population = lookup(POPULATIONS, args.population)
    if population is None:
        print("casekit case book: " + tr(f"没有岗位「{args.population}」", f"unknown population {args.population!r}"),
              file=sys.stderr)
        return EXIT_USAGE
    with progress(args) as line:  # the line is clear whenever a message is printed below
        library = case_library(bundle, progress=line)
    if args.reviewed_only:
        library = filter_library(library, status="reviewed")
    chosen = select_for_course(library, population)
    if chosen.empty:
        print("没有可编入案例集的案例（cases/ 中没有该岗位课程模块的案例）", file=sys.stderr)
        return EXIT_PROBLEMS
    title = args.title or f"{bundle.manifest.client} {POPULATIONS[population].label}培训案例集"
    from casekit.authoring.library import library_cases

    shown = library_cases(chosen) if args.trainer else trainee_cases(chosen)
    if not args.trainer:
        for item in held_back(chosen):  # reviewed, yet `casekit case list` reports a problem in it
            print(f"未编入学员版：{item.id}「{item.title}」有待处理的问题（个人信息、结构或编号），"
                  "请用 casekit case list 查看并修改", file=sys.stderr)
    if not shown:  # the book says so too, in the same words
        print(no_trainee_cases_message(int((chosen["kind"] == "case").sum())), file=sys.stderr)
    with progress(args) as line:
        if args.out.suffix.lower() == ".docx":
            write_case_book_docx(chosen, args.out, title=title, trainer=args.trainer,
                                 client=bundle.manifest.client, force=args.force, progress=line)
        else:
            text = case_book_markdown(chosen, title=title, client=bundle.manifest.client,
                                      include_teaching_notes=args.trainer, progress=line)
            save_editable(args.out, text, force=args.force)
    print(tr(f"已把 {len(shown)} 个案例和角色扮演写入 {args.out}", f"{len(shown)} cases and role-plays written to {args.out}"),
          file=sys.stderr)
    return EXIT_OK


def register(add_parser: AddParser) -> None:
    """Add ``toolbox``, ``outline-interview`` and ``case draft|list|book`` to the ``casekit`` parser."""
    p = add_parser("toolbox", help=tr("每个地区的销售工具包（交叉表、目标客户模型、客户表），XLSX 和 DOCX 格式",
                                      "each region's sales toolbox (cross tables, target customer model, customer tables) as XLSX and DOCX"),
                   parents=[bundle_parent(), regions_parent(), force_parent(), quiet_parent()])
    p.add_argument("--out", type=Path, help=tr("报告文件夹（默认：reports/）；文件写入 <报告文件夹>/<资料包>/toolbox"
                                               "/<地区>.xlsx|.docx，顾问的待修改清单写在旁边的 <地区>_待修改清单.md",
                                               "reports folder (default: reports/); files go to "
                                               "<out>/<bundle>/toolbox/<region>.xlsx|.docx, "
                                               "the consultant's editing list to <region>_待修改清单.md beside them"))
    p.set_defaults(func=_cmd_toolbox)

    p = add_parser("outline-interview", help=tr("根据问卷结果起草一个地区的一对一访谈大纲",
                                                "draft a region's one-on-one interview outline (访谈大纲) from the survey results"),
                   parents=[
                       bundle_parent(),
                       regions_parent(tr("地区编号或名称；给出多个时逐个输出大纲",
                                         "region ids or names; several: one outline after the other"), required=True,
                                      alias=True),
                       out_file_parent("outline-interview", tr("把 Markdown 写入这个文件（默认：打印在终端）",
                                                               "write the Markdown to this file (default: print it)")),
                       force_parent(),
                   ])
    p.add_argument("--population", default="account_manager", help=tr("岗位编号或名称（默认：%(default)s）",
                                                                      "population id or label (default: %(default)s)"))
    p.add_argument("--minutes", type=int, default=60, help=tr("访谈时长，分钟（默认：%(default)s）",
                                                              "interview length (default: %(default)s)"))
    p.add_argument("--dimensions", type=int, default=3, help=tr("深入追问的最弱维度个数（默认：%(default)s）",
                                                                "weakest dimensions probed (default: %(default)s)"))
    p.set_defaults(func=_cmd_outline_interview)

    p = add_parser("case", help=tr("教学案例和角色扮演：从笔记起草、列出案例库、导出案例集",
                                   "teaching cases and role-plays: draft from a note, list the library, export a case book"))
    case_sub = p.add_subparsers(dest="case_command", required=True, metavar=tr("操作", "ACTION"))
    d = case_sub.add_parser("draft", help=tr("从已脱敏、已编码的访谈笔记起草一个案例（和一个角色扮演）",
                                             "draft a case (and a role-play) from a redacted, coded interview note"),
                            parents=[bundle_parent(), force_parent()])
    d.add_argument("note", nargs="?", metavar=tr("笔记编号", "note"),
                   help=tr("笔记编号，例如 N002（或用 --all）", "note id, e.g. N002 (or --all)"))
    d.add_argument("--all", action="store_true",
                   help=tr("从每篇笔记起草一个案例和一个角色扮演（与 --save 一起用时，casekit 写入后被改动过的文件保留不动，除非加 --force）",
                           "draft a case and a role-play from every note (with --save: files edited since casekit "
                           "wrote them are kept unless --force)"))
    d.add_argument("--id", help=tr("案例编号，即 cases/ 中的文件名（字母、数字、_ - .；默认：C 加笔记的编号）",
                                   "case id, the file name in cases/ (letters, digits, _ - .; default: C + the note's number)"))
    d.add_argument("--roleplay", action="store_true", help=tr("同时根据案例起草一个角色扮演",
                                                              "also draft a role-play from the case"))
    d.add_argument("--save", action="store_true", help=tr("把初稿写入资料包的 cases/ 文件夹（默认：打印在终端）",
                                                          "write the drafts to the bundle's cases/ (default: print them)"))
    d.set_defaults(func=_cmd_case_draft)

    d = case_sub.add_parser("list", help=tr("列出资料包的案例库，可按条件筛选", "the bundle's case library, filtered"), parents=[
        bundle_parent(),
        regions_parent(tr("地区编号或名称（省级地区也包括其下地市的案例）",
                          "region ids or names (a top-level region also matches its cities' cases)"), alias=True),
        csv_parent("case list", tr("把完整索引写成 CSV", "write the whole index as CSV")),
    ])
    for flag, zh, what in (("--industry", "行业编号或名称", "industry id or label"),
                           ("--product", "本地产品名或标准产品名", "local or canonical product"),
                           ("--stage", "销售阶段编号或名称", "funnel stage id or label"),
                           ("--outcome", "success 成功或 failure 失败", "success/failure (成功/失败)"),
                           ("--module", "课程模块编号或标题", "course module id or title"),
                           ("--kind", "case 案例或 roleplay 角色扮演", "case or roleplay"),
                           ("--status", "draft 初稿或 reviewed 已审阅", "draft or reviewed")):
        d.add_argument(flag, help=tr(zh, what))
    d.set_defaults(func=_cmd_case_list)

    d = case_sub.add_parser("book", help=tr("把一门课程的案例集导出为 DOCX 或 Markdown",
                                            "export the case book of a course as DOCX or Markdown"), parents=[
        bundle_parent(),
        out_file_parent("case book", tr("book.docx 或 book.md（扩展名决定格式）",
                                        "book.docx or book.md (the extension chooses the format)"), required=True),
        force_parent(),
        quiet_parent(),
    ])
    d.add_argument("--population", default="account_manager", help=tr("哪个岗位的课程（默认：%(default)s）",
                                                                      "whose course (default: %(default)s)"))
    d.add_argument("--trainer", action="store_true",
                   help=tr("讲师版：全部案例，含教学说明、参考答案、待核实事项和来源（默认：学员版，只含已审阅且完整的案例）",
                           "trainer edition: every case, with teaching notes, answer key, 待核实 and sources "
                           "(default: the trainee edition, reviewed and complete cases only)"))
    d.add_argument("--reviewed-only", action="store_true", help=tr("不收录仍标为初稿的案例",
                                                                   "leave out cases still marked draft"))
    d.add_argument("--title", help=tr("案例集标题（默认：客户名称加培训对象）", "book title (default: client + audience)"))
    d.set_defaults(func=_cmd_case_book)

    # -- casekit guide (issue 13: the diagnosis guide) --
    p = add_parser("guide", help=tr("每个地区的诊断指南（从发现客户痛点的提问到本地资费），DOCX 和 Markdown 格式",
                                    "each region's diagnosis guide (from the question that finds the customer's pain to the local price) as DOCX and Markdown"),
                   parents=[bundle_parent(), regions_parent(), force_parent()])
    p.add_argument("--out", type=Path, help=tr("报告文件夹（默认：reports/）；文件写入 <报告文件夹>/<资料包>/toolbox/<地区>_诊断指南.docx|.md",
                                               "reports folder (default: reports/); files go to <out>/<bundle>/toolbox/<region>_诊断指南.docx|.md"))
    p.set_defaults(func=_cmd_guide)

    # -- casekit action-plan (issue 16: after the course) --
    p = add_parser("action-plan",
                   help=tr("一个地区按客户经理行为类型的 30/60/90 天行动计划，以及销售经理的辅导清单，DOCX 或 Markdown 格式",
                           "a region's 30/60/90-day action plans per account-manager behaviour type and the sales "
                           "managers' coaching checklist (行动计划与辅导清单), as DOCX or Markdown"),
                   parents=[
                       bundle_parent(),
                       out_file_parent("action-plan", tr("写成 行动计划.docx 或 .md（扩展名决定格式；默认：打印 Markdown）",
                                                         "write 行动计划.docx or .md (the extension chooses; "
                                                         "default: print Markdown)")),
                       force_parent(),
                   ])
    p.add_argument("--region", required=True, help=tr("地区编号或名称，例如 hebei 或 河北", "region id or name, e.g. hebei or 河北"))
    p.add_argument("--rules", type=Path,
                   help=tr("改过的规则文件（casekit/authoring/action_plan.yaml 的副本；默认：自带的规则）",
                           "an edited copy of the rules file casekit/authoring/action_plan.yaml (default: the packaged one)"))
    p.set_defaults(func=_cmd_action_plan)


@with_bundle
def _cmd_guide(args: argparse.Namespace, bundle: Bundle) -> int:
    from casekit.analysis import analyse_notes
    from casekit.authoring.diagnosis_guide import (
        build_diagnosis_guide,
        diagnosis_guide_docx_bytes,
        diagnosis_guide_markdown,
    )
    from casekit.exceptions import EditedFileError
    from casekit.file_ids import check_file_id
    from casekit.safe_save import edited_files, save_editable

    check_file_id(bundle.manifest.bundle, tr("资料包名称", "bundle name"))
    regions = args.regions or list(bundle.manifest.top_level_ids())
    regions = bundle.manifest.region_index.require_all(regions)  # every bad name at once, before writing
    # beside the regions' toolboxes
    folder = paths.bundle_output_dir(bundle.manifest.bundle, args.out) / "toolbox"
    notes = analyse_notes(bundle)  # once for every region
    contents: dict[str, bytes] = {}
    guides: list = []  # (guide, its file names)
    for region in regions:
        guide = build_diagnosis_guide(bundle, region, notes=notes)
        if any(g.region_id == guide.region_id for g, _ in guides):
            continue  # a city and its province: one guide
        stem = f"{check_file_id(guide.region_id, tr('地区编号', 'region id'))}_诊断指南"
        contents[f"{stem}.docx"] = diagnosis_guide_docx_bytes(guide)
        contents[f"{stem}.md"] = diagnosis_guide_markdown(guide).encode("utf-8")
        guides.append((guide, (f"{stem}.docx", f"{stem}.md")))
    if not args.force:  # an edited guide anywhere: nothing written
        edited = edited_files(contents, folder)
        if edited:
            raise EditedFileError(folder / edited[0])
    for guide, names in guides:
        for name in names:
            target = folder / name
            save_editable(target, contents[name], force=args.force)
            print(f"{guide.region_name}：{target}")
        for note in guide.review:
            print(f"  请改写：{note}", file=sys.stderr)
    return EXIT_OK


@with_bundle
def _cmd_action_plan(args: argparse.Namespace, bundle: Bundle) -> int:
    from casekit.analysis.segments import segment_account_managers
    from casekit.authoring.action_plan import action_plans, followup_focus, load_action_rules
    from casekit.authoring.coaching_checklist import action_plan_markdown, coaching_checklist, write_action_plan
    from casekit.reports.course import course_design

    if args.rules is not None and not args.rules.is_file():
        print(f"casekit action-plan: 找不到规则文件 {args.rules}", file=sys.stderr)
        return EXIT_USAGE
    rules = load_action_rules(args.rules)  # a bad rules file: every problem, before any analysis
    design = course_design(bundle, args.region, "account_manager")
    segments = segment_account_managers(bundle)
    focus = None
    if getattr(bundle, "followup", None) is not None:  # after a follow-up: the next ninety days
        from casekit.analysis import evaluate_followup
        from casekit.exceptions import AnalysisError

        try:
            evaluation = evaluate_followup(bundle, region=design.region, types=False)
        except AnalysisError:  # the region was not trained: a plan from the baseline
            evaluation = None
        focus = followup_focus(evaluation, design.region, followup=bundle.followup, rules=rules)
    plans = action_plans(design, segments, rules=rules, focus=focus)
    checklist = coaching_checklist(design, plans, rules=rules)
    if not segments.clear:
        print(f"{design.region_name}：未发现明显不同的客户经理类型，行动计划按全体客户经理编写", file=sys.stderr)
    if focus is not None:
        print(f"{design.region_name}：按{focus.wave_label or '培训后回访'}的结果编写下一个九十天的计划", file=sys.stderr)
    if args.out is None:
        print(action_plan_markdown(plans, checklist), end="")
        return EXIT_OK
    target = write_action_plan(plans, checklist, args.out, force=args.force)
    who = f"{len(plans) - 1}类客户经理" if segments.clear else "全体客户经理"
    print(f"{design.region_name}：行动计划（{who}）与陪访记录卡已写入 {target}", file=sys.stderr)
    if segments.clear:
        print("  各类人员名单只给顾问：casekit segment（写入内部文件夹），请另行交给销售经理，不要附在本文件中",
              file=sys.stderr)
    return EXIT_OK
