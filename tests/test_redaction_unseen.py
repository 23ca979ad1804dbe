"""Redaction on notes written after the redactor was finished, by someone who did not tune it.

``tests/fixtures/pii_unseen/`` holds five notes (Markdown and plain text, interview transcript,
debrief, demo-hall visit) with 26 labelled items; none of them was used to develop the
detectors. This is the check of "works on notes nobody here wrote"; the tuned labelled set and
its recall/precision figures are in ``tests/test_redaction.py`` and ``docs/redaction.md``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from casekit.cli import main
from casekit.intake.redaction import Redactor

UNSEEN = Path(__file__).parent / "fixtures" / "pii_unseen"
LABELS: dict[str, list[dict[str, str]]] = yaml.safe_load((UNSEEN / "labels.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(LABELS))
def test_every_labelled_item_is_gone(name):
    redacted = Redactor().redact((UNSEEN / name).read_text(encoding="utf-8")).text
    assert [item["string"] for item in LABELS[name] if item["string"] in redacted] == []


def test_what_the_note_says_survives_redaction():
    redacted = Redactor().redact((UNSEEN / "U02.md").read_text(encoding="utf-8")).text
    for kept in ("演示厅", "前厅部", "客人投诉少了多少", "经理", "国际大酒店"):
        assert kept in redacted


def test_casekit_redact_prints_the_unseen_notes_redacted(capsys):
    files = [str(UNSEEN / name) for name in sorted(LABELS)]
    assert main(["redact", *files]) == 0
    printed = capsys.readouterr().out
    assert "〔手机号〕" in printed and "〔身份证号〕" in printed and "〔企业" in printed
    assert [i["string"] for items in LABELS.values() for i in items if i["string"] in printed] == []
