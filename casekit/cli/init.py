"""``casekit init``: a new engagement's research bundle, ready to fill in and to validate."""

from __future__ import annotations

import argparse
from pathlib import Path

from casekit.cli.common import EXIT_OK, AddParser, force_parent
from casekit.language import tr

__all__ = ["register"]


def _cmd_init(args: argparse.Namespace) -> int:
    from casekit.intake.skeleton import init_bundle

    done = init_bundle(args.folder, client=args.client, engagement=args.engagement, force=args.force)
    for rel in done.written:
        print(f"已写入 {rel}")
    if done.unchanged:
        print(f"未改动（内容相同）：{len(done.unchanged)} 个文件")
    for backup in done.backups:
        print(f"原文件已备份为 {backup}")
    print(f"调研资料包已建立：{done.folder}")
    print(f"下一步：先阅读 {done.folder / 'README.md'}，修改 manifest.yaml 中的地区，然后运行")
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
    p.set_defaults(func=_cmd_init)
