"""``casekit init``: a new engagement's research bundle, ready to fill in and to validate."""

from __future__ import annotations

import argparse
from pathlib import Path

from casekit.cli.common import EXIT_OK, AddParser, force_parent
from casekit.language import tr

__all__ = ["register"]


def _cmd_init(args: argparse.Namespace) -> int:
    from casekit.intake.skeleton import init_bundle

    done = init_bundle(args.folder, client=args.client, engagement=args.engagement, force=args.force,
                       exports=args.from_export or ())
    for rel in done.written:
        print(f"已写入 {rel}")
    if done.unchanged:
        print(f"未改动（内容相同）：{len(done.unchanged)} 个文件")
    for backup in done.backups:
        print(f"原文件已备份为 {backup}")
    for rel in done.removed:
        print(f"已删除上次生成、未改动过的 {rel}")
    print(f"调研资料包已建立：{done.folder}")
    draft = done.draft
    if draft is None:
        print(f"下一步：先阅读 {done.folder / 'README.md'}，修改 manifest.yaml 中的地区，然后运行")
        print(f"  casekit validate {args.folder}")
        return EXIT_OK
    print(f"编码表由{draft.platform_label}导出文件起草：答卷 {draft.n_responses} 份，量表题 {draft.n_items} 道"
          f"（{draft.n_mapped} 道的能力维度由题目写明），背景题 {len(draft.background)} 道，"
          f"不参与分析的列 {draft.n_ignored} 列")
    if draft.decisions:
        print(f"codebook.yaml 中还有 {len(draft.decisions)} 处须您选择（写作 TODO），casekit validate 会逐条列出：")
        for d in draft.decisions[:5]:
            print(f"  第 {d.line} 行：{d.what}")
        if len(draft.decisions) > 5:
            print(f"  …… 另有 {len(draft.decisions) - 5} 处")
    if draft.checks:
        print(f"另有 {len(draft.checks)} 处以 “# TODO” 开头的注释请核对（第 {'、'.join(map(str, draft.checks[:8]))}"
              f"{' ……' if len(draft.checks) > 8 else ''} 行）")
    if draft.unknown_populations:
        print(f"注意：岗位列中的「{'」「'.join(draft.unknown_populations[:5])}」不是本方法的培训对象，"
              "这些答卷会被 casekit validate 逐行列出")
    print(f"下一步：先阅读 {done.folder / 'README.md'}，然后运行")
    print(f"  casekit validate {args.folder}")
    return EXIT_OK


def register(add_parser: AddParser) -> None:
    """Add ``init`` to the ``casekit`` parser."""
    p = add_parser("init", help=tr("为新项目建立调研资料包", "start a new engagement's research bundle"), parents=[
        force_parent(tr("在非空文件夹中重新生成；被替换、且被改动过的文件先备份为 _<文件名>.bak-<时间>",
                        "write into a folder that is not empty, keeping each changed file as a backup "
                        "(_<name>.bak-<time>)")),
    ])
    p.add_argument("folder", type=Path, metavar=tr("文件夹", "folder"),
                   help=tr("新资料包的文件夹（须不存在或为空）", "the new bundle's folder (must not exist or be empty)"))
    p.add_argument("--client", default=None, metavar=tr("名称", "NAME"),
                   help=tr("客户名称，写入 manifest.yaml（以后可再改）", "client name, written to manifest.yaml (can be changed later)"))
    p.add_argument("--engagement", default=None, metavar=tr("名称", "NAME"),
                   help=tr("项目名称，写入 manifest.yaml（以后可再改）",
                           "engagement name, written to manifest.yaml (can be changed later)"))
    p.add_argument("--from-export", action="append", type=Path, metavar=tr("导出文件", "EXPORT"),
                   help=tr("从问卷导出文件开始（问卷星、腾讯问卷等，原样放入 survey/ 并起草编码表）；"
                           "同一份问卷的多个导出文件可重复给出，也可给文件夹或通配符",
                           "start from questionnaire exports (问卷星, 腾讯问卷 …: copied into survey/ as downloaded, "
                           "and the codebook drafted from them); repeat it for several downloads of one "
                           "questionnaire, or give a folder or a pattern"))
    p.set_defaults(func=_cmd_init)
