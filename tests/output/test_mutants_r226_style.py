"""Review 226: survivors in :mod:`sim.output.style` and :mod:`sim.output.tables` (S11, T01)
and bug A: ``fit``/``wrap`` split a number joined to its unit mid-digit ("1,4" / "61 days")."""

from __future__ import annotations

import pytest

from sim.output import style as st
from sim.output.tables import share_points

CLOSED = "closed 12 of 1,461 days and 124.5 k t"
TITLE = ("Lead times per route, over tonnes delivered (means of replications). "
         "us_partnership: 3 replications, seed 0, 1,279 days from 2024-01-01 widest "
         "124.5 k t")


@pytest.mark.parametrize(("width", "fitted"), [
    (65, "closed 12 of\n1,461 days\nand\n124.5 k t"),
    (100, "closed 12 of\n1,461 days and\n124.5 k t"),
])
def test_fit_keeps_a_number_with_its_unit(width: float, fitted: str) -> None:
    # S11 (kept = text, no _keep_units): '...and 124.5 k\nt' at 65, '1,461\ndays' at 100
    assert st.fit(CLOSED, width, 10) == fitted


def test_fit_never_splits_a_number_at_a_narrow_width() -> None:
    # bug A: at 50 pt the NBSP-joined "1,461 days" was broken as "1,4" / "61 days"
    fitted = st.fit(CLOSED, 50, 10)
    assert fitted == "closed\n12 of\n1,461 days\nand\n124.5 k t", fitted
    for width in range(10, 260, 5):
        fitted = st.fit(CLOSED, width, 10)
        assert "1,461 days" in fitted and "124.5 k t" in fitted, (width, fitted)
        assert "\u00a0" not in fitted
        for line in fitted.split("\n"):
            assert line == line.strip(), (width, fitted)


def test_fit_keeps_its_width_where_no_number_is_in_the_way() -> None:
    # a long id (no number) is still broken to fit, as fit_lines promises
    long_id = "a_very_long_scenario_identifier_of_sixty_four_characters_in_total"
    fitted = st.fit(long_id, 100, 10)
    assert fitted.replace("\n", "") == long_id
    assert st.text_width(fitted, 10) <= 100


def test_wrap_never_splits_a_number_or_a_date() -> None:
    # bug A: st.wrap(TITLE, 9) wrote "1,279 day" / "s from 20" / "24-01-" / "01 ..."
    for width in range(1, 130):
        wrapped = st.wrap(TITLE, width)
        assert "\u00a0" not in wrapped
        for whole in ("1,279 days", "124.5 k t", "2024-01-01"):
            assert whole in wrapped, (width, wrapped)
        for line in wrapped.split("\n"):
            assert line == line.strip(), (width, wrapped)
    assert max(len(line) for line in st.wrap(TITLE, 40).split("\n")) <= 40


def test_a_difference_of_zero_points_is_written_plainly() -> None:
    # T01: "0 pt", not "+0.00 pt"
    assert share_points(0.0) == "0 pt"
    assert share_points(0.5597) == "+55.97 pt"
