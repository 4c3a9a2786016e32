"""Reviews 237 and 238 split sim/experiment/compare.py and sim/output/folder.py, keeping
every moved name importable from the old module for programs outside sim. Inside sim (and
benchmarks) a name is imported from the module it lives in (review 244): one read through
the old module's re-export is a second binding that a test patching the new module never
reaches, so such a test would pass while the code it means to check went unpatched."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import sim

ROOT = Path(sim.__file__).resolve().parent.parent
OLD = {"sim.output.folder": ROOT / "sim/output/folder.py",
       "sim.experiment.compare": ROOT / "sim/experiment/compare.py"}
# every way an import can name either module: absolute, relative, or its package
IMPORTS = re.compile(r"sim\.output\.folder|sim\.experiment\.compare\b|from \.+(folder|compare)\b"
                     r"|from (sim\.output|sim\.experiment|\.+) import")


def _defined(path: Path) -> set[str]:
    """The names ``path`` binds at its top level other than by importing them."""
    names: set[str] = set()
    body = list(ast.parse(path.read_text(encoding="utf-8")).body)
    while body:
        node = body.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.If | ast.Try | ast.With):
            body += [*node.body, *getattr(node, "orelse", []),
                     *getattr(node, "finalbody", []),
                     *(s for h in getattr(node, "handlers", []) for s in h.body)]
    return names


def _module_of(node: ast.ImportFrom, path: Path) -> str:
    """The absolute module ``node`` imports from, relative imports resolved."""
    if not node.level:
        return node.module or ""
    package = list(path.relative_to(ROOT).with_suffix("").parts)[:-node.level]
    return ".".join([*package, *([node.module] if node.module else [])])


def _borrowed(path: Path, source: str, defined: dict[str, set[str]]) -> list[str]:
    """``path:line: module.name`` for each name ``source`` takes from an old module that
    the old module does not define: imported by name, or read as an attribute of the
    module imported whole."""
    found = []
    aliases: dict[str, str] = {}
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = _module_of(node, path)
            for alias in node.names:
                if module in defined and alias.name not in defined[module]:
                    found.append(f"{path}:{node.lineno}: {module}.{alias.name}")
                if f"{module}.{alias.name}" in defined:
                    aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
        elif isinstance(node, ast.Import):
            aliases |= {a.asname: a.name for a in node.names if a.name in defined and a.asname}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr not in defined[aliases[node.value.id]]):
            found.append(f"{path}:{node.lineno}: {aliases[node.value.id]}.{node.attr}")
    return found


def test_sim_imports_each_name_from_where_it_lives() -> None:
    defined = {module: _defined(path) for module, path in OLD.items()}
    # the defined sets are what the split left (not empty by a parsing slip)
    assert {"ResultsFolder", "claim_folder"} <= defined["sim.output.folder"]
    assert {"compare", "run_comparison", "Arm"} <= defined["sim.experiment.compare"]
    assert "versions" not in defined["sim.output.folder"]
    files = sorted([*(ROOT / "sim").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")])
    sources = {path: path.read_text(encoding="utf-8") for path in files}
    # parsed only where an import could reach the old modules: all 2.3 MB took 2.5 s
    borrowed = [hit for path, source in sources.items() if IMPORTS.search(source)
                for hit in _borrowed(path, source, defined)]
    assert not borrowed, "import these from the module that defines them:\n" + \
        "\n".join(borrowed)


def test_the_check_sees_each_way_of_borrowing() -> None:
    defined = {module: _defined(path) for module, path in OLD.items()}
    output = ROOT / "sim/output/x.py"
    source = ("from sim.output.folder import ResultsFolder, versions\n"
              "from .folder import writing\n"
              "from sim.experiment import compare as c\n"
              "import sim.output.folder as f\n"
              "c.compare_table; c.compare; f.code_label; f.claim_folder\n")
    assert [hit.split(": ")[1] for hit in _borrowed(output, source, defined)] == [
        "sim.output.folder.versions", "sim.output.folder.writing",
        "sim.experiment.compare.compare_table", "sim.output.folder.code_label"]
