"""Review 233 (the merges of reviews 226 and 230, as a code reviewer): the unguarded-main
hint given to `python -m package`, whose __main__ multiprocessing never runs again; a title
number's "unit" swallowing a long site id, which then never broke; a number after US$ split
mid-digit; a comparison written before labels were told apart ignoring case refused on
resume with a hint to do what the user had done."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from expt_helpers import cli

from sim.output import style as st

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def test_a_long_id_after_a_number_still_breaks_to_fit() -> None:
    text = st.fit("Queue at mine 3 kamoto_copper_company_concentrator_plant", 120, 9)
    assert all(st.text_width(line, 9) <= 120 for line in text.split("\n")), text
    assert "3 kamoto" in text  # the number keeps its place
    wrapped = st.wrap("Scenario 2 kolwezi_lubumbashi_corridor_closure_extended: flows", 20)
    assert max(len(line) for line in wrapped.split("\n")) <= 20, wrapped


def test_the_digits_left_of_a_broken_id_break_too() -> None:
    wrapped = st.wrap("route r12345678901234567890", 8).split("\n")
    assert wrapped[:2] == ["route r1", "23456789"], wrapped


def test_a_sum_in_us_dollars_is_never_split() -> None:
    assert "US$1,234,567.89" in st.wrap("US$1,234,567.89 per t", 6).split("\n")[0]


@pytest.mark.filterwarnings("ignore:.*every difference is 0")
def test_a_folder_labelled_before_case_was_told_apart_says_why_it_is_refused(
        tmp_path: Path) -> None:
    for sub, stem in (("a", "Tiny"), ("b", "tiny")):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / f"{stem}.yaml").write_text(TINY.read_text(encoding="utf-8"),
                                                     encoding="utf-8")
    items = [tmp_path / "a" / "Tiny.yaml", tmp_path / "b" / "tiny.yaml"]
    out = tmp_path / "c"
    assert cli("compare", *items, "-n", 2, "-q", "--no-figures", "--out", out).exit_code == 0
    # as the version before review 230 labelled them: Tiny and tiny
    record = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    record["scenarios"][1]["label"] = "tiny"
    (out / "comparison.json").write_text(json.dumps(record), encoding="utf-8")
    result = cli("compare", *items, "-n", 3, "-q", "--no-figures", "--out", out, "--resume")
    assert result.exit_code == 2, result.output
    assert "its scenarios' folders are Tiny, tiny, where this version names them Tiny, " \
           "tiny-2" in result.output
    assert "hint: pass --force to run the comparison again" in result.output
    assert "in the same order" not in result.output
