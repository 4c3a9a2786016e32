"""Review 241: a user who checks a script against the Python API with ``mypy --strict``.

F1: every callback the API takes (``progress``, ``sink``, ``on_batch``, ``on_total``, ...)
was annotated as returning None, so mypy refused README's own
``progress=tqdm(total=20).update`` (types-tqdm: ``update(n) -> bool | None``) and any
callable returning a value; the value is ignored, so they return ``object``. F2:
``sim.compare`` and ``sim.run_comparison`` took any ``os.PathLike`` at run time, as README
says, but annotated their items ``str | Path | ...``, so mypy refused one. F3: the names a
type checker sees in each lazily importing package are exactly those it exports, from the
same modules (a name missing from the ``TYPE_CHECKING`` block is an error under mypy, not
Any, but one pointing at another module would give it another type). F4: ``mypy --strict
script.py`` run in the project's folder reported some 400 errors in sim's own modules
besides the script's; pyproject.toml now has mypy read sim as an installed package.

A cold ``mypy --strict`` over a user script (which reads the whole package, numpy's,
matplotlib's and pydantic's stubs) takes 11-25 s of CPU, 37-72 s on the shared 2-core
machine: too slow for a test. It is a command in ``benchmarks/README.md``, over
``tests/data/typing_user.py``, which a test here runs so that it stays true to the API.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import typing
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny.yaml"

# -- F1 -----------------------------------------------------------------------------------

CALLBACKS = {
    "run": {"sink", "progress", "on_figure", "on_table"},
    "compare": {"progress", "on_batch", "on_figure", "on_table"},
    "run_comparison": {"progress", "on_batch", "on_read", "on_saved", "on_write",
                       "on_figure", "on_table"},
    "sweep": {"progress", "on_total", "on_figure", "on_table"},
    "run_sweep": {"progress", "on_total", "on_build", "on_read", "on_saved", "on_write",
                  "on_figure", "on_table"},
}


def _callable_of(hint: object) -> tuple[list[object], object]:
    """The (arguments, return) of the one Callable in ``hint`` (``Callable[...] | None``)."""
    (call,) = [a for a in typing.get_args(hint) if typing.get_origin(a) is Callable]
    args, returns = typing.get_args(call)
    return args, returns


@pytest.mark.parametrize("function", sorted(CALLBACKS))
def test_callbacks_may_return_anything(function: str) -> None:
    f = getattr(sim, function)
    hints = typing.get_type_hints(f)
    callbacks = {name for name, hint in hints.items()
                 if any(typing.get_origin(a) is Callable for a in typing.get_args(hint))}
    assert callbacks == CALLBACKS[function]
    for name in callbacks:
        assert type(None) in typing.get_args(hints[name]), name  # optional, None default
        assert inspect.signature(f).parameters[name].default is None
        assert _callable_of(hints[name])[1] is object, f"{function}({name}=...)"


def test_a_callback_returning_a_value_works_as_readme_shows_it() -> None:
    counted: list[float | None] = []

    class Bar:  # tqdm's update, as types-tqdm types it
        def update(self, n: float | None = 1) -> bool | None:
            counted.append(n)
            return True

    res = sim.run(TINY, 2, overrides=["horizon_days=20"], progress=Bar().update,
                  sink=lambda r: r.replication)
    assert counted == [1, 1] and res.replications == [0, 1]


# -- F2 -----------------------------------------------------------------------------------


class CustomPath(os.PathLike[str]):
    """An ``os.PathLike`` that is not a ``pathlib.Path``."""

    def __init__(self, path: str | Path) -> None:
        self._path = str(path)

    def __fspath__(self) -> str:
        return self._path


@pytest.mark.parametrize("function", ["compare", "run_comparison"])
def test_compare_items_are_annotated_as_any_path(function: str) -> None:
    (item,) = typing.get_args(typing.get_type_hints(getattr(sim, function))["items"])
    assert os.PathLike[str] in typing.get_args(item)
    assert {str, sim.Scenario, sim.Results} <= set(typing.get_args(item))


def test_compare_takes_any_path_as_annotated() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the same scenario twice, said so
        comp = sim.run_comparison([CustomPath(TINY), TINY], 1, overrides=["horizon_days=20"])
    assert comp.labels == ["tiny", "tiny-2"]
    assert comp.sources == [str(TINY), str(TINY)]


# -- F3 -----------------------------------------------------------------------------------


def _type_checking_imports(init: Path) -> dict[str, str]:
    """Name -> module of every ``from M import N as N`` under ``if TYPE_CHECKING:``."""
    found: dict[str, str] = {}
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for imp in node.body:
                assert isinstance(imp, ast.ImportFrom) and imp.module, ast.unparse(imp)
                for alias in imp.names:
                    # "as" the same name: an explicit re-export under --strict
                    assert alias.asname == alias.name, ast.unparse(imp)
                    found[alias.name] = imp.module
    return found


@pytest.mark.parametrize("package", ["sim", "sim.scenario", "sim.world", "sim.shocks"])
def test_type_checkers_see_every_lazy_name_from_its_module(package: str) -> None:
    module = importlib.import_module(package)
    init = Path(module.__file__ or "")
    assert _type_checking_imports(init) == module._EXPORTS


def test_every_public_name_of_sim_is_seen_by_type_checkers() -> None:
    tree = ast.parse((Path(sim.__file__ or "")).read_text(encoding="utf-8"))
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    annotated = {n.target.id for n in tree.body
                 if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
    seen = set(_type_checking_imports(Path(sim.__file__ or ""))) | defined | annotated
    assert set(sim.__all__) <= seen


# -- F4 -----------------------------------------------------------------------------------


def test_mypy_reads_sim_as_an_installed_package_from_the_project_folder() -> None:
    # else a user's mypy --strict script.py run here reported some 400 errors in sim's own
    # modules besides the script's (an installed package's are not reported)
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    overrides = config["tool"]["mypy"]["overrides"]
    assert {"module": ["sim", "sim.*"], "follow_imports": "silent"} in overrides


def test_the_typed_user_script_runs_against_the_api() -> None:
    # the file mypy --strict checks (benchmarks/README.md): kept true to the API by running it
    import runpy

    script = runpy.run_path(str(ROOT / "tests" / "data" / "typing_user.py"))
    script["main"]()
