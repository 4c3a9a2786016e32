"""Review 246: mutation testing of ``_local_cluster_undone`` (review 242).

The Dask test of review 242 runs where OMP_NUM_THREADS and the nanny's other variables
are unset, so it saw only variables added: a mutant that left a variable the caller had
set (OMP_NUM_THREADS=4, say) at the nanny's 1 lived. The block's changes are made by
hand here, without Dask: fast, and whatever this machine's environment holds.
"""

from __future__ import annotations

import os
import random

import pytest

from sim.experiment.executors import _local_cluster_undone


def test_the_callers_variables_and_random_state_come_back(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    random.seed(246)
    state = random.getstate()
    with _local_cluster_undone():
        os.environ["OMP_NUM_THREADS"] = "1"  # as the nanny sets it
        os.environ["MALLOC_TRIM_THRESHOLD_"] = "65536"
        random.random()
    assert os.environ.get("OMP_NUM_THREADS") == "4"
    assert "MALLOC_TRIM_THRESHOLD_" not in os.environ
    assert random.getstate() == state


def test_they_come_back_however_the_block_ends(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "4")
    with pytest.raises(KeyboardInterrupt), _local_cluster_undone():
        os.environ["OMP_NUM_THREADS"] = "1"
        raise KeyboardInterrupt
    assert os.environ.get("OMP_NUM_THREADS") == "4"
