"""Findings of the fourth command-line review: one command's --out folder is not another's.

Each command checked only for its own kind of results in --out, and its clean-up of old
figures then removed what another command wrote there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output.folder import FolderError

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
PARAM = "sites.border.clearance_trucks_per_day=40:60:int"


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def run_into(out: Path, *extra: object):
    return invoke("run", TINY, "-n", 1, "-w", 1, "-q", "--out", out, *extra)


def sweep_into(out: Path, *extra: object):
    return invoke("sweep", TINY, "--param", PARAM, "-n", 2, "-w", 1, "-q", "--out", out,
                  *extra)


def compare_into(out: Path, *extra: object):
    return invoke("compare", TINY, TINY, "-n", 1, "-w", 1, "-q", "--out", out, *extra)


WRITERS = {"run": run_into, "sweep": sweep_into, "compare": compare_into}
MARK = {"run": "manifest.json", "sweep": "sweep.json", "compare": "comparison.json"}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A finished folder of each command, with figures (and a report for the run)."""
    made = {}
    for kind, write in WRITERS.items():
        out = tmp_path_factory.mktemp(kind) / kind
        with pytest.MonkeyPatch.context() as patch:
            if kind == "compare":
                # its own figures/ is what the tests need; its scenarios' folders keep
                # their results files without their run figures, drawing which was most
                # of this fixture's time (a renamed function fails here, loudly)
                patch.setattr("sim.output.figures.write_run_figures", lambda *a, **k: [])
            result = write(out)
        assert result.exit_code == 0, result.output
        made[kind] = out
    assert invoke("report", made["run"]).exit_code == 0
    return made


PAIRS = [(first, then) for first in WRITERS for then in WRITERS if first != then]


@pytest.mark.parametrize(("first", "then"), PAIRS)
def test_a_command_refuses_another_commands_folder_and_leaves_it_as_it_was(
        folders: dict[str, Path], tmp_path: Path, first: str, then: str) -> None:
    import shutil

    out = tmp_path / first
    shutil.copytree(folders[first], out)
    before = snapshot(out)
    assert any(name.startswith("figures/") for name in before)
    for extra in ([], ["--no-figures"], *([["--resume"]] if then != "sweep" else [])):
        result = WRITERS[then](out, *extra)
        assert result.exit_code == 2, (extra, result.output)
        assert "Traceback" not in result.output
        assert f"holds the results of a {'comparison' if first == 'compare' else first}" \
            in result.output
        assert "hint: choose another --out folder, or pass --force" in result.output
        assert snapshot(out) == before


@pytest.mark.parametrize(("first", "then"), PAIRS)
def test_force_replaces_another_commands_folder_without_mixing(
        folders: dict[str, Path], tmp_path: Path, first: str, then: str) -> None:
    import shutil

    out = tmp_path / first
    shutil.copytree(folders[first], out)
    (out / "notes.txt").write_text("mine")  # not results: left alone
    result = WRITERS[then](out, "--force", "--no-figures")
    assert result.exit_code == 0, result.output
    assert (out / MARK[then]).is_file()
    assert not (out / MARK[first]).exists()
    assert not (out / "figures").exists() and not (out / "report.html").exists()
    assert (out / "notes.txt").read_text() == "mine"
    if first == "compare":  # its scenarios' results folders went with it
        assert not any(p.is_dir() for p in out.iterdir()
                       if p.name not in ("replications", "sweep-replications"))
    if first == "run":
        assert not (out / "kpis.csv").exists()


def test_a_comparison_is_not_written_over_a_folder_it_compares(
        folders: dict[str, Path], tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "run"
    shutil.copytree(folders["run"], out)
    before = snapshot(out)
    result = invoke("compare", TINY, out, "-w", 1, "-q", "--out", out, "--force")
    assert result.exit_code == 2, result.output
    assert "one of the results folders compared" in result.output
    assert snapshot(out) == before


def test_the_python_sweep_does_not_write_into_a_run_folder(
        folders: dict[str, Path], tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "run"
    shutil.copytree(folders["run"], out)
    before = snapshot(out)
    with pytest.raises(FolderError, match="holds the results of a run"):
        sim.run_sweep(TINY, [PARAM], "lhs", 2, out=out, figures=False)
    assert snapshot(out) == before
    json.loads((out / "manifest.json").read_text())


# ============================================================================= price cap
CAP = "commodities.copper.price_cap_ratio=1.01"


def test_run_summary_names_a_price_peak_at_the_cap(shock_yaml: Path, tmp_path: Path) -> None:
    # the closure empties the market: with a cap just above 1 every replication reaches it
    result = invoke("run", shock_yaml, "-n", 2, "-w", 1, "--no-figures", "--set", CAP,
                    "--out", tmp_path / "r")
    assert result.exit_code == 0, result.output
    line = next(li for li in result.output.splitlines() if "price_peak_ratio" in li)
    assert "price_peak_ratio (at the cap)" in line and "(all equal)" not in line
    assert "note: price peak at the cap: copper (1.01)" in result.output


def test_run_summary_without_a_cap_reached_is_unmarked(tmp_path: Path) -> None:
    result = invoke("run", TINY, "-n", 2, "-w", 1, "--no-figures", "--out", tmp_path / "r")
    assert result.exit_code == 0, result.output
    assert "at the cap" not in result.output


def test_comparison_names_a_price_peak_at_the_cap(shock_yaml: Path, tmp_path: Path) -> None:
    from sim.output.compare_output import comparison_markdown, comparison_text

    ref = sim.load_scenario(TINY)
    capped = sim.load_scenario(shock_yaml, overrides=[CAP])
    comp = sim.run_comparison([ref, capped], 2)
    for text in (comparison_text(comp), comparison_markdown(comp)):
        line = next(li for li in text.splitlines() if "price_peak_ratio" in li)
        assert "price_peak_ratio (tiny_shock at the cap)" in line, line
        assert "(all equal)" not in line
        assert "price peak at the cap in tiny_shock: copper (1.01)" in text
        assert "price peak at the cap in tiny:" not in text


# ============================================================================= resume hint
def test_the_finish_hint_works_from_anywhere_and_names_the_folder_given(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shlex
    import shutil

    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(TINY, work / "tiny.yaml")
    monkeypatch.chdir(work)
    result = invoke("run", "tiny.yaml", "-n", 1, "-w", 1, "-q", "--no-figures",
                    "--out", "../runs/r")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "runs" / "r"
    (folder / "manifest.json").unlink()  # as if interrupted before the end
    shutil.copytree(folder, tmp_path / "copy")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    for given in (str(folder), "../copy"):
        result = invoke("report", given)
        assert result.exit_code == 2, result.output
        command = result.output.split("finish it with: ", 1)[1].split("; then", 1)[0]
        words = shlex.split(command)
        assert words[:3] == ["sim", "run", str(work / "tiny.yaml")]
        assert words[words.index("--out") + 1] == given
        assert words[-1] == "--resume"
        # and it does finish the folder, from here
        assert invoke(*words[1:]).exit_code == 0
        assert (elsewhere / given / "manifest.json").is_file()


# ============================================================================= compare --set
def test_compare_names_the_scenario_a_set_fails_in_and_says_set_applies_to_all(
        shock_yaml: Path, tmp_path: Path) -> None:
    out = tmp_path / "c"
    result = invoke("compare", shock_yaml, TINY, "--set", "shocks.events.border_closure=null",
                    "-n", 1, "-w", 1, "-q", "--out", out)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert f"in {TINY} (one of the 2 scenarios compared)" in result.output
    assert "there is no shocks.events.border_closure to remove" in result.output
    assert ("hint: --set applies to every scenario compared; put a change that only one of "
            "them can take in a child scenario (extends:)") in result.output
    assert not out.exists()


def test_compare_of_a_file_that_fails_by_itself_gets_no_set_hint(tmp_path: Path) -> None:
    bad_file = tmp_path / "bad.yaml"
    text = TINY.read_text(encoding="utf-8")
    assert text.count("{formal: 1.0,") == 1
    bad_file.write_text(text.replace("{formal: 1.0,", "{formal: 0.9,"))
    result = invoke("compare", TINY, bad_file, "--set", "horizon_days=20", "-n", 1, "-w", 1,
                    "-q", "--out", tmp_path / "c")
    assert result.exit_code == 2, result.output
    assert f"in {bad_file} (one of the 2 scenarios compared)" in result.output
    assert "--set applies to every scenario" not in result.output


# ============================================================================= 8a
def test_report_of_a_sweep_folder_says_it_is_a_sweeps_folder(folders: dict[str, Path]) -> None:
    result = invoke("report", folders["sweep"])
    assert result.exit_code == 2, result.output
    assert "is a sweep's folder, not a results folder" in result.output
    assert "fewer than two run folders" not in result.output
    assert f"hint: the sweep's table is {folders['sweep'] / 'sweep.csv'}" in result.output


@pytest.mark.parametrize("kind", ["sweep", "compare"])
def test_compare_of_a_sweep_or_comparison_folder_says_what_it_is(
        folders: dict[str, Path], tmp_path: Path, kind: str) -> None:
    result = invoke("compare", TINY, folders[kind], "-w", 1, "-q", "--out", tmp_path / "c")
    assert result.exit_code == 2, result.output
    what = "a sweep's folder" if kind == "sweep" else "a comparison's folder"
    assert f"{folders[kind]} is {what}, not a results folder" in result.output
    assert "--resume" not in result.output and "no manifest.json" not in result.output
    if kind == "compare":  # its two scenarios' folders, to compare instead
        assert f"sim compare {folders[kind] / 'tiny'} {folders[kind] / 'tiny-2'}" \
            in result.output
    assert not (tmp_path / "c").exists()


# ============================================================================= 8c, 8f
@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_an_out_folder_that_is_a_file_gets_a_hint(tmp_path: Path, command: str) -> None:
    target = tmp_path / "afile.txt"
    target.write_text("x")
    args = {"run": ["run", TINY], "compare": ["compare", TINY, TINY],
            "sweep": ["sweep", TINY, "--param", PARAM]}[command]
    result = invoke(*args, "--out", target, "-q", "-w", 1)
    assert result.exit_code == 2, result.output
    assert "is a file" in result.output
    assert "hint: --out names the folder to write" in result.output
    assert target.read_text() == "x"


def test_report_out_that_is_a_folder_gets_a_hint(folders: dict[str, Path],
                                                 tmp_path: Path) -> None:
    result = invoke("report", folders["run"], "--out", tmp_path)
    assert result.exit_code == 2, result.output
    assert "hint: --out names the HTML file to write" in result.output


@pytest.mark.parametrize("name", ["r.pdf", "r.png", "report"])
def test_report_refuses_an_out_that_is_not_html(folders: dict[str, Path], tmp_path: Path,
                                                name: str) -> None:
    result = invoke("report", folders["run"], "--out", tmp_path / name)
    assert result.exit_code == 2, result.output
    assert "does not end in .html" in result.output
    html = (tmp_path / name).with_suffix(".html")
    assert f"hint: give a name ending in .html, e.g. {html}" in result.output
    assert not (tmp_path / name).exists()


def test_report_of_a_file_gets_a_hint(folders: dict[str, Path]) -> None:
    result = invoke("report", folders["run"] / "kpis.csv")
    assert result.exit_code == 2, result.output
    assert "hint: give the folder sim run or sim compare wrote" in result.output


@pytest.mark.parametrize("flag", ["--no-figure", "--no-figures"])
def test_show_takes_no_figures_as_the_other_commands_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flag: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("show", TINY, flag)
    assert result.exit_code == 0, result.output
    assert "Scenario tiny" in result.output
    assert list(tmp_path.iterdir()) == []


# ============================================================================= 8d
def test_n_is_refused_for_a_comparison_of_finished_folders(folders: dict[str, Path],
                                                           tmp_path: Path) -> None:
    result = invoke("compare", folders["run"], folders["run"], "-n", 5, "-w", 1, "-q",
                    "--out", tmp_path / "c")
    assert result.exit_code == 2, result.output
    assert "-n 5 does not apply to finished results folders" in result.output
    assert "replication number(s) are common" not in result.output
    assert not (tmp_path / "c").exists()
    # without -n they are compared as they are (figures not tested: drawing them was most
    # of this test's time)
    result = invoke("compare", folders["run"], folders["run"], "-w", 1, "-q",
                    "--out", tmp_path / "c", "--no-figures")
    assert result.exit_code == 0, result.output
