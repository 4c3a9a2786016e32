"""What a comparison shows of a scenario's own effects (review 55).

A comparison printed, wrote to compare.md, reported and plotted only totals per commodity:
a scenario whose effect is at a site (a border post's queue) showed none of it, not even
the KPIs named with ``--metric``, which appeared only in the "stopped: ... widest" line and
in compare.csv. Now the named KPIs are rows of every table, the key KPIs and the forest
plot, and the site and lane rows whose paired difference excludes zero are listed, the
largest relative change first, at most ``SITE_LIMIT`` with a note of how many more.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest

from sim.experiment.compare import run_comparison
from sim.experiment.precision import Target, parse_metrics
from sim.output.compare_output import comparison_markdown, comparison_text

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
# the --set values that make tiny.yaml random, as the experiment tests use them
RANDOM = (ROOT / "tests" / "data" / "tiny_random.set").read_text(encoding="utf-8").splitlines()
NAMED = "peak_held_trucks:all:all:border"


@pytest.fixture(scope="module")
def border_closure(tmp_path_factory: pytest.TempPathFactory, build):
    """tiny.yaml (random) against a ten-day closure of its border post, with a precision
    target on the border's queue: the totals hardly move, the border's queue does."""
    where = tmp_path_factory.mktemp("review55")
    path = build.tiny_closure(where / "closure.yaml", "{sites: [border]}")
    out = where / "cmp"
    comp = run_comparison([str(TINY), str(path)], 3, 1, overrides=RANDOM,
                          target=Target(0.5, tuple(parse_metrics([NAMED])), 4), out=out,
                          figures=False)
    return comp, out


def _block(text: str, start: str) -> str:
    block = text[text.index(start):]
    return block[:block.index("\n\n")] if "\n\n" in block else block


def test_the_terminal_shows_the_named_kpi_and_the_sites_that_changed(border_closure) -> None:
    comp, _out = border_closure
    text = comparison_text(comp)
    table = _block(text, "closure vs tiny (reference)")
    row = next(line for line in table.splitlines() if "peak_held_trucks at border" in line)
    assert row.split()[0] == "all" and row.rstrip().endswith("trucks")
    sites = _block(text, "Sites and lanes whose difference's 95% interval excludes zero")
    assert "mean_wait_days at border" in sites and "peak_held_t at border" in sites
    # the named KPI is in the table above, not again among the sites
    assert "peak_held_trucks at border" not in sites
    # most relative change first: the wait (+140%) before the backlog (+68%)
    assert sites.index("mean_wait_days at border") < sites.index("peak_held_t at border")
    # each listed row's interval excludes zero
    t = comp.table
    for line in sites.splitlines()[3:]:
        if line.startswith("note:"):  # what the list leaves out, and where it is
            continue
        if "(all equal)" in line:
            # the closure's own days, from 0 in the reference, the same in every pair
            assert " new " in line and ("closed_days" in line or "reduced_days" in line)
            continue
        low, high = re.search(r"\[([-\d.,]+), ([-\d.,]+)\]", line).groups()
        low, high = float(low.replace(",", "")), float(high.replace(",", ""))
        assert not low <= 0 <= high, line
    assert len(t) > 0


def test_compare_md_shows_them_too(border_closure) -> None:
    comp, out = border_closure
    md = (out / "compare.md").read_text(encoding="utf-8")
    assert md == comparison_markdown(comp)
    assert "| all | peak_held_trucks at border |" in md
    sites = md[md.index("### Sites and lanes, closure vs tiny"):]
    assert "| all | mean_wait_days at border |" in sites
    assert "| copper | peak_held_t at border |" in sites


def test_the_report_lists_the_named_kpi_and_the_sites_among_the_key_kpis(
        border_closure, monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.output import figures
    from sim.output.report import write_report

    # figures are not what this reads
    monkeypatch.setattr("sim.output.compare_figures.compare_figure_plan", lambda *a, **k: [])
    monkeypatch.setattr(figures, "flows_figure", lambda res: None)
    monkeypatch.setattr("sim.output.compare_report.figure_html", lambda fig, caption, stem: "")
    _comp, out = border_closure
    page = html.unescape(write_report(out, out / "r.html").path.read_text(encoding="utf-8"))
    key = page[page.index('id="kpis"'):page.index("<h3>Differences from the reference")]
    items = re.findall(r"<li>(.*?)</li>", key)
    named = [i for i in items if "peak_held_trucks at border" in i]
    assert named and "+23.00 trucks" in re.sub("<[^>]+>", "", named[0])
    assert any("mean_wait_days at border" in i for i in items)
    # the totals come first, then the sites, most relative change first
    wait = next(k for k, i in enumerate(items) if "mean_wait_days at border" in i)
    held = next(k for k, i in enumerate(items) if "peak_held_t at border" in i)
    assert wait < held
    table = page[page.index("<h3>Differences from the reference"):]
    assert "peak_held_trucks at border" in table[:table.index("</table>")]


def test_the_forest_plot_draws_the_named_kpi(border_closure) -> None:
    from sim.output import figures as F

    comp, _out = border_closure
    named = list(zip(comp.labels, comp.results, strict=True))
    fig = F.forest_figure(named, kpis=[("all", "all", "border", "peak_held_trucks")])
    titles = [ax.get_title() for ax in fig.axes if ax.axison]
    assert "peak_held_trucks at border (all commodities)" in titles
    assert "delivered_t" in titles


def test_the_site_list_is_capped_with_a_note_of_how_many_more() -> None:
    from sim.output.tables import SITE_LIMIT, more_note, site_differences

    n = SITE_LIMIT + 3
    table = pd.DataFrame({
        "scenario": ["b"] * n, "commodity": ["copper"] * n, "channel": ["all"] * n,
        "site": [f"s{i}" for i in range(n)], "metric": ["peak_held_t"] * n,
        "diff": [float(i + 1) for i in range(n)],
        "diff_ci_low": [0.5] * n, "diff_ci_high": [float(i + 2) for i in range(n)],
        "rel_change": [0.01 * (i + 1) for i in range(n)]})
    found = site_differences(table, "b")
    assert list(found["site"][:3]) == [f"s{n - 1}", f"s{n - 2}", f"s{n - 3}"]
    assert "3 more site and lane rows" in more_note(len(found) - SITE_LIMIT)
    assert more_note(0) == ""
