"""The comparison report's copy of compare.csv clips each scenario's interval to what its
KPI can take and defines the site KPIs in it (review 55: a border queue of "3,228 (-1,818
to 8,273)" trucks and a negative wait sat a few lines below "intervals are clipped")."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest

from sim.experiment.compare import run_comparison

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def test_the_compare_csv_table_is_clipped_and_defined(tmp_path: Path, build,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.output import figures
    from sim.output.report import write_report

    monkeypatch.setattr("sim.output.compare_figures.compare_figure_plan", lambda *a, **k: [])
    monkeypatch.setattr(figures, "flows_figure", lambda res: None)
    monkeypatch.setattr("sim.output.compare_report.figure_html", lambda fig, caption, stem: "")
    closure = build.tiny_closure(tmp_path / "closure.yaml", "{sites: [border]}")
    out = tmp_path / "cmp"
    # two replications and a random post: Student-t intervals far wider than their means
    run_comparison([str(TINY), str(closure)], 2, 1, out=out, figures=False, overrides=[
        "sites.border.service_variability={dist: exponential, mean: 1}",
        "sites.border.clearance_trucks_per_day=5",
        "sites.mine_a.variability={dist: gamma, shape: 2, scale: 0.5}"])
    raw = pd.read_csv(out / "compare.csv")
    held = raw[raw.metric.isin(["peak_held_trucks", "mean_wait_days", "peak_held_t"])]
    assert (held.ci_low < 0).any()  # what the table used to show
    page = html.unescape(write_report(out, out / "r.html").path.read_text(encoding="utf-8"))
    block = page[page.index("<summary>compare.csv"):]
    block = block[:block.index("</details>")]
    rows = re.findall(r"<tr>(.*?)</tr>", block, flags=re.S)
    header = [re.sub("<[^>]+>", "", c).strip() for c in re.findall(r"<th[^>]*>(.*?)</th>",
                                                                     rows[0], flags=re.S)]
    low = header.index("ci_low")
    metric = header.index("metric")
    for row in rows[1:]:
        cells = [re.sub("<[^>]+>", "", c).strip()
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
        if cells[metric] in ("peak_held_trucks", "mean_wait_days", "peak_held_t") \
                and cells[low] not in ("", "-", "nan"):
            assert not cells[low].startswith("-"), cells
    # defined once by the tables (review 223; the key list has its own terms): in short
    # under the Queues table above, so not again in full here
    tables = page[page.index("<h3>Differences from the reference with 95% confidence"):]
    for kpi in ("peak_held_trucks", "mean_wait_days"):
        assert tables.count(f"<dt>{kpi}</dt>") == 1
        assert f"<dt>{kpi}</dt>" not in block
    assert "<dt>peak_held_t</dt>" in block
