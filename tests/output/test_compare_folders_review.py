"""Findings of the review of comparison folders ("ran" in comparison.json, comparison_arms,
compared_folders, sim compare --force): which folders in a comparison's folder are its own,
and where the folders it compared are found."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def named(tmp_path: Path, name: str) -> Path:
    """tiny.yaml under another scenario name (a comparison labels its folders by it)."""
    text = TINY.read_text(encoding="utf-8")
    assert "\nname: tiny\n" in text
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace("\nname: tiny\n", f"\nname: {name}\n"), encoding="utf-8")
    return path


# ============================== finding 8b: one judge of "ran" from a comparison's source
def test_one_helper_judges_ran_from_the_source(tmp_path: Path) -> None:
    import sim.output.compare_output as compare_output
    from sim.output.folder import ran_from_source

    (tmp_path / "run").mkdir()
    assert ran_from_source(str(tmp_path / "run")) is False
    assert ran_from_source(str(TINY)) is True
    assert ran_from_source("<scenario tiny>") is True
    assert ran_from_source("<results tiny>") is False
    assert ran_from_source(str(tmp_path / "gone")) is None
    # compare_output no longer has a judge of its own
    assert not hasattr(compare_output, "_ran")


@pytest.mark.parametrize("given", [True, False])
def test_comparison_json_ran_comes_from_the_shared_helper(tmp_path: Path, given: bool) -> None:
    import json

    out = tmp_path / "c"
    if given:
        result = invoke("run", TINY, "-n", 1, "-w", 1, "-q", "--no-figures",
                        "--out", tmp_path / "r")
        assert result.exit_code == 0, result.output
    first = tmp_path / "r" if given else TINY
    result = invoke("compare", first, named(tmp_path, "x"), "-n", 1, "-w", 1, "-q",
                    "--no-figures", "--out", out)
    assert result.exit_code == 0, result.output
    ran = [e["ran"] for e in json.loads((out / "comparison.json").read_text())["scenarios"]]
    assert ran == [not given, True]


# ======================= finding 3: sim compare FOLDER from another working folder
@pytest.fixture
def relative_study(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two runs compared into their parent folder R, all typed relative to tmp_path; the
    working folder is then another one."""
    monkeypatch.chdir(tmp_path)
    for name, scenario in (("base", TINY), ("leak", named(tmp_path, "x"))):
        result = invoke("run", scenario, "-n", 1, "-w", 1, "-q", "--no-figures",
                        "--out", f"R/{name}")
        assert result.exit_code == 0, result.output
    result = invoke("compare", "R/base", "R/leak", "--out", "R", "-q", "--no-figures")
    assert result.exit_code == 0, result.output
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    return tmp_path / "R"


def test_comparison_json_records_absolute_sources(relative_study: Path) -> None:
    import json

    info = json.loads((relative_study / "comparison.json").read_text())
    assert [e["source"] for e in info["scenarios"]] == [
        str(relative_study / "base"), str(relative_study / "leak")]


def test_compare_folder_from_another_working_folder_names_its_folders(
        relative_study: Path) -> None:
    from sim.output.folder import compared_folders

    assert compared_folders(relative_study) == [relative_study / "base",
                                                relative_study / "leak"]
    result = invoke("compare", relative_study, "-w", 1, "-q")
    assert result.exit_code == 2
    assert "not finished" not in result.output, result.output
    assert "(folders: base, leak)" in result.output, result.output


def as_typed_before(study: Path) -> None:
    """Rewrite ``study``'s comparison.json as written before its sources were made
    absolute: as typed, relative to another working folder."""
    import json

    info = json.loads((study / "comparison.json").read_text())
    for entry, typed in zip(info["scenarios"], ("R/base", "R/leak"), strict=True):
        entry["source"] = typed
    (study / "comparison.json").write_text(json.dumps(info))


def test_an_older_comparison_json_with_relative_sources_is_read_too(
        relative_study: Path) -> None:

    from sim.output.folder import compared_folders

    as_typed_before(relative_study)
    assert compared_folders(relative_study) == [relative_study / "base",
                                                relative_study / "leak"]
    result = invoke("compare", relative_study, "-w", 1, "-q")
    assert result.exit_code == 2
    assert "not finished" not in result.output, result.output
    assert "(folders: base, leak)" in result.output, result.output


def test_report_and_load_results_find_an_older_comparisons_folders_too(
        relative_study: Path) -> None:

    import sim
    from sim.output.report import write_report

    as_typed_before(relative_study)
    with pytest.raises(sim.FolderError) as err:
        sim.load_results(relative_study)
    assert "not finished" not in str(err.value.hint or "")
    assert "folders: base, leak" in str(err.value.hint)
    page = write_report(relative_study).path.read_text()
    assert re.search(r"<title>[^<]*compared with[^<]*</title>", page), page[:300]


def test_compared_folders_gone_are_not_called_unfinished(tmp_path: Path,
                                                          relative_study: Path) -> None:
    import json

    info = json.loads((relative_study / "comparison.json").read_text())
    for entry in info["scenarios"]:
        entry["source"] = str(tmp_path / "moved" / entry["label"])
    (relative_study / "comparison.json").write_text(json.dumps(info))
    moved = tmp_path / "moved"
    moved.mkdir()
    for name in ("base", "leak"):
        (relative_study / name).rename(moved / name)
    result = invoke("compare", relative_study, "-w", 1, "-q")
    assert result.exit_code == 2
    assert "not finished" not in result.output, result.output
    assert "not where its comparison.json says" in result.output, result.output


# ============= finding 6: --force over an interrupted comparison removes the folders it ran
def interrupted(tmp_path: Path) -> Path:
    """A comparison of tiny and x in tmp_path/c, as an interruption leaves it: its arms'
    replications saved, no manifest, no tables, no comparison.json."""
    out = tmp_path / "c"
    result = invoke("compare", TINY, named(tmp_path, "x"), "-n", 1, "-w", 1, "-q",
                    "--no-figures", "--out", out)
    assert result.exit_code == 0, result.output
    for name in ("comparison.json", "compare.csv", "compare.md", "tiny/manifest.json",
                 "x/manifest.json"):
        (out / name).unlink()
    return out


def test_an_arm_records_its_comparison_in_run_json(tmp_path: Path) -> None:
    import json

    out = interrupted(tmp_path)
    info = json.loads((out / "x" / "run.json").read_text())
    assert info["comparison"] == str(out.resolve()) and info["label"] == "x"
    from sim.output.folder import comparison_arms

    assert comparison_arms(out) == [out / "tiny", out / "x"]


def test_compare_force_over_an_interrupted_comparison_removes_its_arms(
        tmp_path: Path) -> None:
    out = interrupted(tmp_path)
    result = invoke("compare", TINY, TINY, "-n", 1, "-w", 1, "-q", "--no-figures",
                    "--out", out, "--force")
    assert result.exit_code == 0, result.output
    assert not (out / "x").exists()  # the interrupted comparison's, not this one's
    assert (out / "tiny" / "manifest.json").is_file()
    report = invoke("report", out)
    assert report.exit_code == 0, report.output
    assert "unfinished" not in report.output, report.output


def test_run_force_over_an_interrupted_comparison_removes_its_arms(tmp_path: Path) -> None:
    out = interrupted(tmp_path)
    (out / "compare.md").write_text("left by the interrupted comparison\n")
    result = invoke("run", TINY, "-n", 1, "-w", 1, "-q", "--no-figures", "--out", out,
                    "--force")
    assert result.exit_code == 0, result.output
    assert not (out / "x").exists() and not (out / "tiny").exists()


# ===== finding 2: --force keeps a user's run named like a scenario the new comparison runs
@pytest.fixture
def compared_runs(tmp_path: Path) -> Path:
    """The user's runs tiny/ and x/ compared into their parent folder r."""
    out = tmp_path / "r"
    for scenario in (TINY, named(tmp_path, "x")):
        result = invoke("run", scenario, "-n", 1, "-w", 1, "-q", "--no-figures",
                        "--out", out / scenario.stem)
        assert result.exit_code == 0, result.output
    result = invoke("compare", out / "tiny", out / "x", "--out", out, "-q", "--no-figures")
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize("how", ["--force", "--resume", None])
def test_compare_keeps_a_compared_run_named_like_a_scenario_it_runs(
        compared_runs: Path, tmp_path: Path, how: str | None) -> None:
    before = {name: snapshot(compared_runs / name) for name in ("tiny", "x")}
    result = invoke("compare", TINY, named(tmp_path, "y"), "-n", 1, "-w", 1, "-q",
                    "--no-figures", "--out", compared_runs, *([how] if how else []))
    assert result.exit_code == 2, result.output
    assert f"{compared_runs / 'tiny'} is a results folder the comparison there compared" \
        in result.output, result.output
    assert "choose another --out folder" in result.output
    assert {name: snapshot(compared_runs / name) for name in ("tiny", "x")} == before
    assert (compared_runs / "comparison.json").is_file()  # nothing replaced
    assert not (compared_runs / "y").exists()


def test_compare_force_keeps_another_run_named_like_a_scenario_it_runs(
        tmp_path: Path) -> None:
    out = tmp_path / "c"
    result = invoke("compare", TINY, named(tmp_path, "x"), "-n", 1, "-w", 1, "-q",
                    "--no-figures", "--out", out)
    assert result.exit_code == 0, result.output
    # a run of the user's kept there, named like a scenario of the next comparison
    result = invoke("run", TINY, "-n", 1, "-w", 1, "-q", "--no-figures", "--out", out / "y")
    assert result.exit_code == 0, result.output
    before = snapshot(out / "y")
    result = invoke("compare", TINY, named(tmp_path, "y"), "-n", 1, "-w", 1, "-q",
                    "--no-figures", "--out", out, "--force")
    assert result.exit_code == 2, result.output
    assert f"{out / 'y'} is a run no comparison there wrote" in result.output, result.output
    assert snapshot(out / "y") == before
    assert (out / "x").is_dir() and (out / "comparison.json").is_file()


def test_compare_force_still_replaces_its_own_runs(tmp_path: Path) -> None:
    out = tmp_path / "c"
    x = named(tmp_path, "x")
    for _ in range(2):
        result = invoke("compare", TINY, x, "-n", 1, "-w", 1, "-q", "--no-figures",
                        "--out", out, "--force")
        assert result.exit_code == 0, result.output
    # and an interrupted one's (no comparison.json yet), as run.json records them
    (out / "comparison.json").unlink()
    result = invoke("compare", TINY, x, "-n", 2, "-w", 1, "-q", "--no-figures",
                    "--out", out, "--force")
    assert result.exit_code == 0, result.output
    assert (out / "x" / "replications" / "rep-000001.npz").is_file()
