"""Review 74, F6: a sweep's merged notes range an ISO date as one value (not three
numbers), keep a negative number's sign, and bracket a range written where the note
already says 'to' (or '-'), so '1.5 to 2' at one point and '1.7 to 3' at another do not
read as one long range; the merge key treats dates and signed numbers the same way."""

from __future__ import annotations

from sim.experiment.sweep import point_notes

RANGED = "a number or date that differs between these points is shown as its range over them"


def test_dates_are_ranged_as_whole_dates_earliest_to_latest() -> None:
    notes = point_notes([["the warmup ends on 2024-03-04; give warmup_days: 63 or more"],
                         ["the warmup ends on 2024-02-17; give warmup_days: 48 or more"]])
    assert notes == ["the warmup ends on 2024-02-17 to 2024-03-04; give warmup_days: 48 to "
                     f"63 or more (at all 2 points; {RANGED})"]
    # ordered as dates, not as text ('2024-10-01' after '2024-9-05')
    assert point_notes([["opens 2024-10-01"], ["opens 2024-9-05"]]) == [
        f"opens 2024-9-05 to 2024-10-01 (at all 2 points; {RANGED})"]


def test_a_date_and_a_number_in_its_place_are_different_notes() -> None:
    a, b = "the ban ends on 2024-02-17", "the ban ends on 2024"
    assert point_notes([[a], [b]]) == [f"{a} (at 1 of 2 points: sample 0)",
                                       f"{b} (at 1 of 2 points: sample 1)"]


def test_negative_numbers_keep_their_sign() -> None:
    notes = point_notes([["elasticity -0.5 gives no response"],
                         ["elasticity -0.3 gives no response"],
                         ["elasticity -0.4 gives no response"]])
    assert notes == [f"elasticity -0.5 to -0.3 gives no response (at all 3 points; {RANGED})"]
    assert point_notes([["shift (-2) days"], ["shift (1) days"]]) == [
        f"shift (-2 to 1) days (at all 2 points; {RANGED})"]
    # a hyphen inside an id is no sign, and the digit after it names another object
    a, b = "supplier 'sup-1' ships 5 t", "supplier 'sup-2' ships 5 t"
    assert point_notes([[a], [b]]) == [f"{a} (at 1 of 2 points: sample 0)",
                                       f"{b} (at 1 of 2 points: sample 1)"]


def test_a_range_next_to_the_notes_own_to_is_bracketed() -> None:
    notes = point_notes([["price 1.5 to 2"], ["price 1.7 to 3"]])
    assert notes == [f"price [1.5, 1.7] to [2, 3] (at all 2 points; {RANGED})"]
    notes = point_notes([["price 1.5 to 2"], ["price 1.7 to 2"]])
    assert notes == [f"price [1.5, 1.7] to 2 (at all 2 points; {RANGED})"]
    notes = point_notes([["closed days 10-20"], ["closed days 12-25"]])
    assert notes == [f"closed days [10, 12]-[20, 25] (at all 2 points; {RANGED})"]
