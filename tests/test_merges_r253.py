"""Review 253 of this session's merges (reviews 247, 249 and 251).

1. ``--scheduler tcp://host:abc`` (``scheduler=``) said "invalid literal for int() with
   base 10: 'abc'", Python's words for Dask's reading of the port, where a port out of
   range is told "port 70000 is not a port number (1 to 65535)".
2. A date in words with a year 0 (``'1 January 0000'``) was hinted "January 0000 has no
   day 1", where the same date as ``0000-01-01`` is told there is no year 0: the words'
   hint repeated ``yamlio.no_such_date`` instead of using it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.experiment.errors import ExperimentError
from sim.scenario import load_scenario
from sim.scenario.errors import ScenarioError

TINY = Path(__file__).parent / "data" / "tiny.yaml"


@pytest.mark.parametrize(("address", "port"), [("tcp://127.0.0.1:abc", "'abc'"),
                                               ("tcp://[::1]:8786/x", "'8786/x'")])
def test_a_port_that_is_not_a_number_is_said_so_before_connecting(address, port):
    pytest.importorskip("distributed")
    with pytest.raises(ExperimentError) as caught:
        sim.run(TINY, 1, scheduler=address)
    message = str(caught.value)
    assert f"port {port} is not a port number (1 to 65535)" in message, message
    assert "invalid literal" not in message


def _start(tmp_path: Path, start: str) -> str:
    path = tmp_path / "s.yaml"
    path.write_text(TINY.read_text(encoding="utf-8").replace(
        "start: 2024-01-01", f"start: '{start}'", 1), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return str(caught.value)


def test_a_date_in_words_of_year_0_is_told_as_the_same_date_in_figures(tmp_path):
    words = _start(tmp_path, "1 January 0000")
    figures = _start(tmp_path, "0000-01-01")
    said = "there is no year 0 in the calendar (years 1 to 9999); write dates as YYYY-MM-DD"
    assert said in words and said in figures, (words, figures)
    assert "has no day 1" not in words
    # an impossible day is still named with its month
    assert ("there is no such date: April 2025 has no day 31; write dates as YYYY-MM-DD"
            in _start(tmp_path, "31 April 2025"))


def test_day_of_a_missing_timestamp_is_refused_as_none_is() -> None:
    # pandas' NaT is a datetime: it gave nan days without a word
    pd = pytest.importorskip("pandas")
    sc = sim.load_scenario(TINY)
    with pytest.raises(TypeError, match="missing date"):
        sc.day_of(pd.NaT)
    assert sc.day_of(pd.Timestamp("2024-01-02 12:00")) == 1.5
