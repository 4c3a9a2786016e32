"""``sim report DIR``: one self-contained HTML file with every figure, the KPI tables with
confidence intervals, the scenario's citations and the timeline; scenario text escaped;
exit status 2 for a folder that is not a results folder."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output.figures import compare_figures, run_figures

TINY = Path(__file__).resolve().parents[2] / "tests" / "data" / "tiny.yaml"


class Page(HTMLParser):
    """Collects tags, attributes, tables (class, header cells, rows) and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.tables: list[dict] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._stack: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "table":
            self._stack.append({"class": a.get("class") or "", "head": [], "rows": []})
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._stack:
            text = "".join(self._cell).strip()
            if tag == "th":
                self._stack[-1]["head"].append(text)
            elif self._row is not None:
                self._row.append(text)
            self._cell = None
        elif tag == "tr" and self._stack and self._row:
            self._stack[-1]["rows"].append(self._row)
            self._row = None
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def table(self, cls: str) -> dict:
        found = [t for t in self.tables if cls in t["class"].split()]
        assert found, f"no table of class {cls!r}"
        return found[0]


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def images(page: Page) -> list[dict]:
    return [a for tag, a in page.tags if tag == "img"]


def assert_self_contained(page: Page) -> None:
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "iframe"), f"<{tag}> in a self-contained page"
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            assert not value.startswith(("http:", "https:", "//")), f"{tag} {key}={value}"
    for img in images(page):
        assert (img.get("src") or "").startswith("data:image/png;base64,")
        assert img.get("alt")


@pytest.fixture(scope="module")
def run_page(shock_folder: Path) -> tuple[Path, Page]:
    result = invoke("report", shock_folder)
    assert result.exit_code == 0, result.output
    path = shock_folder / "report.html"
    assert f"Report written to {path}" in result.output
    return path, parse(path)


def test_report_holds_every_figure(run_page, shock_results) -> None:
    _path, page = run_page
    assert_self_contained(page)
    alts = [img["alt"] for img in images(page)]
    for stem, caption, _fig in run_figures(shock_results):
        if stem != "timeline":  # the calendar sits in the timeline section, checked below
            assert caption in alts
    ids = {a.get("id") for _t, a in page.tags if _t == "figure"}
    assert {"fig-flows", "fig-deliveries", "fig-prices", "fig-stocks", "fig-lead-times",
            "fig-map-copper", "fig-flow-diagram", "fig-timeline-calendar"} <= ids


def test_report_kpi_tables_have_intervals(run_page, shock_results) -> None:
    _path, page = run_page
    head = page.table("headline")
    assert head["head"] == ["commodity", "metric", "mean", "95% CI low", "95% CI high", "n",
                            "unit"]
    rows = {(r[0], r[1]): r for r in head["rows"]}
    short = rows[("copper", "shortfall_t")]
    assert short[2] == "{:,.0f}".format(shock_results.kpi("shortfall_t", "copper").mean())
    assert short[5] == "3"
    for cls in ("channel", "site", "all"):
        assert "95% CI low" in page.table(cls)["head"]
    sites = {(r[0], r[2]) for r in page.table("site")["rows"]}
    assert ("border", "closed_days") in sites


def test_report_lists_citations(run_page, shock_folder) -> None:
    _path, page = run_page
    cites = page.table("citations")
    assert cites["head"] == ["value", "kind", "text", "file"]
    values = {r[0] for r in cites["rows"]}
    assert "sites.border.clearance_trucks_per_day" in values
    assert any(r[1] == "assumption" and r[2] == "test input" for r in cites["rows"])
    assert any("tiny_shock.yaml:" in r[3] for r in cites["rows"])


def test_report_timeline(run_page) -> None:
    _path, page = run_page
    tl = page.table("timeline")
    assert tl["rows"]
    first = tl["rows"][0]
    assert first[:3] == ["event", "border_closure", "start"]
    assert first[3] == "3 of 3"
    assert first[5] == "2024-01-21"
    text = "".join(page.text)
    assert "border_closure" in text and "Border closed" in text


def test_scenario_text_is_escaped(run_page) -> None:
    path, page = run_page
    raw = path.read_text(encoding="utf-8")
    assert "<script" not in raw
    assert "&lt;script&gt;" in raw
    text = "".join(page.text)
    assert '<script>alert("x")</script>' in text  # shown as text
    assert "must be escaped & shown" in text


def test_report_out_option(tmp_path: Path, shock_folder: Path) -> None:
    out = tmp_path / "elsewhere" / "r.html"
    result = invoke("report", shock_folder, "--out", out)
    assert result.exit_code == 0
    assert out.exists()


@pytest.mark.parametrize("make", ["empty", "missing", "partial"])
def test_not_a_results_folder_exits_2(tmp_path: Path, make: str) -> None:
    folder = tmp_path / "x"
    if make != "missing":
        folder.mkdir()
    if make == "partial":
        (folder / "replications").mkdir()
    result = CliRunner().invoke(main, ["report", str(folder)])
    assert result.exit_code == 2
    assert "error:" in result.output
    assert "Traceback" not in result.output


def test_compare_report(compare_folder: Path) -> None:
    result = invoke("report", compare_folder)
    assert result.exit_code == 0, result.output
    page = parse(compare_folder / "report.html")
    assert_self_contained(page)
    diffs = page.table("differences")
    assert {"difference", "95% CI low", "95% CI high", "paired"} <= set(diffs["head"])
    assert {r[0] for r in diffs["rows"]} == {"closure"}
    named = [("baseline", sim.load_results(compare_folder / "baseline")),
             ("closure", sim.load_results(compare_folder / "closure"))]
    alts = [img["alt"] for img in images(page)]
    for _stem, caption, _fig in compare_figures(named):
        assert caption in alts
    text = "".join(page.text)
    assert "closure" in text and "shortfall_t" in text
    assert page.table("citations")["rows"]
    # only the headline KPIs are judged, and the heading says so
    assert "Key KPIs whose difference's 95% interval excludes zero" in text
    assert "Differences whose 95% interval excludes zero</h2>" not in (
        compare_folder / "report.html").read_text(encoding="utf-8")


def test_significant_differences_keep_a_decimal_of_their_relative_change() -> None:
    # -0.185 days on a lead time of 46 read "(-0%)": a change that is there, shown as none
    import pandas as pd

    from sim.output.report import _difference_words

    diffs = pd.DataFrame([{"scenario": "b", "commodity": "copper",
                           "metric": "mean_lead_time_days", "unit": "days", "diff": -0.185,
                           "ci_low": -0.25, "ci_high": -0.12, "reference_mean": 46.4}])
    words = _difference_words(diffs)
    assert "(-0.4%)" in words and "(-0%)" not in words


@pytest.mark.parametrize("again", ["--force", "--resume"])
def test_compare_rewrite_removes_the_report_of_the_comparison_it_replaces(
        tmp_path: Path, shock_yaml: Path, again: str) -> None:
    # report.html of 2 replications stayed beside a compare.csv of 3, listed nowhere
    out = tmp_path / "cmp"
    words = ["compare", TINY, shock_yaml, "--set", "horizon_days=40", "--seed", 1, "-w", 1,
             "-q", "--no-figures", "--out", out]
    assert invoke(*words, "-n", 2).exit_code == 0
    assert invoke("report", out).exit_code == 0
    assert (out / "report.html").is_file()
    result = invoke(*words, "-n", 3, again)
    assert result.exit_code == 0, result.output
    assert (out / "compare.csv").is_file() and (out / "comparison.json").is_file()
    assert not (out / "report.html").exists()


def test_difference_list_names_its_kpis_and_a_constant_difference_as_all_equal() -> None:
    # the list held only the headline KPIs under a heading that promised every difference
    # excluding zero; a difference the same in every pair read "95% CI 9.00 to 9.00"
    import html

    import pandas as pd

    from sim.output.report import _difference_words

    base = {"scenario": "b", "commodity": "cobalt", "unit": "t", "reference_mean": 100.0}
    diffs = pd.DataFrame([{**base, "metric": "delivered_t", "diff": 9.0, "ci_low": 9.0,
                           "ci_high": 9.0},
                          {**base, "metric": "shortfall_t", "diff": 4.0, "ci_low": 3.0,
                           "ci_high": 5.0}])
    words = html.unescape(_difference_words(diffs, compare_csv=True))
    assert "delivered_t +9.00 t (+9.0%), 95% CI (all equal)" in words
    assert "9.00 to 9.00" not in words
    assert "shortfall_t +4.00 t (+4.0%), 95% CI 3.00 to 5.00" in words
    assert ("Key KPIs: delivered_t, shortfall_t, totals per commodity (sim compare prints "
            "a few more); every KPI's "
            "difference, by channel and site too, is in this folder's compare.csv") in words
    # a folder of run folders has no compare.csv: it says what writes one
    words = html.unescape(_difference_words(diffs))
    assert "sim compare on these run folders writes every KPI's difference" in words


def test_timeline_counts_the_measured_period_and_keeps_each_row_true(tiny_results) -> None:
    # the warm-up's events and the regimes' initial states were counted, and a regime's
    # row gave its first state's effects for changes to every state
    import dataclasses

    from sim.output.report import regimes_at_start, timeline_frame, timeline_section

    calm, hot = "calm: no effect", "hot: capacity x0.5"
    rows = [(0, -30.0, "regime", "r", "state", calm),  # the state r begins in
            (0, -10.0, "regime", "r", "state", hot),  # warm-up
            (0, 5.0, "regime", "r", "state", calm),
            (0, 20.0, "incident", "i", "start", "#1: closed for 2.0 days"),
            (0, 22.0, "incident", "i", "end", "#1"),
            (1, -30.0, "regime", "r", "state", hot),
            (1, -5.0, "incident", "i", "start", "#1: closed for 9.0 days"),  # warm-up
            (1, 4.0, "incident", "i", "end", "#1"),
            (1, 8.0, "regime", "r", "state", calm),
            (1, 40.0, "regime", "r", "state", hot),
            (1, 50.0, "incident", "i", "start", "#2: closed for 3.0 days"),
            (2, 12.0, "regime", "late", "state", calm)]  # a regime that begins on day 12
    res = dataclasses.replace(tiny_results, timeline_rows=rows)  # tiny.yaml: 3 replications
    got = {(r["id"], r["action"], r["detail"]): (r["replications"], r["times"],
                                                 r["first date"])
           for r in timeline_frame(res).to_dict("records")}
    assert got == {
        ("r", "state", calm): ("2 of 3", 2, "2024-01-06"),
        ("r", "state", hot): ("1 of 3", 1, "2024-02-10"),
        ("i", "start", "first: #1: closed for 2.0 days"): ("2 of 3", 2, "2024-01-21"),
        ("i", "end", "#1"): ("2 of 3", 2, "2024-01-05"),
        # its start, not an entry into its first state (review 129)
        ("late", "starts", calm): ("1 of 3", 1, "2024-01-13")}
    start = regimes_at_start(res)
    assert start.to_dict("records") == [{"regime": "r", "state on the start date": hot,
                                         "replications": "2 of 3"}]
    section = timeline_section(res)
    assert "Events from the start date (2024-01-01) on, when measurement begins" in section
    assert ("Left out: 4 row(s) from before the start date or giving a regime&#x27;s "
            "starting state") in section


def test_kpi_tables_clip_intervals_to_what_a_kpi_can_take() -> None:
    # Student-t intervals at small n ran past the possible range: a share of 0.703
    # [0.255, 1.15], a stranded stock of 735 [-276, 1,746] t, an HHI above 10,000
    import pandas as pd

    from sim.output.report import CLIPPED_NOTE, _ci_frame

    summary = pd.DataFrame({
        "commodity": ["all", "cobalt", "cobalt", "copper"],
        "metric": ["state_time_share", "stranded_end_t", "control_hhi", "mined_t"],
        "unit": ["share", "t", "index", "t"],
        "mean": [0.703, 735.0, 9_000.0, 100.0],
        "ci_low": [0.255, -276.0, 7_500.0, 90.0],
        "ci_high": [1.15, 1_746.0, 10_500.0, 110.0],
        "n": [3, 3, 3, 3]})
    out = _ci_frame(summary, ["commodity", "metric"])
    assert out["95% CI low"].tolist() == [0.255, 0.0, 7_500.0, 90.0]
    assert out["95% CI high"].tolist() == [1.0, 1_746.0, 10_000.0, 110.0]
    assert summary["ci_low"].tolist()[1] == -276.0  # the summary itself is left as computed
    assert "clipped" in CLIPPED_NOTE and "summary.csv" in CLIPPED_NOTE


def test_run_report_says_its_intervals_are_clipped(run_page) -> None:
    _path, page = run_page
    assert "Intervals are clipped to the range a KPI can take" in " ".join(page.text)


def test_terminal_headline_table_clips_intervals_too() -> None:
    import pandas as pd

    from sim.output.tables import headline_table

    summary = pd.DataFrame({
        "commodity": ["cobalt"], "channel": ["all"], "site": ["all"],
        "metric": ["stock_end_t"], "unit": ["t"], "mean": [735.0],
        "ci_low": [-276.0], "ci_high": [1_746.0], "n": [3]})
    assert "[0, 1,746]" in headline_table(summary)
