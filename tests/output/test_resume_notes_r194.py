"""Review 194: --resume with nothing to resume said nothing (finding 4), the command
printed to finish an interrupted run gave --out as typed (finding 4), and a finished
folder that lost its run.json was noticed only by a resume, which refused it (finding 8)."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_resume_with_nothing_saved_says_it_starts_anew(tmp_path: Path) -> None:
    code, out = _cli("run", str(TINY), "-n", "1", "-w", "1", "-q", "--no-figures",
                     "--out", str(tmp_path / "r"), "--resume")
    assert code == 0
    assert f"nothing saved in {tmp_path / 'r'}: --resume starts a new run" in out
    code, out = _cli("compare", str(TINY), str(TINY), "-n", "1", "-w", "1", "-q",
                     "--no-figures", "--out", str(tmp_path / "c"), "--resume")
    assert code == 0, out
    assert f"nothing saved in {tmp_path / 'c'}: --resume starts a new comparison" in out
    code, out = _cli("sweep", str(TINY), "--param", "horizon_days=20:30:int", "-n", "2",
                     "-w", "1", "-q", "--no-figures", "--out", str(tmp_path / "s"),
                     "--resume")
    assert code == 0, out
    assert f"nothing saved in {tmp_path / 's'}: --resume starts a new sweep" in out


def test_resume_true_with_nothing_saved_warns(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="nothing saved in .*: resume=True starts a new run"):
        sim.run(TINY, replications=1, out=tmp_path / "r", resume=True, figures=False)
    with pytest.warns(UserWarning, match="resume=True starts a new comparison"):
        sim.compare([TINY, TINY], replications=1, out=tmp_path / "c", resume=True,
                    figures=False)
    with pytest.warns(UserWarning, match="resume=True starts a new sweep"):
        sim.sweep(TINY, {"horizon_days": (20, 30, "int")}, samples=2, out=tmp_path / "s",
                  resume=True, figures=False)


def test_a_resume_finds_its_folder_without_a_note(tmp_path: Path) -> None:
    out = tmp_path / "r"
    sim.run(TINY, replications=1, out=out, figures=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sim.run(TINY, replications=2, out=out, resume=True, figures=False)


def test_the_interrupt_message_gives_out_absolute(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.experiment import runner

    def interrupted(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        kwargs["sink"](next(iter(_one_result())))
        raise KeyboardInterrupt

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(runner, "run_replications", interrupted)
    code, out = _cli("run", str(TINY), "-n", "2", "-w", "1", "-q", "--no-figures",
                     "--out", "rel")
    assert code == 130, out
    assert f"--out {tmp_path / 'rel'}" in out


def _one_result() -> list:
    return [_replication(sim.run(TINY, replications=1, figures=False))]


def _replication(res):  # noqa: ANN001, ANN202
    from sim.experiment.replication import ReplicationResult

    return ReplicationResult(replication=0, kpi_labels=list(res.kpi_labels),
                             kpi_array=res.kpi_values[0], series=res.series_values[0],
                             events=1, wall_s=0.0, timeline=[])


@pytest.fixture
def lost(tmp_path: Path) -> Path:
    """A finished run folder of 2 replications whose run.json was removed."""
    out = tmp_path / "t6"
    sim.run(TINY, replications=2, seed=3, out=out, figures=False)
    (out / "run.json").unlink()
    return out


def test_reading_a_folder_without_its_run_json_gives_a_note(lost: Path) -> None:
    from sim.output.folder import DamagedRunWarning

    with pytest.warns(DamagedRunWarning, match="its run.json is missing.*--resume rebuilds"):
        sim.load_results(lost)
    code, out = _cli("report", str(lost))
    assert code == 0 and "note:" in out and "its run.json is missing" in out
    code, out = _cli("compare", str(lost), str(lost), "--out", str(lost.parent / "c"), "-q")
    assert code == 0, out
    assert out.count("its run.json is missing") == 1


def test_a_truncated_run_json_gives_the_note_too(lost: Path) -> None:
    from sim.output.folder import DamagedRunWarning

    (lost / "run.json").write_text('{\n  "format": "drc-minerals-sim run 1",\n  "sc')
    with pytest.warns(DamagedRunWarning, match="run.json is not the one sim wrote"):
        sim.load_results(lost)


@pytest.mark.parametrize("damage", ["missing", "truncated"])
def test_resume_rebuilds_run_json_from_the_manifest(lost: Path, damage: str) -> None:
    if damage == "truncated":
        (lost / "run.json").write_text('{"format": "drc-minerals-sim')
    code, out = _cli("run", str(TINY), "--out", str(lost), "-w", "1", "-q", "--no-figures",
                     "--resume")
    assert code == 0, out
    assert "read from manifest.json" in out
    info = json.loads((lost / "run.json").read_text())
    assert info["seed"] == 3 and info["replications"] == 2  # the run's own -n and seed
    assert sim.load_results(lost).n == 2


def test_resume_cannot_rebuild_it_and_says_what_is_missing(lost: Path) -> None:
    manifest = json.loads((lost / "manifest.json").read_text())
    manifest["scenario"]["unknown_field_of_another_version"] = 1
    (lost / "manifest.json").write_text(json.dumps(manifest))
    code, out = _cli("run", str(TINY), "-n", "3", "--out", str(lost), "-w", "1", "-q",
                     "--no-figures", "--resume")
    assert code == 2
    assert "no run.json" in out and "manifest.json" in out
    assert "move" in out and "keep its 2 saved replication(s)" in out
    assert len(list((lost / "replications").glob("rep-*.npz"))) == 2
    shutil.rmtree(lost)


def test_a_resume_refused_for_its_n_does_not_say_run_json_was_rebuilt(lost: Path) -> None:
    # the record is read from manifest.json, but run.json is written only once the resume
    # goes on: one refused for its -n left it missing while the note said "rebuilt"
    code, out = _cli("run", str(TINY), "-n", "1", "--out", str(lost), "-w", "1", "-q",
                     "--no-figures", "--resume")
    assert code == 2 and "beyond the 1 asked for" in out
    assert "read from manifest.json" in out and "once this resume goes on" in out
    assert "rebuilt" not in out
    assert not (lost / "run.json").exists()
    assert len(list((lost / "replications").glob("rep-*.npz"))) == 2
