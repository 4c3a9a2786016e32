"""Review 74, F4: the report of a comparison folder carries sim compare's note of a
scenario that extends a file the reference does not, for the report's reference."""

from __future__ import annotations

import warnings
from pathlib import Path

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def test_the_comparison_report_has_the_extends_note(tmp_path: Path) -> None:
    import sim
    from sim.output.report import write_report

    leaky = tmp_path / "leaky.yaml"
    leaky.write_text(f"extends: {TINY}\nname: leaky\n", encoding="utf-8")
    deal = tmp_path / "deal.yaml"
    deal.write_text("extends: leaky.yaml\nname: deal\n", encoding="utf-8")
    out = tmp_path / "cmp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim.compare([TINY, deal], replications=1, workers=1, out=out, figures=False)
    report = write_report(out)
    said = "deal extends leaky.yaml, which the reference (tiny) does not"
    assert any(said in n for n in report.notes)
    assert said in report.path.read_text(encoding="utf-8")
    # recomputed for the report's reference: deal's chain holds all of tiny's
    again = write_report(out, out=tmp_path / "r2.html", reference="deal")
    assert not any("extends" in n for n in again.notes)
