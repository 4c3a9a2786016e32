"""Safety: a scenario can never run code, paths resolve where they are written, results are
written so a crash never leaves a file that looks complete, every result file is hashed,
and reports escape scenario text.

1. YAML is read only through a safe loader: tags that would construct Python objects (and
   run ``os.system``) are refused wherever they appear (a value, a list, a mapping, a key,
   a parent file, a ``--set`` value); nothing in ``sim/`` calls an unsafe YAML loader,
   ``eval``, ``exec`` or unpickles anything.
2. ``extends:`` paths are relative to the file that contains them, whatever the working
   folder.
3. Output files are written to a temporary name and renamed: a failure at any point of
   the write leaves no file (or the old file) under the final name; the manifest is
   written last, and a folder without it is refused.
4. ``manifest.json`` records the SHA-256 and size of the result files.
5. ``sim report`` escapes every piece of scenario text in its HTML.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output import atomic
from sim.output import folder as folder_mod
from sim.output.folder import FolderError, ResultsFolder, atomic_write_bytes
from sim.scenario import ScenarioError, load_scenario, scenario_from_yaml
from sim.scenario.yamlio import _FastLoader, _Loader

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def invoke(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


# ============================================================================ 1. safe YAML
PAYLOADS = {
    "apply os.system": '!!python/object/apply:os.system ["touch {marker}"]',
    "apply subprocess": '!!python/object/apply:subprocess.check_call [["touch", "{marker}"]]',
    "new os.system": '!!python/object/new:os.system ["touch {marker}"]',
    "name os.system": "!!python/name:os.system",
    "module os": "!!python/module:os",
    "object with state": "!!python/object:pathlib.PurePosixPath {{}}",
    "python tuple": "!!python/tuple [1, 2]",
    "set": "!!set {{a, b}}",
    "ordered map": "!!omap [{{a: 1}}]",
    "local tag": '!run ["touch {marker}"]',
}


def _place(text: str, where: str, payload: str) -> str:
    if where == "value":
        return text.replace("title: Tiny deterministic chain", f"title: {payload}")
    if where == "list item":
        return text.replace("path: [border, market_x]", f"path: [border, {payload} ]")
    if where == "mapping value":
        return text.replace("  away: {country: CHN}", f"  away: {{country: {payload} }}")
    if where == "key":
        return text.replace("title: Tiny deterministic chain", f"? {payload}\n: x")
    raise AssertionError(where)


@pytest.mark.parametrize("where", ["value", "list item", "mapping value", "key"])
@pytest.mark.parametrize("name", list(PAYLOADS))
def test_tags_never_construct_objects_or_run_code(tmp_path: Path, name: str,
                                                  where: str) -> None:
    marker = tmp_path / "pwned"
    text = _place(TINY.read_text("utf-8"), where, PAYLOADS[name].format(marker=marker))
    with pytest.raises(ScenarioError) as exc:
        scenario_from_yaml(text, "evil.yaml")
    assert not marker.exists(), "a scenario ran a command"
    report = exc.value.report()
    assert "evil.yaml:" in report
    assert any(word in report for word in ("tag", "cannot read value", "keys must be plain"))


def test_tags_in_a_parent_file_are_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / "parent.yaml").write_text(
        TINY.read_text("utf-8").replace(
            "title: Tiny deterministic chain",
            f'title: !!python/object/apply:os.system ["touch {marker}"]'))
    child = tmp_path / "child.yaml"
    child.write_text("extends: parent.yaml\nname: child\n")
    with pytest.raises(ScenarioError, match="unsupported tag|cannot read value"):
        load_scenario(child)
    assert not marker.exists()


def test_tags_in_a_set_override_are_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    result = invoke("validate", TINY, "--set",
                    f'title=!!python/object/apply:os.system ["touch {marker}"]')
    assert result.exit_code == 2
    assert "not valid YAML" in result.output
    assert "Traceback" not in result.output
    assert not marker.exists()


def test_the_loader_is_pyyamls_safe_loader() -> None:
    assert issubclass(_Loader, yaml.SafeLoader)
    # libyaml's parser builds nodes only; the safe constructor builds the values
    assert issubclass(_FastLoader, yaml.constructor.SafeConstructor)
    for loader in (_Loader, _FastLoader):
        for unsafe in (yaml.FullLoader, yaml.UnsafeLoader, yaml.Loader,
                       yaml.constructor.FullConstructor):
            assert not issubclass(loader, unsafe)
        python_tags = [t for t in [*loader.yaml_constructors, *loader.yaml_multi_constructors]
                       if t and "python" in t]
        assert python_tags == []


def test_no_unsafe_call_anywhere_in_the_package() -> None:
    """No eval/exec, no unsafe YAML loader, no unpickling in sim/ (multiprocessing pickles
    between our own processes, never from a file)."""
    found = []
    for path in sorted((ROOT / "sim").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                if any(n.split(".")[0] in ("pickle", "marshal", "shelve", "dill") for n in names):
                    found.append(f"{path.name}:{node.lineno} imports {names}")
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else (
                func.attr if isinstance(func, ast.Attribute) else "")
            owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(
                func.value, ast.Name) else ""
            if isinstance(func, ast.Name) and name in ("eval", "exec", "compile",
                                                       "__import__"):
                found.append(f"{path.name}:{node.lineno} calls {name}")
            if owner == "yaml" and name in ("load", "unsafe_load", "full_load", "load_all",
                                            "unsafe_load_all", "full_load_all"):
                found.append(f"{path.name}:{node.lineno} calls yaml.{name}")
            if owner == "yaml" and name == "Loader":
                found.append(f"{path.name}:{node.lineno} uses yaml.Loader")
    assert found == []


# ====================================================================== 2. extends paths
def _family(root: Path) -> Path:
    """root/project/base/tiny.yaml, root/project/runs/child.yaml extending ../base/tiny.yaml,
    and a broken decoy at root/elsewhere/base/tiny.yaml that a cwd-relative lookup from
    root/elsewhere/here would find instead."""
    (root / "project" / "base").mkdir(parents=True)
    shutil.copy(TINY, root / "project" / "base" / "tiny.yaml")
    (root / "project" / "runs").mkdir()
    child = root / "project" / "runs" / "child.yaml"
    child.write_text("extends: ../base/tiny.yaml\nname: child\nhorizon_days: 20\n")
    (root / "elsewhere" / "base").mkdir(parents=True)
    (root / "elsewhere" / "base" / "tiny.yaml").write_text("name: decoy\nsites: broken\n")
    (root / "elsewhere" / "here").mkdir()
    return child


@pytest.mark.parametrize("how", ["absolute", "relative to the working folder"])
def test_extends_is_relative_to_the_file_not_the_working_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    child = _family(tmp_path)
    monkeypatch.chdir(tmp_path / "elsewhere" / "here")
    arg = child if how == "absolute" else os.path.relpath(child)
    result = invoke("validate", arg)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok ")
    sc = load_scenario(arg)
    assert (sc.name, sc.horizon) == ("child", 20.0)


def test_extends_chains_resolve_each_step_from_its_own_file(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    # a/child.yaml -> ../b/parent.yaml -> ../c/tiny.yaml (relative to b/, not to a/)
    for d in "abc":
        (tmp_path / d).mkdir()
    shutil.copy(TINY, tmp_path / "c" / "tiny.yaml")
    (tmp_path / "b" / "parent.yaml").write_text("extends: ../c/tiny.yaml\nname: parent\n")
    (tmp_path / "a" / "child.yaml").write_text("extends: ../b/parent.yaml\nname: child\n")
    (tmp_path / "a" / "c").mkdir()  # a decoy a wrong resolution would hit
    (tmp_path / "a" / "c" / "tiny.yaml").write_text("name: decoy\n")
    monkeypatch.chdir(tmp_path)
    sc = load_scenario("a/child.yaml")
    assert sc.name == "child"
    assert [Path(f).name for f in sim.scenario.meta_of(sc).files] == [
        "child.yaml", "parent.yaml", "tiny.yaml"]


# ===================================================================== 3. atomic writes
class Boom(Exception):
    """A crash in the middle of a write."""


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("stage", ["while writing", "before flushing to disk", "at the rename"])
@pytest.mark.parametrize("existed", [False, True])
def test_a_failed_write_never_leaves_a_partial_file(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    stage: str, existed: bool) -> None:
    target = tmp_path / "kpis.csv"
    if existed:
        target.write_bytes(b"old,complete\n")
    data = b"x" * 1_000_000
    if stage == "while writing":
        real_fdopen = os.fdopen

        class HalfWriter:
            def __init__(self, fh) -> None:
                self.fh = fh

            def __enter__(self):
                return self

            def __exit__(self, *exc) -> None:
                self.fh.close()

            def write(self, chunk: bytes) -> int:
                self.fh.write(chunk[: len(chunk) // 2])
                raise Boom("killed half way through the write")

        monkeypatch.setattr(folder_mod.os, "fdopen",
                            lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    elif stage == "before flushing to disk":
        monkeypatch.setattr(folder_mod.os, "fsync", lambda fd: (_ for _ in ()).throw(
            Boom("disk gone")))
    else:
        monkeypatch.setattr(folder_mod.os, "replace", lambda a, b: (_ for _ in ()).throw(
            Boom("rename failed")))
    with pytest.raises(Boom):
        atomic_write_bytes(target, data)
    if existed:
        assert target.read_bytes() == b"old,complete\n"
    else:
        assert not target.exists()
    assert _leftovers(tmp_path) == []


def test_a_write_that_succeeds_replaces_the_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.bin"
    atomic_write_bytes(target, b"first")
    atomic_write_bytes(target, b"second, longer")
    assert target.read_bytes() == b"second, longer"
    assert _leftovers(target.parent) == []


def _run_into(folder: ResultsFolder, n: int = 2):
    sc = load_scenario(TINY, ["horizon_days=20"])
    folder.begin(sc, 3, n)
    return sim.run(sc, replications=n, seed=3, sink=folder.write_replication)


def test_the_manifest_is_written_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []
    # every file goes through atomic_write_chunks (atomic_write_bytes too; kpis.csv is
    # written a block of replications at a time)
    real = folder_mod.atomic_write_chunks

    def spy(path: Path, chunks: Any) -> None:
        order.append(str(Path(path).relative_to(tmp_path / "out")))
        real(path, chunks)

    # the writer calls it for kpis.csv, atomic_write_bytes and _text for the others
    for module in (folder_mod, atomic):
        monkeypatch.setattr(module, "atomic_write_chunks", spy)
    folder = ResultsFolder(tmp_path / "out")
    results = _run_into(folder)
    folder.finish(results)
    assert order[-1] == "manifest.json"
    assert order.count("manifest.json") == 1
    assert order.index("replications/rep-000001.npz") < order.index("kpis.csv")
    assert {"kpis.csv", "summary.csv", "series.csv.gz", "timeline.csv"} <= set(order)


def test_a_crash_before_the_manifest_leaves_a_folder_that_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    folder = ResultsFolder(out)
    results = _run_into(folder)
    monkeypatch.setattr(folder_mod, "versions", lambda: (_ for _ in ()).throw(
        Boom("killed after the tables, before the manifest")))
    with pytest.raises(Boom):
        folder.finish(results)
    assert (out / "kpis.csv").exists() and not (out / "manifest.json").exists()
    with pytest.raises(FolderError, match="no manifest.json"):
        sim.load_results(out)
    result = invoke("report", out)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert not (out / "report.html").exists()


def _half_writing_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every way of writing a file fail half way: Path.write_text / write_bytes (a
    direct write) and os.fsync (inside an atomic write)."""
    def half_text(self: Path, text: str, *args, **kwargs) -> int:
        with open(self, "w", encoding="utf-8") as fh:
            fh.write(text[: len(text) // 2])
        raise OSError(28, "No space left on device")

    def half_bytes(self: Path, data: bytes) -> int:
        with open(self, "wb") as fh:
            fh.write(data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", half_text)
    monkeypatch.setattr(Path, "write_bytes", half_bytes)
    monkeypatch.setattr(folder_mod.os, "fsync", lambda fd: (_ for _ in ()).throw(
        OSError(28, "No space left on device")))


def test_report_html_is_written_atomically(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    # no figures: the report draws its own (drawing the run's too was most of this time)
    assert invoke("run", TINY, "-n", 1, "--out", out, "-q", "-w", 1, "--no-figures",
                  "--set", "horizon_days=20").exit_code == 0
    (out / "report.html").write_text("<html>the previous, complete report</html>")
    _half_writing_failure(monkeypatch)
    result = invoke("report", out)
    assert result.exit_code != 0
    assert (out / "report.html").read_text() == "<html>the previous, complete report</html>"


def test_network_map_is_written_atomically(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib.figure import Figure

    real = Figure.savefig

    def half_savefig(self, fname, *args, **kwargs):
        if isinstance(fname, str | os.PathLike):
            real(self, fname, *args, **kwargs)
            Path(fname).write_bytes(Path(fname).read_bytes()[:100])
            raise OSError(28, "No space left on device")
        return real(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", half_savefig)
    monkeypatch.setattr(folder_mod.os, "fsync", lambda fd: (_ for _ in ()).throw(
        OSError(28, "No space left on device")))
    target = tmp_path / "map.png"
    invoke("show", TINY, "--figure", target)
    assert not target.exists()


# ================================================================= 4. manifest hashes
def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def finished(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("safety") / "out"
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "2", "--out", str(out), "-q",
                                       "-w", "1", "--set", "horizon_days=20"])
    assert result.exit_code == 0, result.output
    return out


def test_manifest_hashes_match_the_files(finished: Path) -> None:
    manifest = json.loads((finished / "manifest.json").read_text())
    files = manifest["files"]
    assert {"kpis.csv", "summary.csv", "series.csv.gz", "timeline.csv"} <= set(files)
    for name, info in files.items():
        path = finished / name
        assert info["sha256"] == _sha256(path), name
        assert info["bytes"] == path.stat().st_size, name


def test_a_changed_file_no_longer_matches_its_hash(finished: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(finished, copy)
    with (copy / "kpis.csv").open("ab") as fh:
        fh.write(b"0,copper,all,all,mined_t,1e9,t\n")
    manifest = json.loads((copy / "manifest.json").read_text())
    assert manifest["files"]["kpis.csv"]["sha256"] != _sha256(copy / "kpis.csv")


def test_manifest_hashes_every_file_in_the_folder(finished: Path) -> None:
    manifest = json.loads((finished / "manifest.json").read_text())
    on_disk = {str(p.relative_to(finished)) for p in finished.rglob("*")
               if p.is_file() and p.name != "manifest.json"}
    assert on_disk - set(manifest["files"]) == set()


# ================================================================= 5. report escaping
SCRIPT = "<script>alert(1)</script>"


def test_report_escapes_every_piece_of_scenario_text(tmp_path: Path) -> None:
    scenario = tmp_path / "evil.yaml"
    text = TINY.read_text("utf-8")
    text = text.replace("title: Tiny deterministic chain", f"title: '{SCRIPT}'\n"
                        f"question: 'Why {SCRIPT}?'\ndescription: 'A {SCRIPT} & <b>bold</b>'")
    text = text.replace("    clearance_trucks_per_day: {value: 100, assumption: test input}",
                        f"    name: '<img src=x onerror=alert(1)>'\n"
                        f"    clearance_trucks_per_day: {{value: 100, source: '{SCRIPT}'}}")
    text = text.replace("  formal:\n    routes:",
                        f"  formal:\n    name: '{SCRIPT}'\n    description: '{SCRIPT}'\n"
                        "    routes:")
    text += (f"shocks:\n  events:\n    cut:\n      name: '{SCRIPT}'\n"
             f"      description: '{SCRIPT}'\n      start: 10\n      end: 15\n"
             "      targets: {sites: [border]}\n"
             f"      effects: {{capacity_factor: 0, note: '{SCRIPT}'}}\n")
    scenario.write_text(text)
    out = tmp_path / "out"
    # no figures: the report draws and embeds its own, which is what reaches the page
    # (drawing the run's too was half of this test's time)
    result = invoke("run", scenario, "-n", 2, "--out", out, "-q", "-w", 1, "--no-figures",
                    "--set", f"sites.market_x.name='{SCRIPT}'")
    assert result.exit_code == 0, result.output
    result = invoke("report", out)
    assert result.exit_code == 0, result.output
    page = (out / "report.html").read_text("utf-8")
    lowered = page.lower()
    assert "<script" not in lowered
    assert "onerror=alert" not in lowered.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # the title, question, description and the source all reach the page, escaped
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4


def test_compare_report_escapes_scenario_titles(tmp_path: Path) -> None:
    from sim.output.report import compare_report_html

    sc_a = load_scenario(TINY, ["horizon_days=20", f"title='{SCRIPT}'"])
    sc_b = load_scenario(TINY, ["horizon_days=20", "title='<iframe src=x>'",
                                "sites.border.clearance_trucks_per_day=50"])
    named = [("a", sim.run(sc_a, replications=2, seed=1)),
             ("b", sim.run(sc_b, replications=2, seed=1))]
    page = compare_report_html(named)
    assert "<script" not in page.lower() and "<iframe" not in page.lower()
    assert "&lt;script&gt;" in page and "&lt;iframe src=x&gt;" in page
