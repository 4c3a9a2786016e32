"""Labels and variants of scenario figures that review 94 found overstated.

The review found: the Chinese refiners' zero sales to the US market, which makes
china_export_control a no-op, were credited to S1, which names only 71% of US cobalt imports;
S17's sector-wide "almost 70% Chinese" was given to the mines left after the named Chinese
ones (75% of copper in the Chinese channel); the Kasumbalesa rate said the Durban and Dar es
Salaam rates count the same six years, which they do not; Kokkola's spare set capacity
against feed without saying why, and the variants lacked the 3,000 t against output; and the
weekly sailings everywhere, the Durban road lane's low end, the Dar closure's 5-21 days and
the Lomera tax over all South Kivu were judgements under ``source:`` only. Simulated values
do not change: these tests check the labels, the wording and that each new variant's
``--set`` commands validate and change what they name.
"""

from __future__ import annotations

import functools
import warnings

import pytest

import sim
from tests.scenario_file_helpers import (
    README,
    SCENARIOS,
    copper_china_share,
    raw,
    readme_row,
    variant_sets,
)


def _dig(data, path: str):
    for part in path.split("."):
        data = data[part]
    return data


@functools.lru_cache(maxsize=None)
def _loaded(scenario: str, sets: tuple[str, ...]) -> tuple[dict, str]:
    """The scenario with ``sets`` applied, dumped, and the notes loading it warned of."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dumped = sim.load_scenario(SCENARIOS / scenario, list(sets)).model_dump()
    return dumped, " ".join(str(w.message) for w in caught)


def _load(scenario: str, sets: list[str]) -> dict:
    return _loaded(scenario, tuple(sets))[0]


def _assert_sets_change(scenario: str, sets: list[str], expected: dict) -> dict:
    shipped = _load(scenario, [])
    varied = _load(scenario, sets)
    for path, value in expected.items():
        assert _dig(varied, path) == pytest.approx(value), (path, sets)
        before = _dig(shipped, path) if _has(shipped, path) else None
        assert before != pytest.approx(value), (path, "the variant changes nothing")
    return varied


def _has(data, path: str) -> bool:
    try:
        _dig(data, path)
    except (KeyError, TypeError):
        return False
    return True


# ---------------------------------------------------------------- finding 1: sales to the US


def test_zero_chinese_sales_to_the_us_are_an_assumption_not_s1():
    sales = raw("baseline.yaml")["sites"]["china_cobalt_refiners"]["sales"]["cobalt"]
    assert (sales["market_china"], sales["market_row"]) == (0.383, 0.617)
    assert "market_usa" not in sales
    assert "29%" in sales["assumption"] and "not a finding" in sales["assumption"]
    assert "0.019" in sales["assumption"]

    summary = readme_row("[china_export_control.yaml](china_export_control.yaml)")
    assert "(S1) |" not in summary and "in the status quo (S1)" not in summary
    assert "no effect" in summary and "assumption" in summary
    readme = README.read_text(encoding="utf-8")
    assert "from Finland, Norway, Japan and Canada (S1), and Chinese refiners" not in readme
    assert "That zero is the model's, not a finding" in readme
    header = (SCENARIOS / "china_export_control.yaml").read_text(encoding="utf-8")
    assert "buys its cobalt from Norway, Finland, Japan and Canada (S1)" not in header
    assert "assumption of the model, not a finding" in header


def test_us_sales_variant_validates_and_gives_the_control_something_to_stop():
    (sets,) = variant_sets(readme_row(
        "Chinese refiners' cobalt sales to the US market (china_export_control)"))
    varied = _assert_sets_change("china_export_control.yaml", sets, {
        "sites.china_cobalt_refiners.sales.cobalt.market_usa": 0.019,
        "sites.china_cobalt_refiners.sales.cobalt.market_row": 0.598})
    shares = varied["sites"]["china_cobalt_refiners"]["sales"]["cobalt"]
    assert sum(shares.values()) == pytest.approx(1.0)
    assert 0.29 * 11000 / 170910 == pytest.approx(0.019, abs=0.0005)

    shipped_notes = _loaded("china_export_control.yaml", ())[1]
    assert "changes nothing in this network" in shipped_notes
    assert "changes nothing in this network" not in _loaded(
        "china_export_control.yaml", tuple(sets))[1]


# ---------------------------------------------------------------- finding 2: S17's 70%


def test_rest_of_industry_offtake_is_an_assumption_with_a_70_percent_variant():
    sites = raw("baseline.yaml")["sites"]
    for site, commodity in (("rest_cathode", "copper"), ("rest_cathode", "cobalt"),
                            ("rest_concentrate", "copper")):
        offtake = sites[site]["offtake"][commodity]
        assert (offtake["china"], offtake["western"]) == (0.7, 0.3)
        assert "S17" in offtake["source"]
        assert "judgement" in offtake["assumption"], (site, commodity)
    assert "75%" in sites["rest_cathode"]["offtake"]["copper"]["assumption"]

    (sets,) = variant_sets(readme_row("Other industrial mines' Chinese offtake of copper"))
    expected = {f"sites.{site}.offtake.copper.{channel}": share
                for site in ("rest_cathode", "rest_concentrate")
                for channel, share in (("china", 0.61), ("western", 0.39))}
    varied = _assert_sets_change("baseline.yaml", sets, expected)
    assert copper_china_share(_load("baseline.yaml", [])) == pytest.approx(0.751, abs=0.001)
    assert copper_china_share(varied) == pytest.approx(0.70, abs=0.002)
    readme = README.read_text(encoding="utf-8")
    assert "70% of the rest of the industry's cobalt (S17;" not in readme


# ---------------------------------------------------------------- finding 3: counting windows


def test_incident_windows_are_assumptions_and_not_said_to_match():
    incidents = raw("baseline.yaml")["shocks"]["incidents"]
    kasumbalesa = incidents["kasumbalesa_disruption"]["rate_per_year"]
    assert "as the Durban and Dar es Salaam rates below count them" not in (
        kasumbalesa["assumption"])
    assert "other windows" in kasumbalesa["assumption"]
    durban = incidents["durban_disruption"]["rate_per_year"]
    dar = incidents["dar_closure"]["rate_per_year"]
    assert (kasumbalesa["value"], durban["value"], dar["value"]) == (1.2, 1.0, 0.2)
    assert "2020-2023" in durban["assumption"] and "0.67" in durban["assumption"]
    assert "2021-2025" in dar["assumption"] and "0.17" in dar["assumption"]

    row = readme_row("Kasumbalesa and Kolwezi trucking disruptions")
    assert "as the Durban and Dar es Salaam rates count years" not in row
    (sets,) = variant_sets(readme_row("Durban and Dar es Salaam incident rates"))
    _assert_sets_change("baseline.yaml", sets, {
        "shocks.incidents.durban_disruption.rate_per_year": 0.67,
        "shocks.incidents.dar_closure.rate_per_year": 0.17,
        "shocks.incidents.kasumbalesa_disruption.rate_per_year": 1.0})
    assert (round(4 / 6, 2), round(1 / 6, 2)) == (0.67, 0.17)


# ---------------------------------------------------------------- finding 4: Kokkola


def test_kokkola_spare_says_its_basis_and_offers_the_output_reading():
    routes = raw("us_partnership.yaml")["channels"]["us_partnered"]["routes"]
    kokkola = routes["cobalt_lobito_kokkola"]
    assert kokkola["share"] == 0.15
    assert "feed" in kokkola["assumption"] and "3,000" in kokkola["assumption"]
    assert "0.22" in kokkola["assumption"] and "0.67" in kokkola["assumption"]

    spans = variant_sets(readme_row("Kokkola's spare cobalt capacity (us_partnership)"))
    prefix = "channels.us_partnered.routes"
    shares = {}
    for sets in spans:
        varied = _load("us_partnership.yaml", sets)
        shares[_dig(varied, f"{prefix}.cobalt_lobito_kokkola.share")] = _dig(
            varied, f"{prefix}.cobalt_lobito_china.share")
    assert shares == {0.22: 0.67, 0.39: 0.50}
    assert round(3000 / 13400, 2) == 0.22 and round(1 - 0.22 - 0.11, 2) == 0.67


# ---------------------------------------------------------------- finding 5: judgements


def test_judged_ends_and_extensions_are_labelled_assumptions():
    base = raw("baseline.yaml")
    sailing = base["lanes"]["dar_shanghai"]["sailing"]["interval_days"]
    assert sailing["value"] == 7 and "every sea lane" in sailing["assumption"]
    assert "every sea lane" not in sailing["source"]
    durban = base["lanes"]["kasumbalesa_durban"]["transit_days"]
    assert (durban["low"], durban["mode"], durban["high"]) == (19, 22, 27)
    assert "low end" in durban["assumption"]
    closure = base["shocks"]["incidents"]["dar_closure"]["duration_days"]
    assert (closure["low"], closure["high"]) == (5, 21)
    assert "judgement" in closure["assumption"]
    lomera = raw("m23_escalation.yaml")["shocks"]["events"]["lomera_held"]["effects"][
        "tax_rate"]
    assert lomera["value"] == 0.3
    assert "whole South Kivu" in lomera["assumption"]
    assert "whole South Kivu" not in lomera["source"]
