"""`sim run` names a capacity that its ``--set`` overrides put below the planned flow
(review 154: Kasumbalesa set to 250 trucks a day ran at 140% of it without a word, though
`sim validate` with the same --set said so). A capacity the file itself overloads is the
scenario's, reported by `sim validate` and `sim show`, and not repeated at every run."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sim.cli import main

NOTE = "planned flow into border (border post)"
SHORT = ("--set", "horizon_days=5", "--no-figures", "-q", "-n", "1")


def run(tiny: Path, out: Path, *args: str):
    result = CliRunner().invoke(main, ["run", str(tiny), "--out", str(out), *SHORT, *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_a_set_that_overloads_a_post_is_named(tiny_path: Path, tmp_path: Path) -> None:
    result = run(tiny_path, tmp_path / "r", "--set", "sites.border.clearance_trucks_per_day=1")
    assert f"note: with --set, {NOTE}" in result.stderr
    assert "its queue will grow for as long as that lasts" in result.stderr
    assert result.stderr.count("planned flow into") == 1


def test_no_note_without_an_overload(tiny_path: Path, tmp_path: Path) -> None:
    # the horizon alone is a --set too: it changes no capacity
    assert "planned flow into" not in run(tiny_path, tmp_path / "r").stderr
    result = run(tiny_path, tmp_path / "s", "--set", "sites.border.clearance_trucks_per_day=50")
    assert "planned flow into" not in result.stderr


def test_the_files_own_overload_is_left_to_validate(tiny_text: str, tmp_path: Path) -> None:
    path = tmp_path / "over.yaml"
    over = tiny_text.replace("clearance_trucks_per_day: {value: 100,",
                             "clearance_trucks_per_day: {value: 1,")
    assert over != tiny_text
    path.write_text(over)
    assert "planned flow into" not in run(path, tmp_path / "r").stderr
    checked = CliRunner().invoke(main, ["validate", str(path), "--set", "horizon_days=5"])
    assert checked.exit_code == 0
    assert f"note: {NOTE}" in checked.output


def test_a_set_that_repairs_the_file_leaves_every_overload_to_the_set(
        tiny_text: str, tmp_path: Path) -> None:
    # the file alone fails to load, so every overload with the --set is the --set's
    path = tmp_path / "repaired.yaml"
    broken = tiny_text.replace("clearance_trucks_per_day: {value: 100,",
                               "clearance_trucks_per_day: {value: -1,")
    assert broken != tiny_text
    path.write_text(broken)
    result = run(path, tmp_path / "r", "--set", "sites.border.clearance_trucks_per_day=1")
    assert f"note: with --set, {NOTE}" in result.stderr


def test_the_manifest_keeps_the_note(tiny_path: Path, tmp_path: Path) -> None:
    # review 167: sim run printed it, manifest.json's notes (which sim report says again
    # once the --set values are gone) did not hold it
    import json

    out = tmp_path / "r"
    run(tiny_path, out, "--set", "sites.border.clearance_trucks_per_day=1")
    notes = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["notes"]
    assert [n for n in notes if n.startswith(f"with --set, {NOTE}")]


def test_an_overload_the_set_makes_worse_is_named(tiny_text: str, tmp_path: Path) -> None:
    # review 169: the file's 121% made 207% by a --set went unnoted as "the file's own"
    path = tmp_path / "over.yaml"
    path.write_text(tiny_text.replace("clearance_trucks_per_day: {value: 100,",
                                      "clearance_trucks_per_day: {value: 3,"))
    assert "planned flow into" not in run(path, tmp_path / "same").stderr
    slightly = run(path, tmp_path / "slightly", "--set",
                   "sites.border.clearance_trucks_per_day=2.9").stderr
    assert "planned flow into" not in slightly  # within 5% of the file's overload
    worse = run(path, tmp_path / "worse", "--set", "sites.border.clearance_trucks_per_day=1")
    assert f"note: with --set, {NOTE}" in worse.stderr


def test_compare_and_sweep_name_it_too(tiny_path: Path, tmp_path: Path) -> None:
    # review 169: only sim run said it
    overload = ("--set", "sites.border.clearance_trucks_per_day=1")
    compared = CliRunner().invoke(main, [
        "compare", str(tiny_path), str(tiny_path), "-n", "1", "--out", str(tmp_path / "c"),
        "--no-figures", "-q", "-w", "1", "--set", "horizon_days=5", *overload],
        catch_exceptions=False)
    assert compared.exit_code == 0, compared.output
    assert compared.stderr.count(f"note: tiny: with --set, {NOTE}") == 2
    swept = CliRunner().invoke(main, [
        "sweep", str(tiny_path), "--param", "horizon_days=5:8:int", "-n", "2", "--out",
        str(tmp_path / "s"), "--no-figures", "-q", "-w", "1", *overload],
        catch_exceptions=False)
    assert swept.exit_code == 0, swept.output
    assert f"note: with --set, {NOTE}" in swept.stderr
