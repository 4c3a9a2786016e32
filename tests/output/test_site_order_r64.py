"""Review 64, F1: a site or lane row whose reference mean is 0 (a flow a reroute opened,
such as the Lobito port's throughput under corridor_shocks.yaml) has no relative change.
It is the largest change there is, so the site list shows it first, reads "new" in the
change column, and the headings say that order instead of "the largest relative change
first" (such rows used to go last, under the SITE_LIMIT cut)."""

from __future__ import annotations

import math

import pandas as pd


def _table() -> pd.DataFrame:
    """A compare.csv-like table of scenario ``b``: more rows with a relative change than
    the site list shows, and two rows from a reference of 0 (rel_change NaN)."""
    rows = [("s%d" % i, "throughput_t", 100.0 * (i + 1), 0.02 * (i + 1)) for i in range(12)]
    rows += [("lobito", "peak_held_t", 500.0, math.nan),
             ("lobito", "throughput_t", 250_000.0, math.nan),
             # from 0 too, but its interval includes 0: not listed at all
             ("walvis", "throughput_t", 10.0, math.nan)]
    lows = {"walvis": -5.0}
    return pd.DataFrame({
        "scenario": ["b"] * len(rows), "commodity": ["copper"] * len(rows),
        "channel": ["all"] * len(rows), "site": [r[0] for r in rows],
        "metric": [r[1] for r in rows], "diff": [r[2] for r in rows],
        "diff_ci_low": [lows.get(r[0], r[2] * 0.5) for r in rows],
        "diff_ci_high": [r[2] * 1.5 for r in rows],
        "rel_change": [r[3] for r in rows]})


def test_rows_from_zero_come_first_by_the_size_of_the_difference() -> None:
    from sim.output.tables import SITE_LIMIT, site_differences

    found = site_differences(_table(), "b")
    titles = list(found["metric"] + " at " + found["site"])
    assert titles[:2] == ["throughput_t at lobito", "peak_held_t at lobito"]
    assert "throughput_t at walvis" not in titles
    assert list(found["new"]) == [True, True] + [False] * (len(found) - 2)
    # then the largest relative change first, as before
    assert list(found["site"][2:5]) == ["s11", "s10", "s9"]
    shown = titles[:SITE_LIMIT]
    assert "throughput_t at lobito" in shown and "peak_held_t at lobito" in shown


def test_the_change_of_a_row_from_zero_reads_new() -> None:
    from sim.output.tables import NEW, change_text

    assert change_text(math.nan, 0.0, 250_000.0) == NEW == "new"
    assert change_text(0.125, 8.0, 1.0) == "+12.5%"
    # no reference mean, or no difference: nothing to say
    assert change_text(math.nan, math.nan, 3.0) == "-"
    assert change_text(math.nan, 0.0, 0.0) == "-"


def test_the_headings_say_the_order_truthfully() -> None:
    from sim.output.compare_output import site_lead
    from sim.output.report import _difference_item
    from sim.output.tables import SITE_ORDER, more_note

    lead = site_lead()
    assert "from a reference mean of 0" in SITE_ORDER and SITE_ORDER in lead
    assert not lead.startswith(
        "Sites and lanes whose difference's 95% interval excludes zero, the largest")
    assert "after these in that order" in more_note(3)
    item = _difference_item("b", "copper", "throughput_t at lobito", 250_000.0, "t",
                            math.nan, 200_000.0, 300_000.0, new=True)
    assert "(new: from 0)" in item
