"""Review 194: the hint that finishes a comparison whose scenario file is no longer found
gave that file's path in a ``sim.compare([...])`` call, which then failed with "no such
scenario file"; it gives ``<the same scenario>`` for it, as sim.run's hint does."""

from __future__ import annotations

from pathlib import Path

from sim.output.report import _comparison_finish_command

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def test_a_missing_scenario_file_is_not_given_to_the_call(tmp_path: Path) -> None:
    import sim
    from sim.output.folder import scenario_sha256

    gone = tmp_path / "moved_away.yaml"
    info = {"replications": 4, "seed": 1,
            "compared": [{"source": str(TINY),
                          "scenario_sha256": scenario_sha256(sim.load_scenario(TINY))},
                         {"source": str(gone), "scenario_sha256": "0"}]}
    hint = _comparison_finish_command(tmp_path / "cmp" / "moved_away", info)
    assert hint.startswith(f"sim.compare([{str(TINY)!r}, <the same scenario>], "
                           "replications=4, seed=1")
    assert str(gone) in hint  # the reason names the file that is not found
    assert f"{str(gone)!r}" not in hint.split(" (sim compare cannot")[0]
