"""Review 193: a child's citation of a mapping replaces its parent's whole.

A child that cited only ``assumption:`` over a parent mapping with ``source:`` and
``assumption:`` kept the parent's source beside its own assumption, and the citation was
placed at the parent's line (us_partnership_no_show's Kokkola share of 0.0 beside the
derivation of the parent's 0.15)."""

from __future__ import annotations

from pathlib import Path

from scenario_helpers import write

from sim.scenario import load_scenario, meta_of
from tests.conftest import line_of

ROOT = Path(__file__).resolve().parents[2]
DEMAND = ("sites", "market_x", "demand_t_per_year")
PARENT_DEMAND = "demand_t_per_year: {copper: 36525, assumption: test input}"

PARENTS = {
    "source": "source: 'parent source'",
    "assumption": "assumption: 'parent assumption'",
    "both": "source: 'parent source', assumption: 'parent assumption'",
    "both and a note": ("source: 'parent source', assumption: 'parent assumption', "
                        "note: 'parent note'"),
}
CHILDREN = {
    "source": "source: 'child source'",
    "assumption": "assumption: 'child assumption'",
    "both": "source: 'child source', assumption: 'child assumption'",
    "a note": "note: 'child note'",
    "nothing": "",
}


def _load(tmp_path: Path, tiny_variant, parent: str, child: str):
    """The scenario of a child of tiny.yaml, whose market demand the parent cites with
    ``parent`` and the child changes with the citation ``child``, and the child's text."""
    folder = tmp_path / f"{parent}-{child}".replace(" ", "_")
    write(folder / "parent.yaml", tiny_variant(
        (PARENT_DEMAND, f"demand_t_per_year: {{copper: 36525, {PARENTS[parent]}}}")))
    cited = f", {CHILDREN[child]}" if CHILDREN[child] else ""
    text = ("extends: parent.yaml\nname: child\nsites:\n  market_x:\n"
            f"    demand_t_per_year: {{copper: 30000{cited}}}\n")
    return load_scenario(write(folder / "child.yaml", text)), text


def test_a_child_citation_replaces_every_part_of_the_parent_citation(
        tmp_path: Path, tiny_variant) -> None:
    wrong = []
    for parent in PARENTS:
        for child in CHILDREN:
            sc, text = _load(tmp_path, tiny_variant, parent, child)
            assert sc.sites["market_x"].demand_t_per_year["copper"] == 30000
            cit = meta_of(sc).provenance.citations.get(DEMAND)
            got = (None if cit is None else
                   (cit.source, cit.assumption, cit.note, Path(cit.file or "").name, cit.line))
            if child == "nothing":
                # a bare number the parent's citation never gave: uncited, with no word of
                # the parent's about the old number
                want = None
            else:
                want = ("child source" if "source" in CHILDREN[child] else None,
                        "child assumption" if "assumption" in CHILDREN[child] else None,
                        "child note" if "note" in CHILDREN[child] else None,
                        "child.yaml", line_of(text, "demand_t_per_year"))
            if got != want:
                wrong.append(f"parent {parent}, child {child}: {got} != {want}")
    assert not wrong, "\n".join(wrong)


def test_a_bare_child_number_is_uncited(tmp_path: Path, tiny_variant) -> None:
    sc, _text = _load(tmp_path, tiny_variant, "both and a note", "nothing")
    prov = meta_of(sc).provenance
    assert prov.for_path((*DEMAND, "copper")) is None
    assert dict(prov.uncited) == {(*DEMAND, "copper"): 30000}


def test_us_partnership_no_show_cites_its_own_shares_at_its_own_lines() -> None:
    path = ROOT / "scenarios" / "us_partnership_no_show.yaml"
    text = path.read_text(encoding="utf-8")
    prov = meta_of(load_scenario(path)).provenance
    routes = ("channels", "us_partnered", "routes")
    for route, assumption in (
            ("cobalt_lobito_kokkola", "no new buyers for Kokkola's spare capacity"),
            ("cobalt_lobito_china", "whatever the channel still moves goes to Chinese refiners"),
            ("cobalt_lobito_nds", "no stockpile purchases")):
        cit = prov.citations[(*routes, route)]
        assert cit.source is None, route  # the parent's derivation of its own share
        assert cit.assumption == assumption
        assert (Path(cit.file or "").name, cit.line) == (
            "us_partnership_no_show.yaml", line_of(text, f"{route}: {{share"))
