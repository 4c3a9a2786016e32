"""Review 86, F9: a results folder's tables (kpis.csv, summary.csv, series.csv.gz,
timeline.csv) cut short, changed or deleted since sim run wrote them went unnoticed, though
manifest.json records their hashes. sim report (a note) and sim.load_results (a
UserWarning) now say so: what they give is rebuilt from the saved replications, and the
run's --resume command rewrites the tables."""

from __future__ import annotations

import shlex
import shutil
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output import report as report_module

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def _sim(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("t86") / "run"
    result = _sim("run", TINY, "-n", 2, "-w", 1, "-q", "--no-figures",
                  "--set", "horizon_days=20", "--out", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def copy(run_folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "run"
    shutil.copytree(run_folder, target)
    return target


@pytest.fixture
def quick_page(monkeypatch: pytest.MonkeyPatch) -> None:
    # the page is not the point (it takes seconds to draw); the notes are
    monkeypatch.setattr(report_module, "run_report_html", lambda res, manifest: "<html>")


def _cut(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


DAMAGE = {
    "kpis.csv cut short": ("kpis.csv", _cut),
    "summary.csv deleted": ("summary.csv", Path.unlink),
    "series.csv.gz cut short": ("series.csv.gz", _cut),
    "timeline.csv deleted": ("timeline.csv", Path.unlink),
    "kpis.csv changed": ("kpis.csv",
                         lambda p: p.write_bytes(p.read_bytes().replace(b",", b";", 1))),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_table_is_named_by_load_results_and_report(copy: Path, damage: str,
                                                            quick_page: None) -> None:
    name, how = DAMAGE[damage]
    how(copy / name)
    with pytest.warns(UserWarning) as caught:
        res = sim.load_results(copy)
    assert res.n == 2  # still loaded, from the replications
    said = " ".join(str(w.message) for w in caught)
    assert name in said
    assert "read from its saved replications" in said
    assert f"--out {copy}" in said and "--resume rewrites them" in said
    result = _sim("report", copy)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert f"note: {copy}: its tables are not those sim run wrote ({name} " in text
    assert "the report was rebuilt from its saved replications" in text


def test_an_intact_folder_gives_no_warning(copy: Path, quick_page: None) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sim.load_results(copy)
    result = _sim("report", copy)
    assert result.exit_code == 0, result.output
    assert "its tables are not those" not in result.output


def test_the_named_command_rewrites_the_tables(copy: Path, quick_page: None) -> None:
    (copy / "summary.csv").unlink()
    _cut(copy / "kpis.csv")
    result = _sim("report", copy)
    note = " ".join(result.output.split())
    command = note.split("intact, and ", 1)[1].split(" rewrites them", 1)[0]
    words = shlex.split(command)
    assert words[:2] == ["sim", "run"] and words[-1] == "--resume"
    result = _sim(*words[1:], "-q")
    assert result.exit_code == 0, result.output
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sim.load_results(copy)
