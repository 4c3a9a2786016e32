"""Review 75, F5: a sweep's notes that differ in a number written with an exponent
('1.5e-3', '2.5e-3') were merged into 'rate 1 to 2.5e-3': the number token backtracked to
the '1' before the '.', so the rest of the number read as text. A number is now one token,
exponent included, or none at all (a number run into a unit or a version is text)."""

from __future__ import annotations

from sim.experiment.sweep import RANGE_NOTE, point_notes


def test_numbers_with_an_exponent_are_ranged_whole() -> None:
    notes = point_notes([["rate 1.5e-3 is small"], ["rate 2.5e-3 is small"]])
    assert notes == [f"rate 1.5e-3 to 2.5e-3 is small (at all 2 points; {RANGE_NOTE})"]


def test_exponents_without_a_fraction_and_other_signs() -> None:
    assert point_notes([["rate 1e-06 is small"], ["rate 2e-06 is small"]]) == [
        f"rate 1e-06 to 2e-06 is small (at all 2 points; {RANGE_NOTE})"]
    # ordered by value: 2.5E+3 is larger than 1.5e-3 (U+2212 a minus sign as '-' is)
    assert point_notes([["x 2.5E+3 y"], ["x \u22121.5e\u22123 y"]]) == [
        f"x \u22121.5e\u22123 to 2.5E+3 y (at all 2 points; {RANGE_NOTE})"]


def test_a_number_run_into_other_text_is_not_cut_to_its_first_digits() -> None:
    # '1' of '1.5kg' and '5' of 'v1.5' were numbers: '1.5kg'/'2.5kg' read '1 to 2.5kg'
    for a, b in (("mass 1.5kg", "mass 2.5kg"), ("tool v1.5 used", "tool v1.6 used")):
        notes = point_notes([[a], [b]])
        assert len(notes) == 2, notes
        assert notes[0].startswith(a) and notes[1].startswith(b)
