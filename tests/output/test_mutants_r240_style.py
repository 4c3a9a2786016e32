"""Review 240: mutation testing of style's number-keeping wrapper (review 226/233). Kills a
mutant that survived the existing tests: a number and its unit wider than the line put on
the line already begun, which it then overflowed, instead of on a line of its own."""

from __future__ import annotations

from sim.output.style import fit, wrap


def test_a_number_wider_than_the_line_starts_a_line_of_its_own() -> None:
    assert wrap("a 1,461 days late", 5) == "a\n1,461 days\nlate"
    assert wrap("over 1,461 days", 6) == "over\n1,461 days"
    # fit measures with the font: the words before the number still have their own line
    assert fit("over 1,461 days", 30, 10) == "over\n1,461 days"
