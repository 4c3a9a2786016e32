"""Every YAML example in the documentation validates, so no example can go stale.

``docs/scenario-format.md`` shows one complete scenario written from scratch (generated
from ``sim.scenario.docs.EXAMPLE``); ``docs/shocks-and-policies.md`` shows parts of a
scenario (an event, a regime, a quota ...) written for it. The complete one is loaded as
a file; each part is added to it by a file that ``extends:`` it, as a user would, and all
parts together are loaded and run once. Every figure in an example must be labelled
(``assumption: example``) and no example may draw a note or a warning.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml

import sim
from sim.scenario.errors import ScenarioError
from sim.scenario.loader import meta_of

ROOT = Path(__file__).resolve().parents[1]
FORMAT = ROOT / "docs" / "scenario-format.md"
SHOCKS = ROOT / "docs" / "shocks-and-policies.md"

FENCE = re.compile(r"^(?P<indent>[ \t]*)```yaml[ \t]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
                   re.MULTILINE | re.DOTALL)


def yaml_blocks(path: Path) -> list[str]:
    """The ```yaml blocks of a Markdown file, dedented (a block may sit in a list item)."""
    blocks = []
    for m in FENCE.finditer(path.read_text(encoding="utf-8")):
        indent = m["indent"]
        lines = m["body"].splitlines()
        assert all(not line.strip() or line.startswith(indent) for line in lines), (
            f"{path.name}: a line of a yaml block is indented less than its fence")
        blocks.append("\n".join(line[len(indent):] for line in lines) + "\n")
    return blocks


def complete_example() -> str:
    blocks = yaml_blocks(FORMAT)
    complete = [b for b in blocks if "name" in (yaml.safe_load(b) or {})]
    assert len(complete) == 1, "scenario-format.md should show one complete scenario"
    return complete[0]


def fragments() -> list[str]:
    return yaml_blocks(SHOCKS)


def load_quietly(path: Path, overrides: list[str] | None = None) -> Any:
    """Load a scenario file; fail on any warning, note or value without a citation."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sc = sim.load_scenario(path, overrides or [])
    meta = meta_of(sc)
    assert meta.notes == [], meta.notes
    uncited = [".".join(map(str, p)) for p, _ in meta.provenance.uncited]
    assert uncited == [], f"figures without source: or assumption: {uncited}"
    return sc


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with the complete example as ``example.yaml`` and each fragment of
    shocks-and-policies.md as ``part_<n>.yaml``, extending it."""
    (tmp_path / "example.yaml").write_text(complete_example(), encoding="utf-8")
    for n, text in enumerate(fragments()):
        (tmp_path / f"part_{n}.yaml").write_text(
            f"extends: example.yaml\nname: part_{n}\n{text}", encoding="utf-8")
    return tmp_path


def test_both_documents_have_yaml_examples():
    assert len(yaml_blocks(FORMAT)) >= 1
    text = "".join(fragments())
    # the kinds of example a user writing a scenario from scratch needs
    for key in ("events:", "targets:", "effects:", "regimes:", "incidents:", "export_bans:",
                "export_quotas:", "schedule:", "stockpiles:", "offtake_deals:"):
        assert key in text, f"shocks-and-policies.md has no example with {key}"


def test_the_complete_example_is_the_generators():
    from sim.scenario.docs import EXAMPLE

    assert complete_example() == EXAMPLE


def test_the_complete_example_validates_with_every_figure_labelled(folder: Path):
    sc = load_quietly(folder / "example.yaml")
    kinds = sorted(site.kind for site in sc.sites.values())
    assert kinds.count("mine") == 2 and {"border_post", "port", "refiner", "market"} <= set(
        kinds)
    assert any(lane.sailing is not None for lane in sc.lanes.values())
    assert len(sc.channels) == 2
    assert all(channel.routes for channel in sc.channels.values())


@pytest.mark.parametrize("n", range(len(fragments())))
def test_each_fragment_added_to_the_complete_example_validates(folder: Path, n: int):
    text = fragments()[n]
    sc = load_quietly(folder / f"part_{n}.yaml")
    # everything the fragment names is in the scenario (not dropped by a misplaced key)
    for section, body in yaml.safe_load(text).items():
        if section in ("shocks", "policies"):
            for kind, ids in body.items():
                assert set(ids) <= set(getattr(getattr(sc, section), kind)), (section, kind)
        else:
            assert set(body) <= set(getattr(sc, section)), section


def test_all_fragments_together_validate_and_run(folder: Path):
    parts = ", ".join(f"part_{n}.yaml" for n in range(len(fragments())))
    (folder / "all.yaml").write_text(f"extends: [{parts}]\nname: all_parts\n",
                                     encoding="utf-8")
    sc = load_quietly(folder / "all.yaml")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        results = sim.run(sc, replications=1, seed=1)
    assert results.n == 1


def test_list_items_are_addressed_as_the_docs_say(folder: Path):
    """scenario-format.md on --set: an item by its place from 0, as [i] or .i; null removes
    it; past the end is refused; shocks-and-policies.md gives a --set of a quota entry."""
    quota = next(n for n, text in enumerate(fragments()) if "export_quotas:" in text)
    path = folder / f"part_{quota}.yaml"
    documented = re.findall(r"--set\s+'([^']*schedule\[\d+\][^']*)'",
                            " ".join(SHOCKS.read_text(encoding="utf-8").split()))
    assert documented, "shocks-and-policies.md should show --set on a schedule entry"
    for text in documented:
        sc = sim.load_scenario(path, [text])
        key, value = text.split("=")
        index = int(re.search(r"\[(\d+)\]", key)[1])
        (qid,) = sc.policies.export_quotas
        assert sc.policies.export_quotas[qid].schedule[index].tonnes == float(value)
    q = "policies.export_quotas.after_the_ban"
    tonnes = [p.tonnes for p in sim.load_scenario(path).policies.export_quotas[
        "after_the_ban"].schedule]
    sc = sim.load_scenario(path, [f"{q}.schedule.0.tonnes=5000"])
    assert [p.tonnes for p in sc.policies.export_quotas["after_the_ban"].schedule] == [
        5000, *tonnes[1:]]
    sc = sim.load_scenario(path, [f"{q}.schedule[0]=null"])
    assert [p.tonnes for p in sc.policies.export_quotas["after_the_ban"].schedule] == tonnes[1:]
    sc = sim.load_scenario(path, ["lanes.border_dar.regions[0]=tanzania"])
    assert sc.lanes["border_dar"].regions == ["tanzania"]
    with pytest.raises(ScenarioError, match="no such list item"):
        sim.load_scenario(path, [f"{q}.schedule[{len(tonnes)}]={{start: 2026-01-01, "
                                 "end: 2026-01-31, tonnes: 5}"])
    sc = sim.load_scenario(path, ["lanes.border_dar.regions=[zambia, tanzania]"])
    assert sc.lanes["border_dar"].regions == ["zambia", "tanzania"]


def test_a_sweep_param_names_a_list_item(folder: Path):
    quota = next(n for n, text in enumerate(fragments()) if "export_quotas:" in text)
    key = "policies.export_quotas.after_the_ban.schedule[1].tonnes"
    table = sim.sweep(folder / f"part_{quota}.yaml", [f"{key}=300:1000"], design="grid",
                      samples=2, replications=1, seed=1)
    assert sorted(table[key]) == [300, 1000]
    assert table["exported_t:cobalt"].nunique() == 2  # the quota binds, differently
