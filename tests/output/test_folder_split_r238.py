"""Review 238 split sim/output/folder.py (2,030 lines) by concept: atomic writing, the
folder lock, run provenance and reading a folder back left for modules of their own.
Every name a program could import from ``sim.output.folder`` before still imports from
there, as the very object the module it lives in now holds, and the lock's state lives
in one module only (a second copy would be a second, unshared registry of locks)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import sim.output.folder as folder

OUTPUT = Path(folder.__file__).parent

# every public name sim.output.folder held before the split (its stdlib modules and the
# typing names it imported for its own annotations aside), by where it lives now
LIVES_IN = {
    "sim.output.folder": [
        "CSV_FLOATS", "FIGURE_SUFFIXES", "KPI_BLOCK", "MARKS", "OUTPUT_KINDS",
        "RESULT_ENTRIES", "ResultsFolder", "claim_folder", "clear_figures",
        "compared_folders", "compared_members", "comparison_arms", "folder_identity",
        "gone_error", "holds_marks", "nothing_saved", "open_folder_fd", "other_outputs",
        "others_entries", "others_runs", "ran_from_source", "refuse_unmarked",
        "unmarked_entries", "where_now"],
    "sim.output.atomic": [
        "atomic_write_bytes", "atomic_write_chunks", "atomic_write_text", "existing_part",
        "folder_hint", "not_a_folder", "utf8"],
    "sim.output.folder_lock": ["FolderLock", "LOCK_NAME", "lock_folder", "writing"],
    "sim.output.provenance": [
        "REORDERED", "RUN_FORMAT", "UNRECORDED_CODE", "VALUED_OPTIONS", "code_note",
        "file_hashes", "holds_replications", "mixed_code_note", "other_series_shape",
        "other_version", "run_info", "same_order", "scenario_format_sha256", "sha256_of",
        "versions", "with_out"],
    "sim.output.folder_read": [
        "RUN_TABLES", "force_hint", "load_results", "no_replications_error",
        "read_replication", "rebuilt_run_json", "resume_refusal", "run_json_damage",
        "run_json_note"],
    # re-exported before the split already (reviews 196 and 231), or imported for use
    "sim.build": ["CodeTally", "build_kind", "code_label", "git_commit", "worker_code_note"],
    "sim.output.errors": ["DamagedRunWarning", "FolderError"],
    "sim.scenario.fingerprint": [
        "json_safe", "listed_order_sha256", "scenario_json", "scenario_order_sha256",
        "scenario_sha256"],
    "sim.experiment.replication": ["ReplicationResult"],
    "sim.experiment.results": ["Results"],
    "sim.metrics.series": ["SeriesCatalogue", "catalogue"],
    "sim.scenario.loader": ["meta_of"],
    "sim.scenario.schema": ["Scenario"],
    "sim.words": ["and_list"],
}
NEW = ["sim.output.atomic", "sim.output.folder_lock", "sim.output.provenance",
       "sim.output.folder_read"]


@pytest.mark.parametrize("module", sorted(LIVES_IN))
def test_every_name_of_folder_before_the_split_still_imports_from_it(module: str) -> None:
    home = importlib.import_module(module)
    for name in LIVES_IN[module]:
        assert getattr(folder, name) is getattr(home, name), name


@pytest.mark.parametrize("module", NEW)
def test_a_moved_name_is_defined_in_its_new_module(module: str) -> None:
    # defined there, not imported from elsewhere: functions and classes name it
    home = importlib.import_module(module)
    for name in LIVES_IN[module]:
        value = getattr(home, name)
        if callable(value):
            assert value.__module__ == module, name


def test_the_lock_registry_lives_in_one_module() -> None:
    import sim.output.folder_lock as folder_lock

    state = ["_HELD", "_HELD_GUARD", "_SCOPES", "_forget_locks_in_child", "fcntl"]
    assert all(hasattr(folder_lock, name) for name in state)
    for module in ["sim.output.folder", *NEW]:
        if module != "sim.output.folder_lock":
            others = importlib.import_module(module)
            assert [n for n in state if hasattr(others, n)] == [], module
    # and the writer takes its locks there: one held is seen by the registry
    assert folder.lock_folder is folder_lock.lock_folder


def test_a_lock_taken_through_folder_is_in_folder_locks_registry(tmp_path: Path) -> None:
    import os

    import sim.output.folder_lock as folder_lock

    if folder_lock.fcntl is None:
        pytest.skip("no fcntl: no locks")
    handle = folder.lock_folder(tmp_path / "out", "sim run")
    assert handle is not None
    st = os.stat(tmp_path / "out")
    key = (st.st_dev, st.st_ino)  # other tests in this process may hold locks of their own
    try:
        assert folder_lock._HELD[key].count == 1
        again = folder_lock.lock_folder(tmp_path / "out", "sim run")  # shared in-process
        assert again is not None and folder_lock._HELD[key].count == 2
        again.release()
    finally:
        handle.release()
    assert key not in folder_lock._HELD
    assert not (tmp_path / "out" / folder.LOCK_NAME).exists()


@pytest.mark.parametrize("module", NEW)
def test_the_new_modules_do_not_import_folder(module: str) -> None:
    # folder.py imports them at its top: one importing it back would be a cycle
    path = OUTPUT / f"{module.rsplit('.', 1)[1]}.py"
    nodes = list(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
    imported = {n.module for n in nodes if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in nodes if isinstance(n, ast.Import) for a in n.names}
    assert "sim.output.folder" not in imported
