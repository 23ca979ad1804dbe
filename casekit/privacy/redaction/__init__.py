"""Redaction of personal data in Chinese interview notes (访谈记录脱敏), without a bundle.

Research notes name customers' companies, contacts and their phone numbers; none of it may reach
a case, a report or an export. The package is split by what each part knows:

* :mod:`.patterns`: number-like data (phones, resident IDs, e-mails, QQ and WeChat ids), pure
  regular expressions;
* :mod:`.tokens`: the jieba tokenizer with the method's words, and the candidate record;
* :mod:`.names` and :mod:`.companies`: the person and company detectors and their vocabulary
  (surnames in ``surnames.txt``, titles, company suffixes, generic words);
* :mod:`.redactor`: the stateful :class:`Redactor` (pseudonyms, given roster entries,
  :mod:`.entries`, and known names as data);
* :mod:`.documents`: a text's encoding round trip and every text part of a ``.docx`` package.

Reading a bundle's roster, pseudonym table, manifest and catalogue is
:mod:`casekit.intake.redaction`'s (its ``Redactor.from_bundle`` and ``save``); see
``docs/redaction.md``.

Examples
--------
>>> from casekit.privacy.redaction import redact_text
>>> redact_text("华夏宾馆的王经理说，有事打 139-1234-5678。")
'〔企业A〕宾馆的〔甲〕经理说，有事打 〔手机号〕。'
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

#: Where each public name lives. The submodules are imported on first use, so that reading a
#: bundle's roster or a .docx note (:mod:`.entries`, :mod:`.documents`) does not load the
#: detectors' patterns and vocabulary.
_HOMES: dict[str, str] = {
    "CompanyName": "companies",
    "Finding": "redactor",
    "KINDS": "redactor",
    "KIND_LABELS": "redactor",
    "NUMBER_KINDS": "patterns",
    "NumberMatch": "patterns",
    "Redaction": "redactor",
    "Redactor": "redactor",
    "RosterEntry": "entries",
    "encode_like": "documents",
    "find_numbers": "patterns",
    "id_check_digit_ok": "patterns",
    "normalise": "patterns",
    "open_package": "documents",
    "redact_docx_bytes": "documents",
    "redact_text": "redactor",
    "unsafe_name": "redactor",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    """Import a public name from its submodule on first use (PEP 562)."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
