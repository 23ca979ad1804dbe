"""Shared by the benchmark scripts: each rewrites only its own section of RESULTS.md."""

from __future__ import annotations

import os
import platform
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = "# Benchmarks\n\nEach section is rewritten by the script it names; every ratio is measured in one run.\n"


def write_section(name: str, section: str, results: Path = RESULTS) -> None:
    """Replace the section of ``results`` written by benchmark ``name`` (append it the first time).

    Parameters
    ----------
    name : str
        The script's name, e.g. ``"bench_build"``; marks the section's begin and end.
    section : str
        The section's Markdown.
    results : Path
        The results file.
    """
    begin = f"<!-- {name}: begin (rewritten by benchmarks/{name}.py) -->"
    end = f"<!-- {name}: end -->"
    text = results.read_text(encoding="utf-8") if results.exists() else HEADER
    block = f"{begin}\n{section.rstrip()}\n{end}\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        tail = rest.split(end, 1)[1].lstrip("\n")
        text = head + block + (("\n" + tail) if tail else "")
    else:
        text = text.rstrip("\n") + "\n\n" + block
    results.write_text(text, encoding="utf-8")


def cpu_model() -> str:
    """The CPU model from /proc/cpuinfo (or what :mod:`platform` knows)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    """One line describing the machine a benchmark ran on: CPUs, nproc, CPU model, Python, OS."""
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{os.cpu_count()} CPUs (`nproc` {nproc}), {cpu_model()}, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}")
