"""What combined_2025.yaml and corridor_shocks.yaml do beyond their parts, and that their
headers and scenarios/README.md say so (an analyst's review found both undocumented)."""

from __future__ import annotations

from pathlib import Path

import sim

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
SHORT = ["start=2025-01-01", "end=2025-05-31", "horizon_days=null"]
# The export ban's informal-channel ban (export_ban_2025.yaml), from February 2025.
BAN = ("policies.export_bans.artisanal_outside_quota={commodity: cobalt, channels: [informal], "
       "start: 2025-02-01, stock_limit_days: %s}")
NO_LIMIT = "policies.export_bans.artisanal_outside_quota.stock_limit_days=null"
REBALANCE = ["channels.china.on_closure=rebalance", "channels.western.on_closure=rebalance"]


def _header(name: str) -> str:
    """The opening comment block of a scenario file, joined into one line of text."""
    lines = (SCENARIOS / name).read_text(encoding="utf-8").splitlines()
    block = []
    for line in lines:
        if not line.startswith("#"):
            break
        block.append(line.lstrip("# ").strip())
    return " ".join(block)


def test_the_ban_on_the_leakage_status_quo_curtails_industrial_mines_and_says_so():
    """Leakage diverts industrial cobalt to the informal channel; banning that channel with
    a stock limit then cuts industrial mining (KFM here), which the limit's removal undoes."""
    mined = {}
    for limit in ("30", "null"):
        sc = sim.load_scenario(SCENARIOS / "baseline_leakage.yaml", [*SHORT, BAN % limit])
        res = sim.run(sc, replications=1, seed=1)
        mined[limit] = float(res.kpi("mined_t", "cobalt", site="kfm")[0])
    assert mined["30"] < 0.97 * mined["null"]

    merged = sim.load_scenario(SCENARIOS / "combined_2025.yaml")
    assert merged.policies.export_bans["artisanal_outside_quota"].stock_limit_days == 30
    assert merged.shocks.events["leakage_cobalt"].effects.divert.to_channel == "informal"
    variant = sim.load_scenario(SCENARIOS / "combined_2025.yaml", [NO_LIMIT])
    assert variant.policies.export_bans["artisanal_outside_quota"].stock_limit_days is None

    header = _header("combined_2025.yaml")
    assert "Nothing new is assumed" not in header
    # review 143: they go on mining the ore for its copper, and leave that cobalt
    assert "the industrial mines stop recovering the share that would have leaked" in header
    assert "copper and leave that cobalt unrecovered" in header
    assert f"--set {NO_LIMIT}" in header
    readme = (SCENARIOS / "README.md").read_text(encoding="utf-8")
    section = readme.split("## combined_2025.yaml")[1].split("\n## ")[0]
    assert "37,600 t at the" in section and NO_LIMIT in section


def test_reroute_ignores_kasumbalesas_throttle_rebalance_moves_lots_and_both_say_so():
    """Under `reroute` the clearance cut (a throttle, not a closure) moves no copper to the
    Lobito railway; `rebalance` moves some there. Jan-May 2025: the cut, no other shock."""
    short = [*SHORT, "shocks.events.dar_es_salaam_closed=null", "shocks.events.lobito_flood=null"]
    cut = sim.load_scenario(SCENARIOS / "corridor_shocks.yaml", short)
    assert 0 < cut.shocks.events["kasumbalesa_clearance_cut"].effects.capacity_factor < 1
    to_lobito = {}
    for name, extra in (("uncut", ["shocks.events.kasumbalesa_clearance_cut=null"]),
                        ("reroute", []), ("rebalance", REBALANCE)):
        sc = sim.load_scenario(SCENARIOS / "corridor_shocks.yaml", [*short, *extra])
        res = sim.run(sc, replications=1, seed=1)
        to_lobito[name] = float(res.kpi("throughput_t", "copper", site="lobito")[0])
    assert to_lobito["reroute"] < 1.02 * to_lobito["uncut"]
    assert to_lobito["rebalance"] > to_lobito["reroute"] + 1_000

    header = _header("corridor_shocks.yaml")
    assert "acts on full closures only" in header
    assert "--set " + " --set ".join(REBALANCE) in header
    readme = (SCENARIOS / "README.md").read_text(encoding="utf-8")
    section = readme.split("## corridor_shocks.yaml")[1].split("\n## ")[0]
    assert "on_closure: rebalance" in section and "Lobito railway" in section
