"""Tables of headline KPIs show the metal a ban strands at the mines, when there is any.

Review 99: under the 2025 cobalt ban the headline said stock_end_t +152,145 t, which nets
the 332,404 t stranded at the mines against stocks drawn down abroad; stranded_end_t and
curtailed_t were only in compare.csv and the report's run tables. Here a ban from day 10
strands the tiny mine's copper: the run's table and the comparison's say how much, and a
run without a ban shows no row of zeros for it.
"""

from __future__ import annotations

from pathlib import Path

from expt_helpers import TINY, cli

import sim
from sim.output.tables import headline_table

BAN = """
policies:
  export_bans:
    stop:
      commodity: copper
      start: 10
"""


def metric_rows(text: str) -> dict[str, list[str]]:
    return {line.split()[1]: line.split() for line in text.splitlines()
            if line.startswith("copper ")}


def test_a_run_shows_what_a_ban_stranded(tmp_path: Path) -> None:
    path = tmp_path / "ban.yaml"
    path.write_text(TINY.read_text(encoding="utf-8") + BAN, encoding="utf-8")
    rows = metric_rows(headline_table(sim.run(path, replications=2, workers=1).summary()))
    # 100 t/day from day 10 to day 100 wait at the mine: 9,000 t
    assert rows["stranded_end_t"][2] == "9,000"
    assert "curtailed_t" not in rows  # the mine keeps mining: nothing curtailed
    plain = metric_rows(headline_table(sim.run(TINY, replications=2, workers=1).summary()))
    assert "stock_end_t" in plain and "stranded_end_t" not in plain


def compare_with_ban(tmp_path: Path) -> str:
    """`sim compare` of tiny.yaml with the ban into ``tmp_path/cmp``; its output."""
    path = tmp_path / "ban.yaml"
    path.write_text(TINY.read_text(encoding="utf-8").replace("name: tiny", "name: ban") + BAN,
                    encoding="utf-8")
    out = cli("compare", TINY, path, "-n", "2", "-w", "1", "--out", tmp_path / "cmp",
              "--no-figures")
    assert out.exit_code == 0, out.output
    return str(out.output)


def test_a_comparison_shows_it_too(tmp_path: Path) -> None:
    row = metric_rows(compare_with_ban(tmp_path))["stranded_end_t"]
    assert row[2:5] == ["0", "9,000", "9,000"]  # tiny, ban, difference
    assert "stranded_end_t" in (tmp_path / "cmp" / "compare.md").read_text(encoding="utf-8")


def test_the_comparison_report_shows_it(tmp_path: Path) -> None:
    compare_with_ban(tmp_path)
    report = cli("report", tmp_path / "cmp")
    assert report.exit_code == 0, report.output
    html = (tmp_path / "cmp" / "report.html").read_text(encoding="utf-8")
    # the paired differences' table names it, with the ban's 9,000 t
    start = html.index("stranded_end_t")
    assert "9,000" in html[start:start + 2000]
