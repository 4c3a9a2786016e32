"""Shared fixtures and scenario builders for the simulator-core tests.

Two ways of making scenarios are offered:

* ``tiny_path`` / ``tiny_text`` / ``tiny_variant``: the example file ``tests/data/tiny.yaml``
  and textual edits of it, so that error tests can check file line numbers;
* ``build``: small dict builders (one copper form of grade 1 and 25 t per truck, so a lot
  of 25 t is exactly one truck) for chains whose behaviour is computed by hand in a test.
"""

from __future__ import annotations

import copy
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.yaml"

DAYS_PER_YEAR = 365.25
PAYLOAD_T = 25.0


# ----------------------------------------------------------------------------- signals
KEPT_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@pytest.fixture(autouse=True)
def restore_signal_handlers() -> Iterator[Callable[[], None]]:
    """Put back the SIGINT and SIGTERM handlers after every test.

    A command run in-process (click's ``CliRunner``) takes SIGTERM as a Ctrl-C and, once
    interrupted, ignores SIGINT; left in place, a later test in the same worker could not
    be interrupted, or would see ``KeyboardInterrupt`` where it expects to be killed. The
    fixture's value restores the handlers on demand, so a test can check that it works.
    """
    from sim.cli import _restore_signals  # the command line's own way of putting them back

    saved = {sig: signal.getsignal(sig) for sig in KEPT_SIGNALS}

    def restore() -> None:
        _restore_signals(saved)

    yield restore
    restore()


def after_count(n: int, act: Callable[[], None]) -> Callable[[int], None]:
    """A progress hook (``progress=`` of sim.run, compare, sweep) that does ``act`` once
    ``n`` replications are counted: to remove or move a results folder mid-run."""
    done = [0]

    def progress(k: int) -> None:
        done[0] += k
        if done[0] >= n and done[0] - k < n:
            act()

    return progress


# ----------------------------------------------------------------------------- tiny.yaml
@pytest.fixture
def tiny_path() -> Path:
    """Path of the example scenario ``tests/data/tiny.yaml``."""
    return TINY


@pytest.fixture
def tiny_text() -> str:
    """Text of ``tests/data/tiny.yaml``."""
    return TINY.read_text(encoding="utf-8")


def variant(text: str, *edits: tuple[str, str]) -> str:
    """``text`` with each ``(old, new)`` edit applied; every ``old`` must occur exactly once,
    so a change to the template makes the test fail loudly instead of testing nothing."""
    for old, new in edits:
        count = text.count(old)
        assert count == 1, f"template fragment {old!r} occurs {count} times, expected once"
        text = text.replace(old, new)
    return text


@pytest.fixture
def tiny_variant(tiny_text: str) -> Callable[..., str]:
    """``tiny_variant((old, new), ...)``: tiny.yaml with textual edits applied."""
    return lambda *edits: variant(tiny_text, *edits)


def line_of(text: str, fragment: str) -> int:
    """1-based number of the only line of ``text`` containing ``fragment``."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if fragment in line]
    assert len(hits) == 1, f"{fragment!r} is on lines {hits}, expected exactly one"
    return hits[0]


# ----------------------------------------------------------------------------- builders
def site(kind: str, region: str = "home", lat: float = 0.0, lon: float = 0.0,
         **fields: Any) -> dict[str, Any]:
    return {"kind": kind, "region": region, "location": {"lat": lat, "lon": lon}, **fields}


def mine(t_per_year: float = 100 * DAYS_PER_YEAR, channel: str = "formal",
         **fields: Any) -> dict[str, Any]:
    """A copper mine (100 t/day by default) whose whole output goes to ``channel``."""
    return site("mine", output={"copper": {"form": "cathode", "t_per_year": t_per_year}},
                offtake={"copper": {channel: 1.0}}, **fields)


def border(trucks_per_day: float, **fields: Any) -> dict[str, Any]:
    return site("border_post", clearance_trucks_per_day=trucks_per_day, **fields)


def port(**fields: Any) -> dict[str, Any]:
    return site("port", **fields)


def market(demand_t_per_year: float = 100 * DAYS_PER_YEAR, **fields: Any) -> dict[str, Any]:
    """A market abroad (region ``away``, country CHN)."""
    return site("market", region="away", demand_t_per_year={"copper": demand_t_per_year},
                **fields)


def lane(a: str, b: str, transit: Any, mode: str = "road", **fields: Any
         ) -> tuple[str, dict[str, Any]]:
    return f"{a}_{b}", {"from": a, "to": b, "mode": mode, "transit_days": transit, **fields}


def scenario(sites: dict[str, Any], lanes: list[tuple[str, dict[str, Any]]],
             path: list[str], *, horizon: float = 50, warmup: float = 0,
             routes: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    """A complete scenario mapping: one commodity (copper cathode, grade 1, 25 t/truck),
    regions ``home`` (COD) and ``away`` (CHN), and one channel ``formal``."""
    return {
        "name": top.pop("name", "t"),
        "start": top.pop("start", "2024-01-01"),
        "horizon_days": horizon,
        "warmup_days": warmup,
        "commodities": {"copper": {"forms": {"cathode": {"grade": 1.0,
                                                         "payload_t_per_truck": PAYLOAD_T}}}},
        "regions": {"home": {"country": "COD"}, "away": {"country": "CHN"}},
        "sites": copy.deepcopy(sites),
        "lanes": dict(copy.deepcopy(lanes)),
        "channels": {"formal": {"routes": routes or {"main": {"path": list(path)}}}},
        **top,
    }


def to_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False)


def run_world(data: dict[str, Any], seed: int = 1) -> Any:
    """Build the world of scenario dict ``data``, run it with seed ``seed`` (replication 0)
    and check its mass balance (which raises on a violation); returns the world."""
    from sim.scenario.loader import scenario_from_dict
    from sim.streams import Streams
    from sim.world.world import World

    world = World(scenario_from_dict(data), Streams(seed, 0))
    world.run()
    world.check_mass_balance()
    return world


def tiny_closure(path: Path, target: str, *, name: str = "closure", start: float = 30,
                 days: float = 10, effects: str = "{capacity_factor: 0.0}") -> Path:
    """Write to ``path`` tests/data/tiny.yaml extended by a closure (capacity factor 0, or
    the shock ``effects`` given as YAML, e.g. ``{seize_share: 0.2}``) of ``target`` (YAML
    of a shock's targets, e.g. ``{sites: [border]}``) from day ``start`` for ``days``
    days, as scenario ``name``; returns ``path``."""
    path.write_text(f"""extends: {TINY}
name: {name}
shocks:
  events:
    cut:
      start: {start:g}
      duration_days: {days:g}
      targets: {target}
      effects: {effects}
      assumption: test input
""")
    return path


def tiny_reserve(path: Path, rules: str) -> Path:
    """Write to ``path`` tests/data/tiny.yaml over 20 days with a reserve (a stockpile of
    500 t of copper beside market_x) and the stockpile rules ``rules`` (YAML of
    ``policies.stockpiles``' entries, indented four spaces); returns ``path``."""
    path.write_text(f"""extends: {TINY}
name: reserve
horizon_days: 20
sites:
  reserve:
    kind: stockpile
    region: away
    location: {{lat: 30.0, lon: 121.0}}
    initial_stock_t: {{copper: 500}}
policies:
  stockpiles:
{rules}""", encoding="utf-8")
    return path


BUILD = SimpleNamespace(site=site, mine=mine, border=border, port=port, market=market,
                        lane=lane, scenario=scenario, to_yaml=to_yaml, variant=variant,
                        line_of=line_of, run_world=run_world, tiny_closure=tiny_closure,
                        tiny_reserve=tiny_reserve,
                        DAYS_PER_YEAR=DAYS_PER_YEAR, PAYLOAD_T=PAYLOAD_T)


@pytest.fixture(scope="session")
def build() -> SimpleNamespace:
    """Scenario builders: ``build.scenario(sites, lanes, path, horizon=..., ...)`` with
    ``build.mine()``, ``build.border()``, ``build.port()``, ``build.market()`` and
    ``build.lane(a, b, transit, ...)``; ``build.to_yaml(data)`` renders YAML text;
    ``build.variant(text, (old, new), ...)`` edits text and ``build.line_of(text, fragment)``
    finds a line; ``build.run_world(data, seed=1)`` runs a world and checks its mass
    balance."""
    return BUILD


# ----------------------------------------------------------------------------- figures
@pytest.fixture
def blank_figure_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two blank figures per run, one per comparison (see ``figure_helpers``)."""
    from figure_helpers import blank_figure

    import sim.output.compare_figures as compare_figures
    import sim.output.figures as figures

    monkeypatch.setattr(figures, "run_figure_plan", lambda res: [
        ("flows", blank_figure("a")), ("prices", blank_figure("b"))])
    monkeypatch.setattr(compare_figures, "compare_figure_plan",
                        lambda named, kpis=(): [("forest", blank_figure("c"))])
