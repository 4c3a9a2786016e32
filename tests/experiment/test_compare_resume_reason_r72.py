"""Review 72, F3: resuming an interrupted comparison with another --set (or after editing
a scenario file) was refused with a message that contradicted itself ("it compares
a.yaml, b.yaml, not a.yaml, b.yaml"). It now names the scenario that resolves to another
one than was run there and says how to resume (exit 2)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sim.cli import main

TINY = Path(__file__).parents[1] / "data" / "tiny.yaml"


def _compare(out: Path, *items: Path, horizon: int = 30, more: tuple[str, ...] = ()):
    return CliRunner().invoke(main, ["compare", *map(str, items), "-n", "2", "-w", "1",
                                     "--out", str(out), "-q", "--no-figures",
                                     "--set", f"horizon_days={horizon}", *more])


def _interrupted(tmp_path: Path) -> tuple[Path, Path, Path]:
    text = TINY.read_text()
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(text.replace("name: tiny", "name: tinya", 1))
    b.write_text(text.replace("name: tiny", "name: tinyb", 1))
    out = tmp_path / "cz"
    assert _compare(out, a, b).exit_code == 0
    # stopped after its runs, before the comparison was written
    (out / "comparison.json").unlink()
    (out / "compare.csv").unlink()
    return out, a, b


def test_resume_with_another_set_names_the_scenario(tmp_path):
    out, a, b = _interrupted(tmp_path)
    result = _compare(out, a, b, horizon=40, more=("--resume",))
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "tinya, tinyb resolve to another scenario than the one run there" in said, said
    assert "another --set, or the file was edited" in said
    assert "not a.yaml, b.yaml" not in said
    assert "--force" in said
    assert not (out / "compare.csv").exists()


def test_resume_after_editing_one_file_names_only_it(tmp_path):
    out, a, b = _interrupted(tmp_path)
    original = b.read_text()
    b.write_text(original.replace("clearance_trucks_per_day: {value: 100",
                                  "clearance_trucks_per_day: {value: 90", 1))
    result = _compare(out, a, b, more=("--resume",))
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "tinyb resolves to another scenario than the one run there" in said, said
    assert "tinya" not in said.split("resolves")[0].split("cz:")[-1]
    # the same files and --set values still resume
    b.write_text(original)
    assert _compare(out, a, b, more=("--resume",)).exit_code == 0
    assert (out / "compare.csv").exists()
