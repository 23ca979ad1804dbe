"""Redaction of personal data in Chinese interview notes (访谈记录脱敏), without a bundle.

Research notes name customers' companies, contacts and their phone numbers; none of it may reach
a case, a report or an export. The package is split by what each part knows:

* :mod:`.patterns`: number-like data (phones, resident IDs, e-mails, QQ and WeChat ids), pure
  regular expressions;
* :mod:`.tokens`: the jieba tokenizer with the method's words, and the candidate record;
* :mod:`.names` and :mod:`.companies`: the person and company detectors and their vocabulary
  (surnames in ``surnames.txt``, titles, company suffixes, generic words);
* :mod:`.redactor`: the stateful :class:`Redactor` (pseudonyms, given roster entries and known
  names as data);
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

from casekit.privacy.redaction.companies import CompanyName
from casekit.privacy.redaction.documents import encode_like, open_package, redact_docx_bytes
from casekit.privacy.redaction.patterns import NUMBER_KINDS, NumberMatch, find_numbers, id_check_digit_ok, normalise
from casekit.privacy.redaction.redactor import (
    KIND_LABELS,
    KINDS,
    Finding,
    Redaction,
    Redactor,
    RosterEntry,
    redact_text,
    unsafe_name,
)

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "NUMBER_KINDS",
    "CompanyName",
    "Finding",
    "NumberMatch",
    "Redaction",
    "Redactor",
    "RosterEntry",
    "encode_like",
    "find_numbers",
    "id_check_digit_ok",
    "normalise",
    "open_package",
    "redact_docx_bytes",
    "redact_text",
    "unsafe_name",
]
