"""sim/experiment/compare.py split by concept (review 237): its table, its notes and its
results folder became compare_table.py, compare_notes.py and compare_folder.py, and every
name the old module defined is still importable from it, the same object as where it now
lives, so tests, notebooks, docs and other modules that import from there keep working."""

from __future__ import annotations

import importlib

import pytest

# The public names compare.py defined before the split (read from its top level by ast).
BEFORE = [
    "COMPARE_COLUMNS", "DEFAULT_REPLICATIONS", "Item", "Arm", "Comparison", "ShownDifference",
    "REPR_METRICS", "ABSENT_IS_ZERO", "absent_values", "current_rows", "compare_table", "ALIKE",
    "alike_notes", "common_replications", "replication_values", "paired_difference",
    "finished_only_error", "resolve", "run_comparison", "seed_notes", "identical_notes",
    "regime_from", "regimes_over_other_periods", "regime_window_notes", "period_kind",
    "SAME_LENGTH", "PERIOD_WORDS", "period_words", "period_notes", "STOCK_FIELDS",
    "initial_stock_notes", "series_period_notes", "chain_record", "extends_notes",
    "labelled_notes", "comparison_record", "metric_text", "recorded_comparison_target",
    "compare", "precision_target",
]

# Where the moved ones live now; compare.py keeps the rest.
MOVED = {
    "sim.experiment.compare_table": [
        "COMPARE_COLUMNS", "ABSENT_IS_ZERO", "absent_values", "current_rows", "compare_table",
        "ALIKE", "alike_notes", "common_replications", "replication_values",
        "paired_difference"],
    "sim.experiment.compare_notes": [
        "seed_notes", "identical_notes", "regime_from", "regimes_over_other_periods",
        "regime_window_notes", "period_kind", "SAME_LENGTH", "PERIOD_WORDS", "period_words",
        "period_notes", "STOCK_FIELDS", "initial_stock_notes", "series_period_notes",
        "chain_record", "extends_notes", "labelled_notes"],
    "sim.experiment.compare_folder": [
        "comparison_record", "metric_text", "recorded_comparison_target"],
}


@pytest.mark.parametrize("name", BEFORE)
def test_every_name_of_the_old_module_is_still_importable_from_it(name: str) -> None:
    compare = importlib.import_module("sim.experiment.compare")
    assert hasattr(compare, name), f"from sim.experiment.compare import {name} fails"


@pytest.mark.parametrize(("module", "name"),
                         [(m, n) for m, names in MOVED.items() for n in names])
def test_a_moved_name_read_from_compare_is_the_object_where_it_lives(module: str,
                                                                     name: str) -> None:
    # the same object, not a copy (a constant or class defined twice would drift apart)
    compare = importlib.import_module("sim.experiment.compare")
    assert getattr(compare, name) is getattr(importlib.import_module(module), name)


def test_the_api_reads_the_comparison_from_compare() -> None:
    import sim
    from sim.experiment import compare

    assert sim.compare is compare.compare
    assert sim.run_comparison is compare.run_comparison
    assert sim.Comparison is compare.Comparison

