"""The optional compiled build (``make compiled``) stays buildable and gives the same results.

mypyc compiles the modules ``setup.py`` lists (COMPILED) from the same typed source, and
checks the declared types at run time: a wrong annotation that the interpreter ignores
(a function declared ``-> bool`` returning a numpy bool, as one did) stops a compiled run.
So the suite type-checks those modules, builds them in a temporary copy of the package and
runs every shipped scenario with both builds: SimPy events, KPIs, series and timeline must
be identical, bit for bit. The rest of the suite runs the plain-Python source (its spies
and mutants patch classes, which compiled classes do not allow).
"""

from __future__ import annotations

import ast
import pickle
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.experiment.replication import run_replication

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def compiled_modules() -> list[str]:
    """setup.py's COMPILED list, read without running setup.py."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "COMPILED":
            return list(ast.literal_eval(node.value))
    raise AssertionError("setup.py has no COMPILED list")


def scenario_paths() -> list[Path]:
    return (sorted((ROOT / "scenarios").glob("*.yaml"))
            + sorted((ROOT / "benchmarks" / "networks").glob("*.yaml")))


def can_compile() -> bool:
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    header = Path(sysconfig.get_paths()["include"]) / "Python.h"
    return shutil.which(cc) is not None and header.exists()


def test_the_compiled_modules_are_the_hot_path_and_exist() -> None:
    modules = compiled_modules()
    assert all((ROOT / m).is_file() for m in modules)
    assert {"sim/world/lanes.py", "sim/world/queues.py", "sim/world/sites.py"} <= set(modules)


def test_the_compiled_modules_type_check() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", "--follow-imports=silent",
                           "--no-error-summary", *compiled_modules()],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


WORKER = textwrap.dedent("""
    import gc, pickle, sys, warnings
    sys.path.insert(0, sys.argv[1])
    import sim, sim.world.lanes, sim.world.world
    from sim.experiment.replication import run_replication
    from sim.streams import Streams
    from sim.world.world import World
    out = {"lanes": sim.world.lanes.__file__, "world": sim.world.world.__file__}

    def worlds():  # a compiled class takes no weak references: count what the collector has
        gc.collect()
        return sum(type(o) is World for o in gc.get_objects())

    # a finished world is freed once closed (compiled generators hide their references
    # from the cyclic collector: left suspended, they kept every world alive)
    world = World(sim.load_scenario(sys.argv[3], ["horizon_days=60"]), Streams(1, 0))
    world.run()
    world.close()
    out["alive"] = worlds() == 1
    del world
    out["freed"] = worlds() == 0
    # and so is the world of a replication (run_replication closes it), given numpy's ints
    import numpy as np
    sim.experiment.replication.run_replication(
        sim.load_scenario(sys.argv[3], ["horizon_days=60"]), np.int64(1), np.int64(0))
    out["freed_by_replication"] = worlds() == 0
    from sim.build import build_kind
    out["build"] = build_kind()
    for path in sys.argv[3:]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sc = sim.load_scenario(path)
        res = run_replication(sc, 3, 0)
        out[path] = (res.events, res.kpi_array, res.series, res.timeline)
    with open(sys.argv[2], "wb") as fh:
        pickle.dump(out, fh)
""")


@pytest.mark.skipif(not can_compile(), reason="no C compiler or Python headers here")
def test_the_compiled_build_gives_identical_results(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "sim", tmp_path / "sim",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    build = ("from setuptools import setup\n"
             "from mypyc.build import mypycify\n"
             f"setup(name='sim-compiled-test', packages=[], ext_modules=mypycify("
             f"['--follow-imports=silent', *{compiled_modules()!r}], opt_level='0', "
             "debug_level='0'), script_args=['-q', 'build_ext', '--inplace'])\n")
    done = subprocess.run([sys.executable, "-c", build], cwd=tmp_path, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    paths = [str(p) for p in scenario_paths()]
    out = tmp_path / "compiled.pkl"
    done = subprocess.run([sys.executable, "-P", "-c", WORKER, str(tmp_path), str(out),
                           *paths], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    compiled = pickle.loads(out.read_bytes())
    assert compiled.pop("lanes").endswith(".so")  # the compiled module ran, not the source
    assert compiled.pop("world").endswith(".so")
    assert compiled.pop("alive")  # the count sees a world
    assert compiled.pop("freed")
    assert compiled.pop("freed_by_replication")
    assert compiled.pop("build") == "compiled"  # what sim --version says

    for path in paths:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sc = sim.load_scenario(path)
        res = run_replication(sc, 3, 0)
        events, kpis, series, timeline = compiled[path]
        name = Path(path).name
        assert events == res.events, name
        assert kpis.tobytes() == np.asarray(res.kpi_array).tobytes(), name
        assert series.tobytes() == res.series.tobytes(), name
        assert timeline == res.timeline, name
