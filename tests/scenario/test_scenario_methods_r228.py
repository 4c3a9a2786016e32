"""Review 228: Scenario's helper methods refuse what they cannot answer in words that say
what they take: ``sites_of_kind`` a misspelt kind (it returned {} for "mines"),
``day_of`` an ISO date string (it said "could not convert string to float") and
``country_of`` an unknown site id (a bare KeyError)."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pytest

import sim

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


@pytest.fixture(scope="module")
def sc() -> sim.Scenario:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sim.load_scenario(TINY)


def test_sites_of_kind_refuses_a_misspelt_kind(sc: sim.Scenario) -> None:
    with pytest.raises(ValueError, match=r"'mines' is not a site kind .*mine, border_post"
                                         r".*did you mean 'mine'\?"):
        sc.sites_of_kind("mines")
    with pytest.raises(TypeError, match="kind must be one site kind"):
        sc.sites_of_kind(["mine"])  # type: ignore[arg-type]


def test_sites_of_kind_still_answers_a_real_kind(sc: sim.Scenario) -> None:
    assert list(sc.sites_of_kind("mine")) == [k for k, s in sc.sites.items()
                                              if s.kind == "mine"]
    assert sc.sites_of_kind("stockpile") == {}  # a kind the scenario has none of


def test_day_of_takes_an_iso_date_string(sc: sim.Scenario) -> None:
    date = sc.start + dt.timedelta(days=31)
    assert sc.day_of(date.isoformat()) == 31.0
    assert sc.day_of(date) == 31.0
    assert sc.day_of(12) == 12.0
    assert sc.day_of(2.5) == 2.5
    assert sc.day_of("7") == 7.0  # a number as text, as float() took it before


def test_day_of_says_what_it_takes(sc: sim.Scenario) -> None:
    with pytest.raises(ValueError, match=r"day_of takes a date, an ISO date string such as "
                                         r"'\d{4}-\d\d-\d\d', or a number of days.*'soon'"):
        sc.day_of("soon")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="day_of takes a date"):
        sc.day_of("2024-13-01")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"day_of takes a date.*NoneType None"):
        sc.day_of(None)  # type: ignore[arg-type]


def test_country_of_names_the_close_site(sc: sim.Scenario) -> None:
    site_id = next(iter(sc.sites))
    assert sc.country_of(site_id) == sc.regions[sc.sites[site_id].region].country
    with pytest.raises(KeyError, match=rf"no site '{site_id}x'.*did you mean '{site_id}'\?"):
        sc.country_of(site_id + "x")
    with pytest.raises(KeyError, match=rf"no site 'nope'.*its sites are {site_id}"):
        sc.country_of("nope")


@pytest.mark.parametrize("method", ["sites_of_kind", "day_of", "country_of"])
def test_each_documents_what_it_raises(method: str) -> None:
    doc = getattr(sim.Scenario, method).__doc__
    assert "Raises" in doc
