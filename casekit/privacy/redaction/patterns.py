"""Number-like personal data in Chinese notes: phones, resident IDs, e-mails, QQ and WeChat ids.

Pure patterns (no tokenizer): :func:`find_numbers` returns every match with its kind and
confidence; :class:`~casekit.privacy.redaction.redactor.Redactor` weighs them against names and replaces them. The
text is matched after :func:`normalise` (full-width digits and punctuation made half-width, one
character for one, so offsets stay those of the original). See ``docs/redaction.md``.

Examples
--------
>>> [(m.kind, m.start, m.end) for m in find_numbers(normalise("电话：１３９１２３４５６７８"))]
[('mobile', 3, 14)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["EMAIL_RANK", "ID_RANK", "NUMBER_KINDS", "NUMBER_RANK", "NumberMatch", "find_numbers",
           "id_check_digit_ok", "normalise"]

#: The kinds :func:`find_numbers` reports.
NUMBER_KINDS: tuple[str, ...] = ("mobile", "landline", "service_number", "id_number", "email", "qq", "wechat")
#: Ranks of matches (lower wins an overlap): an e-mail holds digits, an ID holds a phone-like run.
EMAIL_RANK, ID_RANK, NUMBER_RANK = 1, 2, 3


@dataclass(frozen=True)
class NumberMatch:
    """One number-like datum: its span, kind (one of :data:`NUMBER_KINDS`), confidence 0–1 and rank."""

    start: int
    end: int
    kind: str
    confidence: float
    rank: int



_FULLWIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_FULLWIDTH.update({0x2013: 0x2D, 0x2014: 0x2D, 0x2212: 0x2D, 0x00A0: 0x20})  # – — − nbsp


def normalise(text: str) -> str:
    """Half-width digits, letters and punctuation; one character for one (offsets unchanged)."""
    return text.translate(_FULLWIDTH)


_SEP = r"[ \-]?"
_NB = r"(?<![0-9A-Za-z_])"  # no digit/letter before
_NA = r"(?![0-9])"  # no digit after
_NOT_AMOUNT = r"(?!\s?(?:元|块|万|亿|%|年|个|人|台|次|分钟|小时))"
_CC = r"(?:\(?(?:\+|00)86\)?[ \-]?)"
_EXT = r"(?:\s?(?:-|转|分机|ext\.?|Ext\.?|EXT\.?|x|X)\s?\d{1,5}(?![0-9]))?"
_LOCAL = r"(?:[1-9]\d{3}" + _SEP + r"\d{4}|[1-9]\d{2}" + _SEP + r"\d{4})"
_AREA = r"(?:010|02\d|0[3-9]\d{2})"
_AREA_CC = r"(?:10|2\d|[3-9]\d{2})"

_MOBILE = re.compile(_NB + r"(?:" + _CC + r"|0)?1[3-9]\d" + _SEP + r"\d{4}" + _SEP + r"\d{4}" + _NA + _NOT_AMOUNT)
_LANDLINE = re.compile(
    _NB + r"(?:\(" + _AREA + r"\)[ \-]?|" + _AREA + _SEP + r"|" + _CC + r"\(?" + _AREA_CC + r"\)?" + _SEP + r")"
    + _LOCAL + _NA + _EXT + _NOT_AMOUNT
)
_LOCAL_CUE = re.compile(
    r"(?:电话|座机|固话|传真|总机|办公室|手机|分机号?|Tel|TEL|tel|Fax|FAX|fax|Phone|phone)"
    r"(?:号码?)?[^0-9\n。；;]{0,6}?"
    r"(?<![0-9])(?P<num>[2-9]\d{2,3}" + _SEP + r"\d{4})" + _NA + r"(?P<ext>" + _EXT[3:-2] + r")?" + _NOT_AMOUNT
)
_SERVICE = re.compile(_NB + r"[48]00(?:[ \-]?\d){7}" + _NA)
_ID18 = re.compile(
    _NB + r"(?P<region>[1-9]\d{5})\s?(?P<birth>(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))"
    r"\s?(?P<tail>\d{3}[0-9Xx])(?![0-9A-Za-z])"
)
_ID_LOOSE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}\s?\d{8}\s?\d{3}[0-9Xx](?![0-9A-Za-z])")
_ID15 = re.compile(r"(?<![0-9])[1-9]\d{5}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9])")
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_QQ = re.compile(r"(?:QQ|qq|Qq|扣扣)(?:号码?)?[^0-9\n]{0,4}?(?<![0-9])(?P<num>[1-9]\d{4,10})(?![0-9])")
#: A WeChat id after its cue (微信号：wen_2008, vx 13912345678 is a mobile), and any id that holds
#: a mobile number among letters (lina13831167788).
_WECHAT = re.compile(
    r"(?:微信|薇信|[Vv]信|[Vv][Xx]|[Ww][Xx]|[Ww]e[Cc]hat)(?:号|ID|id|Id)?(?:\s*[:：]\s*|\s*)"
    r"(?P<id>[A-Za-z][A-Za-z0-9_\-]{4,19})(?![A-Za-z0-9_\-@])"
)
_ID_WITH_MOBILE = re.compile(
    r"(?<![A-Za-z0-9_\-.@])(?=[A-Za-z0-9_\-]*[A-Za-z_])[A-Za-z0-9_\-]*?1[3-9]\d{9}[A-Za-z0-9_\-]*"
    r"(?![A-Za-z0-9_\-@.])"
)
_ID_CUE = re.compile(r"身份证")
_ORDER_CUE = re.compile(r"(?:订单|单号|编号|流水|票号|快递|合同号|工单)")
_PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83",
})
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_digit_ok(number: str) -> bool:
    """Whether an 18-character resident ID's last character is its ISO 7064 check digit."""
    digits = number.replace(" ", "")
    if len(digits) != 18 or not digits[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:17], _ID_WEIGHTS))
    return "10X98765432"[total % 11] == digits[17].upper()


def find_numbers(text: str) -> list[NumberMatch]:
    """Every number-like personal datum in ``text`` (normalised with :func:`normalise` first).

    Overlapping matches are all returned (a mobile inside a WeChat id, a loose ID and a strict
    one); the redactor keeps the best by :attr:`NumberMatch.rank`, then length.
    """
    out: list[NumberMatch] = []
    num = NUMBER_RANK
    for m in _EMAIL.finditer(text):
        out.append(NumberMatch(m.start(), m.end(), "email", 0.99, EMAIL_RANK))
    for m in _ID18.finditer(text):
        before = text[max(0, m.start() - 12):m.start()]
        cue = bool(_ID_CUE.search(before))
        province_ok = m.group("region")[:2] in _PROVINCES
        if not (province_ok or cue):
            continue
        valid = id_check_digit_ok(m.group())
        if valid:
            confidence = 0.99 if province_ok else 0.9
        elif cue:
            confidence = 0.9
        elif _ORDER_CUE.search(before):
            confidence = 0.3  # an order number that happens to look like an ID
        else:
            confidence = 0.8
        out.append(NumberMatch(m.start(), m.end(), "id_number", confidence, ID_RANK))
    for m in _ID_LOOSE.finditer(text):  # a mistyped ID (month 13) right after 身份证
        if _ID_CUE.search(text[max(0, m.start() - 12):m.start()]):
            out.append(NumberMatch(m.start(), m.end(), "id_number", 0.85, ID_RANK + 1))
    for m in _ID15.finditer(text):
        if _ID_CUE.search(text[max(0, m.start() - 12):m.start()]):
            out.append(NumberMatch(m.start(), m.end(), "id_number", 0.85, ID_RANK))
    for m in _MOBILE.finditer(text):
        out.append(NumberMatch(m.start(), m.end(), "mobile", 0.95, num))
    for m in _LANDLINE.finditer(text):
        out.append(NumberMatch(m.start(), m.end(), "landline", 0.9, num))
    for m in _LOCAL_CUE.finditer(text):
        end = m.end("ext") if m.group("ext") else m.end("num")
        out.append(NumberMatch(m.start("num"), end, "landline", 0.8, num + 1))
    for m in _SERVICE.finditer(text):
        out.append(NumberMatch(m.start(), m.end(), "service_number", 0.9, num))
    for m in _WECHAT.finditer(text):
        out.append(NumberMatch(m.start("id"), m.end("id"), "wechat", 0.9, num))
    for m in _ID_WITH_MOBILE.finditer(text):
        out.append(NumberMatch(m.start(), m.end(), "wechat", 0.9, num))
    for m in _QQ.finditer(text):
        out.append(NumberMatch(m.start("num"), m.end("num"), "qq", 0.85, num + 1))
    return out
