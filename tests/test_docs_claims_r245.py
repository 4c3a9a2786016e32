"""Review 245 (this session's docs against the tool): ``sim.run``'s and ``sim.compare``'s
docstrings said a path is a str or Path, where README says, and the code takes, any
``os.PathLike``; benchmarks/README.md said tests/data/typing_user.py type-checks every call
README shows, where it called neither ``sim.compare`` nor ``sim.sweep`` nor gave
``on_figure``. README's layout names modules that exist, and every module at sim/'s top."""

from __future__ import annotations

import ast
import os
import re
import warnings
from pathlib import Path

import sim

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny.yaml"
README = (ROOT / "README.md").read_text(encoding="utf-8")


class CustomPath(os.PathLike[str]):
    """A path that is not a ``pathlib.Path``."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)

    def __fspath__(self) -> str:
        return self.path


def test_docstrings_take_any_path_as_readme_says() -> None:
    # README: "paths may be any os.PathLike"; the docstrings' TypeError said (str or Path)
    assert "paths may be any `os.PathLike`" in README
    for function in (sim.run, sim.compare):
        doc = " ".join((function.__doc__ or "").split())
        assert "(str or Path)" not in doc, function.__name__
        assert "any ``os.PathLike``" in doc, function.__name__


def test_any_path_is_taken_where_the_docstrings_say(tmp_path: Path) -> None:
    out = tmp_path / "run"
    res = sim.run(CustomPath(TINY), 1, overrides=["horizon_days=20"], out=CustomPath(out),
                  figures=False)
    assert res.replications == [0] and (out / "manifest.json").exists()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the same scenario twice, which a note says
        table = sim.compare([CustomPath(TINY), CustomPath(out)], seed=0)
    assert set(table["scenario"]) == {"tiny", "run"}


def _sim_calls(tree: ast.AST) -> set[str]:
    return {node.func.attr for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "sim"}


def test_the_typed_user_script_calls_every_function_readme_shows() -> None:
    # benchmarks/README.md: "every call README shows but the figures (res.plot)"
    assert "every call README shows but the figures" in (
        ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\bsim\.([a-z_]+)\(", README))
    script = ast.parse((ROOT / "tests" / "data" / "typing_user.py").read_text(
        encoding="utf-8"))
    assert {"run", "compare", "sweep", "run_comparison", "run_sweep"} <= shown
    assert shown <= _sim_calls(script), shown - _sim_calls(script)
    keywords = {kw.arg for node in ast.walk(script) if isinstance(node, ast.Call)
                for kw in node.keywords}
    # the callbacks README names for sim.run, compare and sweep
    assert {"progress", "sink", "on_figure", "on_total", "overrides", "out"} <= keywords


LAYOUT = README.split("## Layout", 1)[1].split("```", 2)[1]


def test_every_module_the_layout_names_exists() -> None:
    named = set(re.findall(r"\b([a-z_]+\.py)\b", LAYOUT))
    assert {"compare_table.py", "folder_lock.py", "provenance.py", "atomic.py"} <= named
    modules = {p.name for p in (ROOT / "sim").rglob("*.py")} | {"setup.py"}
    assert named <= modules, named - modules
    for path in re.findall(r"^(sim/[a-z_/]+(?:\.py)?)", LAYOUT, flags=re.M):
        assert (ROOT / path).exists(), path


def test_the_layout_names_every_module_at_the_top_of_sim() -> None:
    top = {p.name for p in (ROOT / "sim").glob("*.py")} - {"__init__.py", "__main__.py"}
    packages = {p.name for p in (ROOT / "sim").iterdir() if (p / "__init__.py").exists()}
    listed = set(re.findall(r"^sim/([a-z_]+)(?:\.py|/)", LAYOUT, flags=re.M))
    assert {name.removesuffix(".py") for name in top} | packages == listed
