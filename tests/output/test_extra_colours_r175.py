"""The colours of keys and commodities with none of their own (review 175: lithium, added
by a scenario file, took #b15928 beside copper's #b8651b, though EXTRA_COLORS promised
none near a fixed colour)."""

from __future__ import annotations

import itertools

import pytest

from sim.output import style as st


def fixed_colours() -> dict[str, str]:
    """Every colour the style module fixes: its colour tables (any ``*_COLORS`` but
    EXTRA_COLORS, so a table added later counts too) and single colours, with black and
    white."""
    out = {"black": "#000000", "white": "#ffffff"}
    for name, value in vars(st).items():
        if not name.isupper() or name == "EXTRA_COLORS":
            continue
        if name.endswith("_COLORS") and isinstance(value, dict):
            out.update({f"{name}[{k}]": v for k, v in value.items()})
        elif name.endswith("_COLORS"):
            out.update({f"{name}[{i}]": v for i, v in enumerate(value)})
        elif name.endswith(("_COLOR", "NEUTRAL")) and isinstance(value, str):
            out[name] = value
    return out


def test_the_fixed_colours_are_found() -> None:
    found = fixed_colours()
    for colour in ("#b8651b", "#c0392b", "#d62728", "#555555", "#01665e", "#e8847a"):
        assert colour in found.values()


@pytest.mark.parametrize("extra", st.EXTRA_COLORS)
def test_no_extra_colour_is_near_a_fixed_one(extra: str) -> None:
    near = {name: round(st.colour_distance(extra, c), 1) for name, c in fixed_colours().items()
            if st.colour_distance(extra, c) < st.MIN_COLOUR_DISTANCE}
    assert not near, f"{extra} is near {near}"


def test_no_two_extra_colours_are_near() -> None:
    near = [(a, b) for a, b in itertools.combinations(st.EXTRA_COLORS, 2)
            if st.colour_distance(a, b) < st.MIN_COLOUR_DISTANCE]
    assert not near


def test_the_measure() -> None:
    assert st.colour_distance("#b8651b", "#b8651b") == 0
    assert st.colour_distance("#000000", "#ffffff") == pytest.approx(100, abs=0.01)
    # the pair review 175 saw as one colour, and the threshold it is below
    assert st.colour_distance("#b15928", "#b8651b") < 12 < st.MIN_COLOUR_DISTANCE


@pytest.mark.parametrize("name", ["lithium", "tin", "zinc", "nickel", "manganese"])
def test_a_new_commodity_is_far_from_the_three(name: str) -> None:
    colour = st.commodity_color(name)
    for com, fixed in st.COMMODITY_COLORS.items():
        assert st.colour_distance(colour, fixed) >= st.MIN_COLOUR_DISTANCE, com
