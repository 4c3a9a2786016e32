"""F75b: in a sweep's merged notes the minus sign U+2212 ('\u22120.3', as typeset text
writes it) is a number's sign as '-' is. It was read as text: notes with '\u22120.5' and
'\u22120.3' merged to '\u22120.3 to 0.5' (the sign kept from the text, the range over the
unsigned numbers), and a range written '10\u221220' was not bracketed."""

from __future__ import annotations

from sim.experiment.sweep import RANGE_NOTE, point_notes

MINUS = "\u2212"


def test_the_minus_sign_is_a_sign() -> None:
    notes = point_notes([[f"elasticity {MINUS}0.5 gives no response"],
                         [f"elasticity {MINUS}0.3 gives no response"],
                         [f"elasticity {MINUS}0.4 gives no response"]])
    assert notes == [f"elasticity {MINUS}0.5 to {MINUS}0.3 gives no response "
                     f"(at all 3 points; {RANGE_NOTE})"]
    # against a positive number, and in thousands: ordered by value, signs kept as written
    assert point_notes([[f"shift ({MINUS}2) days"], ["shift (1) days"]]) == [
        f"shift ({MINUS}2 to 1) days (at all 2 points; {RANGE_NOTE})"]
    assert point_notes([[f"loss {MINUS}300 t"], [f"loss {MINUS}1,789 t"]]) == [
        f"loss {MINUS}1,789 to {MINUS}300 t (at all 2 points; {RANGE_NOTE})"]


def test_one_number_written_with_either_minus_is_not_a_range() -> None:
    # written as one of them (the same whichever point comes first), not '-0.5 to −0.5'
    for order in (1, -1):
        assert point_notes([[f"elasticity {MINUS}0.5 and 2"],
                            ["elasticity -0.5 and 3"]][::order]) == [
            f"elasticity -0.5 and 2 to 3 (at all 2 points; {RANGE_NOTE})"]


def test_a_range_written_with_the_minus_sign_is_bracketed() -> None:
    assert point_notes([[f"closed days 10{MINUS}20"], [f"closed days 12{MINUS}25"]]) == [
        f"closed days [10, 12]{MINUS}[20, 25] (at all 2 points; {RANGE_NOTE})"]


def test_a_minus_sign_inside_an_id_is_no_sign() -> None:
    # the digit after it names another object: the notes are about different things
    a, b = f"supplier 'sup{MINUS}1' ships 5 t", f"supplier 'sup{MINUS}2' ships 5 t"
    assert point_notes([[a], [b]]) == [f"{a} (at 1 of 2 points: sample 0)",
                                       f"{b} (at 1 of 2 points: sample 1)"]
    c, d = f"supplier sup{MINUS}1 ships 5 t", f"supplier sup{MINUS}2 ships 5 t"
    assert point_notes([[c], [d]]) == [f"{c} (at 1 of 2 points: sample 0)",
                                       f"{d} (at 1 of 2 points: sample 1)"]


def test_the_footnote_says_dates_are_ranged_too() -> None:
    # dates are ranged as numbers are: the footnote said "a number" only
    notes = point_notes([["the ban ends on 2024-03-04"], ["the ban ends on 2024-02-17"]])
    assert notes == ["the ban ends on 2024-02-17 to 2024-03-04 (at all 2 points; a number "
                     "or date that differs between these points is shown as its range over "
                     "them)"]
