"""Fuzzing the loader: random mutations of real scenarios never crash it.

Each case takes a real scenario text (``tests/data/tiny.yaml``, the same with shocks and
policies added, and every shipped ``scenarios/*.yaml``) and applies one to three random
mutations: delete a line, duplicate a line, swap two lines, re-indent a line, truncate the
text, insert a garbage character, replace a number by text, a negative, a huge number,
NaN, infinity, a date, null or a collection, rename a key, or (on the parsed data) delete a
key or change a value's type. The mutant goes to :func:`sim.scenario.scenario_from_yaml`
(or to :func:`sim.scenario.load_scenario` for files that use ``extends:``, from a copy of the
scenarios folder). Every outcome must be a valid scenario or a
:class:`~sim.scenario.ScenarioError` whose report names a file; any other exception is a bug.
Mutants of the small scenarios that stay valid are also run for one replication, which must
finish and balance.

The cases are seeded (``SEED``), so every run of the suite tries the same ones; the counts
are in ``CASES``.
"""

from __future__ import annotations

import random
import re
import shutil
import traceback
from pathlib import Path

import pytest
import yaml

from sim.experiment import run_replication
from sim.scenario import ScenarioError, load_scenario, scenario_from_yaml

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
SEED = 20240801
CASES = {"tiny": 250, "tiny_with_shocks": 150, "shipped": 40}

SHOCKS_AND_POLICIES = """\
shocks:
  events:
    strike:
      start: 10
      duration_days: {dist: exponential, mean: 5}
      targets: {sites: [border]}
      effects: {capacity_factor: 0.0, added_delay_days: 1}
    raid:
      start: 2024-02-01
      end: 2024-02-20
      targets: {regions: [home], commodities: [copper]}
      effects: {seize_share: 0.1, tax_rate: 0.05}
    capture:
      start: 30
      end: 45
      targets: {sites: [mine_a]}
      effects: {divert: {share: 0.5, to_channel: informal}}
  regimes:
    east:
      targets: {sites: [border]}
      states: {calm: {}, contested: {effects: {capacity_factor: 0.5}}}
      rates_per_year: {calm: {contested: 6}, contested: {calm: 18}}
  incidents:
    floods:
      rate_per_year: 4
      duration_days: 3
      targets: {lanes: [border_market]}
      effects: {added_delay_days: {dist: uniform, low: 1, high: 2}}
policies:
  export_bans:
    ban: {commodity: copper, start: 40, end: 50, stock_limit_days: 5}
  export_quotas:
    quota:
      commodity: copper
      schedule: [{start: 60, end: 90, tonnes: 2000, period: month}]
  offtake_deals:
    deal: {mines: [mine_a], commodities: [copper], share: 0.3, to_channel: informal, start: 5,
           ramp_days: 10}
  security_support:
    help: {regimes: [east], start: 20, escalation_factor: 0.5}
  corridor_upgrades:
    faster: {lane: border_market, start: 30, ramp_days: 20, transit_factor: 0.7}
"""


def tiny_with_shocks() -> str:
    text = TINY.read_text("utf-8")
    text = text.replace("      direct: {path: [border, market_x]}",
                        "      direct: {path: [border, market_x]}\n"
                        "  informal:\n    formal: false\n    routes:\n"
                        "      smuggled: {path: [border, market_x]}")
    return text + SHOCKS_AND_POLICIES


# ----------------------------------------------------------------------------- mutations
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.:-])")
KEY = re.compile(r"^(\s*)([a-z_][a-z0-9_]*):", re.M)
REPLACEMENTS = ["abc", "-1", "-0.5", "0", "1e308", "1e400", ".nan", ".inf", "-.inf", "true",
                "null", "[]", "{}", "[1, 2]", "{a: 1}", "99999999999999999999999",
                "2024-13-45", "2025-06-01", "'5'", "0x1F", "1_000", "~", "!!str 3", "&x 1",
                "*nope", "1:2", "0.0000001", "-1e308"]
GARBAGE = list(":{}[]&*!|>%@`\"'#,?-\t\\") + ["\x00", "\x07", "\u2028", "\ufeff", "é", "😀",
                                              "\x85", "   ", "\n", "<<: *a", "---\n", "\r"]
NEW_VALUES = [None, "x", -1, 0, 1e300, float("nan"), float("inf"), [], {}, True, [1, 2],
              {"a": 1}, "2024-01-01", 10**30]


def _data_mutation(text: str, rng: random.Random) -> str:
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError):  # PyYAML's own loader fails on dates like 2024-13-45
        return text
    if not isinstance(data, dict):
        return text
    paths: list[tuple] = []

    def walk(node, path: tuple) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                paths.append((*path, k))
                walk(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                paths.append((*path, i))
                walk(v, (*path, i))

    walk(data, ())
    if not paths:
        return text
    path = rng.choice(paths)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    if isinstance(parent, dict) and rng.random() < 0.4:
        del parent[path[-1]]
    else:
        parent[path[-1]] = rng.choice(NEW_VALUES)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def mutate(text: str, rng: random.Random) -> tuple[str, str]:
    """One random mutation of ``text``; returns the new text and the mutation's name."""
    lines = text.splitlines(keepends=True)
    op = rng.choice(["delete_line", "duplicate_line", "swap_lines", "indent", "truncate",
                     "garbage", "number", "number", "rename_key", "data", "data"])
    if op == "delete_line" and lines:
        del lines[rng.randrange(len(lines))]
    elif op == "duplicate_line" and lines:
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
    elif op == "swap_lines" and len(lines) > 1:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "indent" and lines:
        i = rng.randrange(len(lines))
        lines[i] = " " * rng.randrange(1, 5) + lines[i]
    elif op == "truncate":
        return text[: rng.randrange(len(text) + 1)], op
    elif op == "garbage":
        i = rng.randrange(len(text) + 1)
        return text[:i] + rng.choice(GARBAGE) + text[i:], op
    elif op == "number":
        found = list(NUMBER.finditer(text))
        if found:
            m = rng.choice(found)
            return text[:m.start()] + rng.choice(REPLACEMENTS) + text[m.end():], op
    elif op == "rename_key":
        found = list(KEY.finditer(text))
        if found:
            m = rng.choice(found)
            name = m.group(2)
            new = rng.choice([name[:-1] or "x", name + "s", name.upper(), "kind", "from", "to",
                              "extends", "value", "dist", "<<"])
            return text[:m.start(2)] + new + text[m.end(2):], op
    elif op == "data":
        return _data_mutation(text, rng), op
    return "".join(lines), op


# ----------------------------------------------------------------------------- runner
class Outcome:
    def __init__(self) -> None:
        self.valid = 0
        self.refused = 0
        self.ran = 0
        self.long = 0
        """Valid mutants not run because they simulate more than 400 days."""
        self.crashes: list[str] = []


def _try(load, text: str, label: str, outcome: Outcome, run: bool) -> None:
    try:
        sc = load(text)
    except ScenarioError as exc:
        report = exc.report()
        assert exc.issues, label
        assert report.startswith(f"{len(exc.issues)} problem"), label
        outcome.refused += 1
        return
    except Exception:  # noqa: BLE001 - this is what the fuzz looks for
        outcome.crashes.append(f"{label}: loader raised\n{traceback.format_exc(limit=-3)}")
        return
    outcome.valid += 1
    if run and sc.horizon + sc.warmup_days > 400:
        outcome.long += 1
    elif run:
        try:
            run_replication(sc, 1, 0)
            outcome.ran += 1
        except Exception:  # noqa: BLE001
            outcome.crashes.append(f"{label}: valid scenario crashed the run\n"
                                   f"{traceback.format_exc(limit=-3)}")


def _fuzz(name: str, base: str, load, n: int, run: bool) -> Outcome:
    outcome = Outcome()
    for i in range(n):
        rng = random.Random(f"{SEED}:{name}:{i}")
        text, ops = base, []
        for _ in range(rng.randint(1, 3)):
            text, op = mutate(text, rng)
            ops.append(op)
        _try(load, text, f"{name} case {i} ({', '.join(ops)})", outcome, run)
    return outcome


def _check(outcome: Outcome, n: int) -> None:
    assert not outcome.crashes, (f"{len(outcome.crashes)} of {n} mutants crashed:\n\n"
                                 + "\n\n".join(outcome.crashes[:3]))
    assert outcome.valid + outcome.refused == n
    assert outcome.refused > n // 2  # the mutations do break things


def test_fuzz_tiny() -> None:
    n = CASES["tiny"]
    outcome = _fuzz("tiny", TINY.read_text("utf-8"),
                    lambda text: scenario_from_yaml(text, "fuzz.yaml"), n, run=True)
    _check(outcome, n)
    assert outcome.valid > 5 and outcome.ran + outcome.long == outcome.valid


def test_fuzz_tiny_with_shocks_and_policies() -> None:
    base = tiny_with_shocks()
    scenario_from_yaml(base, "rich.yaml")  # the unmutated text is valid
    n = CASES["tiny_with_shocks"]
    outcome = _fuzz("tiny_with_shocks", base,
                    lambda text: scenario_from_yaml(text, "fuzz.yaml"), n, run=True)
    _check(outcome, n)
    assert outcome.valid > 3 and outcome.ran + outcome.long == outcome.valid


def test_fuzz_shipped_scenarios(tmp_path: Path) -> None:
    # a copy of the scenarios folder, so that mutants can extend their real parents
    folder = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios", folder, ignore=shutil.ignore_patterns("*.py", "*.md"))
    target = folder / "_mutant.yaml"

    def load(text: str):
        target.write_bytes(text.encode("utf-8", "surrogatepass"))
        return load_scenario(target)

    n = CASES["shipped"]
    outcome = Outcome()
    for i in range(n):
        rng = random.Random(f"{SEED}:shipped:{i}")
        source = SHIPPED[i % len(SHIPPED)]
        text, ops = source.read_text("utf-8"), []
        for _ in range(rng.randint(1, 3)):
            text, op = mutate(text, rng)
            ops.append(op)
        _try(load, text, f"{source.name} case {i} ({', '.join(ops)})", outcome, run=False)
    _check(outcome, n)


# ----------------------------------------------------------------------------- regressions
def test_control_characters_are_a_scenario_error() -> None:
    # found by the fuzz: a NUL (or other control) character made PyYAML's reader raise
    # outside the loader's error handling, and `sim validate` reported an internal error
    for char in ("\x00", "\x07", "\x1b"):
        with pytest.raises(ScenarioError) as exc:
            scenario_from_yaml(f"name: x\ntitle: a{char}b\n", "ctl.yaml")
        (issue,) = exc.value.issues
        assert issue.message == (f"file contains a character YAML does not allow "
                                 f"(#x{ord(char):04x})")
        assert (issue.line, issue.column) == (2, 9)
        assert "control characters" in issue.hint


def test_extends_a_new_distribution_replaces_an_inherited_value(tmp_path: Path) -> None:
    # found by the corpus: a child's {dist: ...} was merged key by key into the parent's
    # {value: 3, assumption: ...}, giving a mapping with both, refused as "unknown field
    # 'value'" at the parent's line
    shutil.copy(TINY, tmp_path / "tiny.yaml")
    child = tmp_path / "child.yaml"
    child.write_text("extends: tiny.yaml\nname: child\nlanes:\n"
                     "  mine_border: {transit_days: {dist: exponential, mean: 2}}\n"
                     "  border_market:\n"
                     "    transit_days: {dist: triangular, low: 5, mode: 9, high: 12}\n")
    sc = load_scenario(child)
    assert sc.lanes["mine_border"].transit_days.mean() == pytest.approx(2.0)
    assert sc.lanes["border_market"].transit_days.mean() == pytest.approx(26 / 3)
    # and back: a grandchild's number replaces the inherited distribution
    grandchild = tmp_path / "grandchild.yaml"
    grandchild.write_text("extends: child.yaml\nname: grandchild\nlanes:\n"
                          "  mine_border: {transit_days: {value: 4, source: survey}}\n"
                          "  border_market: {transit_days: {dist: exponential, mean: 6}}\n")
    sc = load_scenario(grandchild)
    assert sc.lanes["mine_border"].transit_days.mean() == 4.0
    assert sc.lanes["border_market"].transit_days.mean() == 6.0


def test_extends_distribution_is_replaced_whole_not_merged(tmp_path: Path) -> None:
    # A child's distribution replaces the parent's whole, like its {value: ...}: merged key
    # by key, a child's `high: 6` was read in the parent's `unit:` and cited by the
    # parent's `source:`. A partial distribution is now refused, at the child's line.
    shutil.copy(TINY, tmp_path / "tiny.yaml")
    (tmp_path / "parent.yaml").write_text(
        "extends: tiny.yaml\nname: parent\n"
        "lanes:\n  mine_border:\n    transit_days: {dist: triangular, "
        "low: 1, mode: 2, high: 3, source: field survey}\n")
    child = tmp_path / "child.yaml"
    child.write_text("extends: parent.yaml\nname: child\nlanes:\n  mine_border:\n"
                     "    transit_days: {dist: triangular, high: 6}\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario(child)
    issues = {i.path[-1]: i for i in exc.value.issues}
    assert set(issues) == {"low", "mode"}
    for issue in issues.values():
        assert issue.message == f"missing required field {issue.path[-1]!r}"
        # at the child's mapping, not at the parent's `low:` it no longer has
        assert (issue.file, issue.line) == (str(child), 5)
