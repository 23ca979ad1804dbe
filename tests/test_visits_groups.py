"""``groups=`` of time_allocation and visit_profile: only the rows asked for, decided on every group."""

from __future__ import annotations

import pandas as pd
import pytest

from casekit.analysis import time_allocation, visit_profile


@pytest.mark.parametrize("by", ["city", "top_region"])
def test_asked_groups_are_the_full_tables_rows(shared_sample_bundle, by):
    bundle = shared_sample_bundle
    full, every = time_allocation(bundle, by=by), visit_profile(bundle, by=by)
    assert time_allocation(bundle, by=by, groups=["no-such-region"]).empty
    for group in full["group"]:
        part = time_allocation(bundle, by=by, groups=[group])
        expected = full.loc[full["group"] == group].reset_index(drop=True)
        pd.testing.assert_frame_equal(part, expected)
        profile = visit_profile(bundle, by=by, groups=[group])
        for table in ("questions", "funnel", "behaviours", "outcomes"):
            rows = getattr(every, table)
            pd.testing.assert_frame_equal(getattr(profile, table),
                                          rows.loc[rows["group"] == group].reset_index(drop=True))
