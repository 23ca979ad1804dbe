"""The ``casekit`` command line: one entry point, one subcommand per task.

The CLI only parses arguments, calls the library function that does the work and turns
:class:`~casekit.exceptions.CasekitError` into a message and an exit code. Everything it can do
is available from Python (and so from notebooks) under the same names.

One module per command group (``bundle``, ``survey``, ``analysis``, ``notes``, ``authoring``),
each with a ``register(add_parser)``; the options they share are declared once, in
:mod:`casekit.cli.common`, so a flag means the same in every command.

Exit codes: 0 success, 1 the input has problems or some region failed, 2 usage error,
130 interrupted (Ctrl-C), 141 standard output closed early (``casekit … | head``).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from casekit.cli import analysis, authoring, bundle, course, followup, init, notes, survey
from casekit.cli.common import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
)
from casekit.cli.parser import ArgumentParser
from casekit.exceptions import CasekitError
from casekit.language import tr

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PROBLEMS",
    "EXIT_USAGE",
    "build_parser",
    "main",
]


def _version() -> str:
    """casekit's installed version (the package's own when it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("casekit")
    except PackageNotFoundError:  # pragma: no cover - run from a checkout that was never installed
        from casekit import __version__

        return __version__


class _VersionAction(argparse.Action):
    """``--version``, as argparse's own, but the version is looked up only when it is asked for:
    ``importlib.metadata`` would otherwise be imported and searched on every command."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(option_strings, dest, default=argparse.SUPPRESS, nargs=0,
                         help=tr("显示版本号并退出", "show program's version number and exit"))

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        print(f"casekit {_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``casekit`` command.

    Returns
    -------
    argparse.ArgumentParser
        Parser with ``--version`` and the subcommands ``sample``, ``validate``, ``build``
        (:mod:`casekit.cli.bundle`), ``codebook draft``, ``survey`` (:mod:`casekit.cli.survey`),
        ``segment``, ``gaps``, ``linkage``, ``ride-alongs``, ``review360``
        (:mod:`casekit.cli.analysis`), ``redact``, ``codes``, ``quotes``, ``keywords``
        (:mod:`casekit.cli.notes`), ``toolbox``, ``outline-interview`` and ``case draft|list|book``
        (:mod:`casekit.cli.authoring`), ``outline`` (:mod:`casekit.cli.course`), ``followup``
        (:mod:`casekit.cli.followup`).
    """
    parser = ArgumentParser(
        prog="casekit",
        description=tr("电信行业销售培训顾问的调研与案例编写工具：检查调研资料包、分析问卷与访谈、生成各地区报告、"
                       "课程大纲和教学案例。每个命令加 -h 可看它的用法；要看英文提示，把环境变量 CASEKIT_LANG 设为 en。",
                       "Research and case-authoring workbench for telecom sales-training consultants."),
    )
    parser.add_argument("--version", action=_VersionAction)
    sub = parser.add_subparsers(dest="command", required=True, metavar=tr("命令", "COMMAND"))
    for group in (init, bundle, survey, analysis, followup, notes, authoring, course):
        group.register(sub.add_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``casekit`` command line.

    Errors casekit raises on purpose are printed as one message (exit 1). Ctrl-C prints one line
    and exits 130; what was written before stays, nothing is left half-written (every output
    goes through a temporary file or folder and a rename). When standard output is closed early
    (``casekit segment … | head``) the command stops quietly with exit code 141, the status of
    a program stopped by SIGPIPE, as ``cat`` or ``yes`` would.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        The process exit code.
    """
    command = "casekit"
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        command = f"casekit {args.command}"
        try:
            code = int(args.func(args))
        except CasekitError as exc:
            print(f"{command}: {exc}", file=sys.stderr)
            code = EXIT_PROBLEMS
        sys.stdout.flush()  # a closed pipe shows here, not as a traceback at interpreter exit
        return code
    except KeyboardInterrupt:
        print(f"{command}: " + tr("已中断；已经写好的文件都保留，没有写了一半的文件",
                                  "interrupted; what was already written is kept, nothing is left half-written"),
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _discard_stdout()
        return EXIT_BROKEN_PIPE


def _discard_stdout() -> None:
    """Point standard output at the null device, so flushing it at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # pragma: no cover - stdout is not a real file (embedded use)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
