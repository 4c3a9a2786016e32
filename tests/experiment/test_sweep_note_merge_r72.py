"""Review 72, F1 and F5: a sweep's notes that differ only in their numbers are one note,
but notes about different objects (ids 'sup_1' and 'sup_2') or two notes of the same
point are never merged; and a merged note gives each number that differs as its range
over the points, not one point's number as advice for them all."""

from __future__ import annotations

from sim.experiment.sweep import point_notes

RANGED = "a number or date that differs between these points is shown as its range over them"


def test_notes_about_ids_that_differ_by_a_digit_are_both_kept() -> None:
    a = "supplier 'sup_1' has no lane to any refiner: its 40 t/day go nowhere"
    b = "supplier 'sup_2' has no lane to any refiner: its 40 t/day go nowhere"
    assert point_notes([[a, b]] * 4) == [a, b]
    # unquoted identifiers too (q_1, q2)
    c, d = "market q_1 is never reached", "market q_2 is never reached"
    e, f = "route r1 is closed", "route r2 is closed"
    assert point_notes([[c, d, e, f]] * 2) == [c, d, e, f]


def test_two_notes_of_one_point_are_never_merged() -> None:
    a, b = "route 1 is closed for 5 days", "route 2 is closed for 5 days"
    assert point_notes([[a, b], [b, a]]) == [a, b]
    # each keeps its own points, one at every point, the other at one
    assert point_notes([[a, b], [a]]) == [a, f"{b} (at 1 of 2 points: sample 0)"]


def test_a_note_whose_number_varies_by_point_is_one_note_with_the_range() -> None:
    notes = point_notes([["warmup_days is 30, shorter than the longest route (47.3 days): "
                          "give warmup_days: 48 or more"],
                         [],
                         ["warmup_days is 30, shorter than the longest route (62.4 days): "
                          "give warmup_days: 63 or more"],
                         ["warmup_days is 30, shorter than the longest route (50.1 days): "
                          "give warmup_days: 51 or more"]])
    assert notes == ["warmup_days is 30, shorter than the longest route (47.3 to 62.4 days): "
                     "give warmup_days: 48 to 63 or more (at 3 of 4 points: samples 0, 2, 3; "
                     f"{RANGED})"]


def test_ranges_order_numbers_by_value_not_text() -> None:
    notes = point_notes([["sold 1,789 t of 9.5 t"], ["sold 200 t of 10.25 t"],
                         ["sold 35 t of 10 t"]])
    assert notes == [f"sold 35 to 1,789 t of 9.5 to 10.25 t (at all 3 points; {RANGED})"]


def test_a_note_the_same_at_every_point_is_unchanged() -> None:
    assert point_notes([["factor 0.5 does nothing"]] * 3) == ["factor 0.5 does nothing"]
