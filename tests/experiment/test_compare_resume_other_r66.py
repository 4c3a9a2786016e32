"""Review 66, F3: sim compare A C --out cx --resume over the comparison of A and B in cx
ran C and silently overwrote compare.csv, compare.md and comparison.json with A vs C,
leaving B's folder there unlisted. It is refused (exit 2) with a hint, before anything
runs, whether the comparison there is finished or interrupted."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import main

TINY = Path(__file__).parents[1] / "data" / "tiny.yaml"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    text = TINY.read_text()
    made = {}
    for name in ("a", "b", "c"):
        made[name] = tmp_path / f"{name}.yaml"
        made[name].write_text(text.replace("name: tiny", f"name: tiny{name}", 1))
    return made


def _compare(out: Path, *items: Path, more: tuple[str, ...] = ()) -> object:
    return CliRunner().invoke(main, ["compare", *map(str, items), "-n", "2", "-w", "1",
                                     "--out", str(out), "-q", "--no-figures",
                                     "--set", "horizon_days=30", *more])


@pytest.mark.parametrize("finished", [True, False])
def test_resume_with_other_scenarios_is_refused(tmp_path, files, finished):
    out = tmp_path / "cx"
    assert _compare(out, files["a"], files["b"]).exit_code == 0
    if not finished:
        (out / "comparison.json").unlink()
        (out / "compare.csv").unlink()
    table = (out / "compare.csv").read_text() if finished else None
    result = _compare(out, files["a"], files["c"], more=("--resume",))
    assert result.exit_code == 2, result.output
    assert f"cannot resume the comparison in {out}" in result.output
    said = ("tinyb", "tinyc") if finished else ("b.yaml", "c.yaml")
    assert all(name in result.output for name in said), result.output
    assert "--force" in result.output
    assert not (out / "tinyc").exists()
    if finished:
        assert (out / "compare.csv").read_text() == table
    # the same items in another order are another comparison too
    assert _compare(out, files["b"], files["a"], more=("--resume",)).exit_code == 2
    # the same items resume; --force replaces it
    assert _compare(out, files["a"], files["b"], more=("--resume",)).exit_code == 0
    assert _compare(out, files["a"], files["c"], more=("--force",)).exit_code == 0
    assert "tinyc" in (out / "compare.csv").read_text()
