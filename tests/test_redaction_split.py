"""The redaction in casekit/privacy/redaction/ works without a bundle (issue 11).

The redactor there is given what it knows as data (roster entries, earlier pseudonyms) and keeps
its pseudonyms in memory; reading and writing a bundle's ``_private/`` files is
``casekit.intake.redaction``'s. Its figures on the labelled notes are in ``tests/test_redaction.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from casekit.intake.redaction import Redactor as BundleRedactor
from casekit.intake.roster import PSEUDONYMS_FILE, read_pseudonyms
from casekit.privacy.redaction import Redactor, RosterEntry, redact_text


def test_privacy_redaction_loads_no_intake_module():
    code = ("import sys, casekit.privacy.redaction as r; r.redact_text('王经理'); "
            "print(sorted(m for m in sys.modules if m.startswith('casekit.intake')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert run.stdout.strip() == "[]"


def test_the_redactor_takes_roster_and_pseudonyms_as_data():
    roster = [RosterEntry("person", "王建国", ("老王",)), RosterEntry("company", "恒通物流", ())]
    redactor = Redactor(roster, [("person", "王建国", "〔甲〕")])
    result = redactor.redact("老王说恒通物流的李经理下周来。")
    assert result.text == "老〔甲〕说〔企业A〕的〔乙〕经理下周来。"  # 老 kept, as 小/老 always are
    assert redactor.unsaved == 2  # 〔甲〕 was given; 〔企业A〕 and 〔乙〕 are new
    redactor.mark_saved()
    assert redactor.unsaved == 0
    assert redactor.pseudonyms == [("person", "王建国", "〔甲〕"), ("company", "恒通物流", "〔企业A〕"),
                                   ("person", "李经理", "〔乙〕")]


def test_the_bundle_redactor_writes_what_the_plain_one_only_remembers(tmp_path: Path):
    plain, bundled = Redactor(), BundleRedactor.from_bundle(tmp_path)
    assert plain.redact("王经理").text == bundled.redact("王经理").text == redact_text("王经理") == "〔甲〕经理"
    assert not hasattr(plain, "save")
    assert bundled.save() == tmp_path / PSEUDONYMS_FILE
    assert read_pseudonyms(tmp_path) == [("person", "王经理", "〔甲〕")] and bundled.unsaved == 0
