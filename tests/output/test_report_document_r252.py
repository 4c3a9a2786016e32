"""Review 252: the HTML reports as documents a policymaker opens, mails and prints.

A report must be well-formed HTML whatever a scenario's text holds (``<script>``, ``&``,
quotes, non-ASCII in its title, description, site and shock names and citations), with
unique ids, in-page links that land, headings that do not skip a level, row headers on
the run's facts table, and a print style sheet that keeps on paper what the screen folds
or scrolls."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

import sim
from sim.output import report
from sim.output.compare_report import compare_report_html

TINY = Path(__file__).resolve().parents[2] / "tests" / "data" / "tiny.yaml"
HOSTILE = '<script>alert("x")</script> & \'q\' Kolwézi — 钴'
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}
BLOCKS = {"section", "div", "table", "ul", "ol", "dl", "figure", "details", "pre", "nav",
          "h1", "h2", "h3", "h4", "h5", "h6"}


class Document(HTMLParser):
    """Tags as written: what a browser would have to repair, ids, links and headings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.repaired: list[str] = []
        self.ids: Counter[str] = Counter()
        self.links: list[str] = []
        self.headings: list[int] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids[a["id"]] += 1
        if tag == "a" and a.get("href", "").startswith("#"):
            self.links.append(a["href"][1:])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag in BLOCKS and "p" in self.open:
            self.repaired.append(f"<{tag}> inside an open <p>")
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.repaired.append(f"</{tag}> while {self.open[-3:]} are open")
            if tag in self.open:
                del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]
            return
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> Document:
    doc = Document()
    doc.feed(page)
    doc.close()
    return doc


def hostile_mapping(name: str, factor: float) -> dict:
    data = yaml.safe_load(TINY.read_text(encoding="utf-8"))
    data.update(name=name, title=f"{HOSTILE} title", question=f"{HOSTILE} question",
                description=f"{HOSTILE} </p></section><h4>description")
    data["sites"]["mine_a"]["name"] = f"{HOSTILE} mine"
    data["sites"]["mine_a"]["operator"] = "<img src=x onerror=alert(2)>"
    data["sites"]["border"]["name"] = '<b>border</b> & "post"'
    data["sites"]["border"]["clearance_trucks_per_day"]["assumption"] = f"{HOSTILE} input"
    data["shocks"] = {"events": {"cut": {
        "name": f"{HOSTILE} shock", "start": 20, "duration_days": 10,
        "targets": {"sites": ["border"]},
        "effects": {"capacity_factor": factor, "source": "x < y & z > w"}}}}
    return data


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, sim.Results]]:
    """Two runs of a tiny scenario whose every free text is hostile, paired."""
    folder = tmp_path_factory.mktemp("hostile")
    named = []
    for name, factor in (("hostile", 0.02), ("hostile_b", 0.0)):
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump(hostile_mapping(name, factor), sort_keys=False,
                                       allow_unicode=True), encoding="utf-8")
        named.append((name, sim.run(sim.load_scenario(path), replications=2, seed=1)))
    return named


@pytest.fixture
def no_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reports without their figures (seconds to draw; their markup is checked in
    test_report.py)."""
    from sim.output import figures, shock_text

    monkeypatch.setattr(figures, "run_figure_plan", lambda *a, **k: [])
    monkeypatch.setattr("sim.output.compare_figures.compare_figure_plan",
                        lambda *a, **k: [])
    monkeypatch.setattr(figures, "flows_figure", lambda *a, **k: None)
    monkeypatch.setattr(shock_text, "timeline_figure", lambda *a, **k: None)
    monkeypatch.setattr(report, "figure_html", lambda *a, **k: "")
    monkeypatch.setattr("sim.output.compare_report.figure_html", lambda *a, **k: "")


def assert_sound_document(page: str) -> Document:
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
    doc = parse(page)
    assert doc.repaired == [] and doc.open == []
    assert [i for i, n in doc.ids.items() if n > 1] == []
    assert doc.links and [a for a in doc.links if a not in doc.ids] == []
    assert doc.headings[0] == 1
    jumps = [(a, b) for a, b in zip(doc.headings, doc.headings[1:], strict=False)
             if b > a + 1]
    assert jumps == []
    for tag, attrs in doc.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed"), tag
        assert not [k for k in attrs if k.startswith("on")], (tag, attrs)
    # the scenario's text is there, as text
    text = "".join(doc.text)
    assert f"{HOSTILE} title" in text and f"{HOSTILE} question" in text
    assert '<b>border</b> & "post"' in text
    return doc


def test_a_run_report_is_a_sound_document_whatever_the_scenario_says(hostile,
                                                                     no_figures) -> None:
    page = report.run_report_html(hostile[0][1])
    doc = assert_sound_document(page)
    text = "".join(doc.text)
    assert f"{HOSTILE} </p></section><h4>description" in text
    assert f"{HOSTILE} shock" in text and "x < y & z > w" in text
    assert "<title>&lt;script&gt;" in page


def test_a_comparison_report_is_a_sound_document_whatever_the_scenarios_say(
        hostile, no_figures) -> None:
    assert_sound_document(compare_report_html(hostile))


def test_the_run_facts_are_row_headers(hostile, no_figures) -> None:
    # they were data cells: a table without a header cell, read row by row as bare values
    page = report.run_report_html(hostile[0][1])
    meta = page.split('<table class="meta">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", meta)
    assert len(rows) >= 5
    for row in rows:
        assert row.startswith('<th scope="row">') and row.count("<td>") == 1, row
    assert '<th scope="row">question</th>' in meta


def print_rules() -> str:
    css = report.CSS
    at = css.find("@media print")
    assert at >= 0, "the reports have no print style sheet"
    depth, end = 0, css.index("{", at)
    for i in range(end, len(css)):
        depth += {"{": 1, "}": -1}.get(css[i], 0)
        if depth == 0:
            return re.sub(r"\s+", "", css[at:i + 1])
    raise AssertionError("unbalanced @media print")


def test_print_opens_what_the_screen_folds() -> None:
    # a closed <details> printed as its summary line alone: every KPI, the KPIs'
    # definitions, a comparison's other scenarios' sources were not on paper
    rules = print_rules()
    assert re.search(r"details::details-content\{[^}]*content-visibility:visible", rules)
    assert re.search(r"details::details-content\{[^}]*display:block", rules)


def test_print_wraps_the_timeline_lines() -> None:
    # pre{overflow-x:auto} scrolls on screen; on paper the baseline's regime lines, up to
    # 800 characters, were cut at the page's edge
    rules = print_rules()
    block = re.search(r"pre\{([^}]*)\}", rules)
    assert block is not None
    assert "white-space:pre-wrap" in block.group(1) and "overflow:visible" in block.group(1)


def test_print_rules_leave_the_screen_as_it_was() -> None:
    screen = report.CSS[:report.CSS.find("@media print")]
    assert "pre{background:#f7f7f7;padding:.8em;overflow-x:auto;font-size:.85em}" in screen
    assert "details::details-content" not in screen
