"""Review 70: the Python API's annotations and signatures say what it accepts.

F1: a module-level ``__getattr__`` made type checkers read every attribute of ``sim`` (a
misspelt ``sim.runn`` too) as Any; it is now hidden from them, and works as before at run
time. F2: ``sim.sweep`` takes any mapping of ranges (a MappingProxyType was read as a list
of its keys). F3: ``sim.compare`` and ``sim.sweep`` spell out their keyword arguments, so
a misspelt one is refused naming them (not an internal function). F4: ``workers=None``
is in ``sim.run``'s annotation. F5: any ``os.PathLike`` path, any mapping for
``scenario_from_dict``. F6: ``typing.get_type_hints`` of the loaders. F7: the figure
methods' annotations and arguments, and ``dir(sim)``.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import subprocess
import sys
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from expt_helpers import TINY

import sim
from sim.experiment.results import ResultsPlot

SIM = Path(sim.__file__).parent
SHORT = ["horizon_days=20"]


class CustomPath(os.PathLike):
    """An ``os.PathLike`` that is not a ``pathlib.Path`` (``str()`` of it is not the path)."""

    def __init__(self, path: str | Path) -> None:
        self._path = str(path)

    def __fspath__(self) -> str:
        return self._path


def _fresh(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    return out.stdout


# -- F1 --------------------------------------------------------------------------------


@pytest.mark.parametrize("init", ["__init__.py", "world/__init__.py"])
def test_lazy_getattr_is_hidden_from_type_checkers(init: str) -> None:
    tree = ast.parse((SIM / init).read_text(encoding="utf-8"))
    guarded = [node for node in tree.body if isinstance(node, ast.If)
               and ast.unparse(node.test) == "not TYPE_CHECKING"]
    assigned_in_guard = {t.id for g in guarded for n in g.body if isinstance(n, ast.Assign)
                         for t in n.targets if isinstance(t, ast.Name)}
    assigned_at_top = {t.id for n in tree.body if isinstance(n, ast.Assign)
                       for t in n.targets if isinstance(t, ast.Name)}
    assert "__getattr__" in assigned_in_guard
    assert "__getattr__" not in assigned_at_top


def test_names_are_still_imported_on_first_use() -> None:
    out = _fresh("import sys, sim, sim.world\n"
                 "print('sim.experiment.runner' in sys.modules, "
                 "'sim.world.world' in sys.modules)\n"
                 "sim.run; sim.world.World\n"
                 "print('sim.experiment.runner' in sys.modules, sim.run.__module__, "
                 "'sim.world.world' in sys.modules)\n"
                 "try:\n    sim.runn\nexcept AttributeError as e:\n    print(e)\n")
    assert out.splitlines() == ["False False", "True sim.experiment.runner True",
                                "module 'sim' has no attribute 'runn'"]


# -- F2, F3 ------------------------------------------------------------------------------


def test_sweep_takes_any_mapping_of_ranges() -> None:
    path = "sites.border.clearance_trucks_per_day"
    params = MappingProxyType({path: (50, 60, "int")})
    table = sim.sweep(TINY, params, design="grid", samples=2, workers=1, overrides=SHORT)
    assert table[path].tolist() == [50, 60]


def test_sweep_params_annotation_is_a_covariant_mapping() -> None:
    hints = typing.get_type_hints(sim.sweep)
    assert hints["params"] == (Mapping[str, tuple[float, float] | tuple[float, float, str]]
                               | Sequence[str])


SWEEP_KEYWORDS = {"overrides", "workers", "backend", "scheduler", "dask_local", "executor",
                  "metrics", "out", "force", "resume", "n_resamples", "confidence",
                  "progress", "on_total", "figures"}
COMPARE_KEYWORDS = {"overrides", "workers", "scheduler", "dask_local", "executor",
                    "target_ci", "metrics", "max_replications", "confidence", "out",
                    "force", "resume", "figures", "backend", "progress", "on_batch"}


@pytest.mark.parametrize(("function", "forwards_to", "names"), [
    ("sweep", "run_sweep", SWEEP_KEYWORDS), ("compare", "run_comparison", COMPARE_KEYWORDS)])
def test_keywords_are_spelt_out_with_the_defaults_they_forward_to(
        function: str, forwards_to: str, names: set[str]) -> None:
    params = inspect.signature(getattr(sim, function)).parameters
    assert not any(p.kind is p.VAR_KEYWORD for p in params.values())
    assert names <= set(params)
    inner = inspect.signature(getattr(sim, forwards_to)).parameters
    for name in names & set(inner):
        assert params[name].kind is inspect.Parameter.KEYWORD_ONLY
        assert params[name].default == inner[name].default, name


@pytest.mark.parametrize(("call", "name", "word"), [
    (lambda: sim.compare([TINY, TINY], replicatons=3), "compare", "replicatons"),
    (lambda: sim.compare([TINY, TINY], for_python=False), "compare", "for_python"),
    (lambda: sim.sweep(TINY, ["horizon_days=20:30:int"], worker=2), "sweep", "worker"),
    (lambda: sim.sweep(TINY, ["horizon_days=20:30:int"], for_python=False), "sweep",
     "for_python")])
def test_a_misspelt_keyword_is_refused_naming_the_function_called(
        call: Any, name: str, word: str) -> None:
    with pytest.raises(TypeError, match=rf"^{name}\(\) got an unexpected keyword argument "
                                        rf"'{word}'"):
        call()


def test_compare_forwards_its_keywords(tmp_path: Path) -> None:
    seen: list[int] = []
    batches: list[int] = []
    table = sim.compare([TINY, TINY], 2, seed=1, overrides=SHORT, out=tmp_path / "cmp",
                        figures=False, progress=seen.append, on_batch=batches.append)
    assert sum(seen) == 4 and batches == [4]
    assert set(table["scenario"]) == {"tiny", "tiny-2"}
    assert not (tmp_path / "cmp" / "figures").exists()
    assert not list((tmp_path / "cmp").glob("*.png"))


# -- F4, F5 -------------------------------------------------------------------------------


def test_workers_none_is_in_the_annotations_and_accepted() -> None:
    from sim.experiment.runner import run_many

    assert typing.get_type_hints(sim.run)["workers"] == int | None
    assert typing.get_type_hints(run_many)["workers"] == int | None
    res = sim.run(TINY, 1, seed=0, workers=None, overrides=SHORT)
    assert res.replications == [0]


def test_paths_are_any_os_pathlike(tmp_path: Path) -> None:
    pathlike = str | os.PathLike[str]
    assert typing.get_type_hints(sim.load_scenario)["path"] == pathlike
    assert typing.get_type_hints(sim.load_results)["path"] == pathlike
    assert typing.get_type_hints(sim.run)["out"] == pathlike | None
    assert typing.get_type_hints(sim.sweep)["out"] == pathlike | None
    assert typing.get_type_hints(sim.run_sweep)["out"] == pathlike | None
    assert typing.get_type_hints(sim.scenario_from_dict)["data"] == Mapping[str, Any]

    assert sim.load_scenario(CustomPath(TINY), SHORT).horizon_days == 20
    res = sim.run(CustomPath(TINY), 1, overrides=SHORT, out=CustomPath(tmp_path / "run"),
                  figures=False)
    assert sim.load_results(CustomPath(tmp_path / "run")).replications == res.replications
    sim.sweep(CustomPath(TINY), {"horizon_days": (20, 30, "int")}, design="grid",
              samples=2, out=CustomPath(tmp_path / "sw"), figures=False)
    # recorded as the path, not as the object's repr
    record = json.loads((tmp_path / "sw" / "sweep.json").read_text(encoding="utf-8"))
    assert str(TINY) in json.dumps(record)
    assert "CustomPath" not in json.dumps(record)


def test_scenario_from_dict_takes_any_mapping() -> None:
    from sim.scenario.compose import load_raw

    data = load_raw(TINY).data
    assert sim.scenario_from_dict(MappingProxyType(dict(data))).name == "tiny"


# -- F6 -----------------------------------------------------------------------------------


def test_type_hints_of_the_loaders_resolve_in_a_fresh_process() -> None:
    # fresh: once sim.Scenario has been read, it is in the package's namespace anyway
    out = _fresh("import sys, typing, sim\n"
                 "for f in (sim.load_scenario, sim.scenario_from_dict):\n"
                 "    print(typing.get_type_hints(f)['return'].__name__)\n"
                 "print('sim.scenario' in sys.modules)\n")
    assert out.split() == ["Scenario", "Scenario", "True"]


def test_type_hints_of_the_public_functions_resolve() -> None:
    # pandas, imported when used
    known = {"Results.summary", "Results.series_summary", "Results.kpi_rows"}
    failing = []
    for name in sim.__all__:
        obj = getattr(sim, name)
        members = [(name, obj)]
        if inspect.isclass(obj):
            members += [(f"{name}.{m}", f) for m, f in vars(obj).items()
                        if inspect.isfunction(f) and not m.startswith("_")
                        and f.__module__.startswith("sim")]
        for label, f in members:
            if callable(f) and label not in known:
                try:
                    typing.get_type_hints(f)
                except NameError as exc:
                    failing.append(f"{label}: {exc}")
    assert failing == []


# -- F7 -----------------------------------------------------------------------------------


def test_figure_methods_are_annotated_as_figures() -> None:
    for name in ("flows", "deliveries", "prices", "stocks", "lead_times", "map",
                 "flow_diagram"):
        assert inspect.signature(getattr(ResultsPlot, name)).return_annotation == "Figure"


def test_stocks_and_lead_times_pass_the_figures_defaults_and_options(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from sim.output import figures

    lead = inspect.signature(ResultsPlot.lead_times).parameters["max_routes"]
    assert lead.default == inspect.signature(
        figures.lead_times_figure).parameters["max_routes"].default
    calls: dict[str, tuple[Any, ...]] = {}
    monkeypatch.setattr(figures, "STOCK_KINDS", ("port",))
    monkeypatch.setattr(figures, "stocks_figure", lambda *a: calls.setdefault("stocks", a))
    monkeypatch.setattr(figures, "lead_times_figure",
                        lambda *a: calls.setdefault("lead_times", a))
    res = sim.run(TINY, 1, overrides=SHORT)
    res.plot.stocks("copper")
    res.plot.lead_times("copper", max_routes=3)
    assert calls["stocks"][1:] == ("copper", ("port",))
    assert calls["lead_times"][1:] == ("copper", 3)


def test_dir_lists_the_public_names_and_subpackages_only() -> None:
    names = set(dir(sim))
    assert set(sim.__all__) <= names
    assert {"scenario", "experiment", "world", "output"} <= names
    assert not names & {"os", "Any", "Sequence", "Mapping", "TYPE_CHECKING", "lazy_exports",
                        "metadata", "pkgutil", "sim", "_EXPORTS", "__main__"}
