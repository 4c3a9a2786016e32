"""Helpers shared by the tests that read the shipped scenario files and the variant table of
``scenarios/README.md`` (the citation reviews F94 and 256)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
README = SCENARIOS / "README.md"


def raw(name: str) -> dict:
    """The shipped scenario file ``name`` as YAML reads it (no ``extends``, no defaults)."""
    return yaml.safe_load((SCENARIOS / name).read_text(encoding="utf-8"))


def readme_row(first_cell: str) -> str:
    """The one row of scenarios/README.md's tables whose first cell is ``first_cell``."""
    rows = [line for line in README.read_text(encoding="utf-8").splitlines()
            if line.startswith(f"| {first_cell} |")]
    assert len(rows) == 1, first_cell
    return rows[0]


def variant_sets(row: str) -> list[list[str]]:
    """The ``--set`` values of each code span of a row's variant cell (its last) that has
    any."""
    variant = row.rstrip(" |").rsplit(" | ", 1)[1]
    spans = [shlex.split(span) for span in re.findall(r"`([^`]*--set[^`]*)`", variant)]
    return [[words[i + 1] for i, word in enumerate(words) if word == "--set"]
            for words in spans]


def copper_china_share(dumped: dict) -> float:
    """Share of DRC copper (t/yr) that the mines' offtake puts in the Chinese channel, of a
    loaded scenario's ``model_dump()``."""
    total = china = 0.0
    for site in dumped["sites"].values():
        if site["kind"] != "mine" or "copper" not in site["output"]:
            continue
        tonnes = site["output"]["copper"]["t_per_year"]
        total += tonnes
        china += tonnes * site["offtake"]["copper"].get("china", 0.0)
    return china / total
