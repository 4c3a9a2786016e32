"""Review 194's hints: a damaged comparison scenario's folder is repaired by sim compare,
not sim run (finding 7); a compared folder is named once (finding 7); a --out that may not
be written names the folder that refused, with a hint, and a link to nowhere says where it
points (finding 9)."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output.folder import FolderError

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.yaml"


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_a_damaged_manifest_of_a_comparisons_scenario_names_sim_compare(
        tmp_path: Path) -> None:
    out = tmp_path / "c2"
    sim.compare([TINY, TINY], replications=1, out=out, figures=False)
    path = out / "tiny" / "manifest.json"
    path.write_bytes(path.read_bytes()[:50])
    with pytest.raises(FolderError) as info:
        sim.load_results(out / "tiny")
    assert "sim compare" in (info.value.hint or "")
    assert "--resume" in (info.value.hint or "")
    assert "sim run" not in (info.value.hint or "")


def test_a_damaged_folder_compared_is_named_once(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    sim.run(TINY, replications=1, out=tmp_path / "t1", figures=False)
    sim.run(TINY, replications=1, out=tmp_path / "good", figures=False)
    rep = tmp_path / "t1" / "replications" / "rep-000000.npz"
    rep.write_bytes(rep.read_bytes()[:50])
    monkeypatch.chdir(tmp_path)
    code, out = _cli("compare", "t1", "good", "-q")
    assert code == 2
    assert "t1: t1 " not in out
    assert "t1: the folder is damaged" in out


def _refused(monkeypatch: pytest.MonkeyPatch, where: Path) -> None:
    """Make creating anything inside ``where`` fail as a read-only folder does."""
    real_mkdir, real_mkstemp = Path.mkdir, __import__("tempfile").mkstemp

    def mkdir(self: Path, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if self.parent == where and not self.exists():
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)

    def mkstemp(*args, dir=None, **kwargs):  # noqa: A002, ANN002, ANN003, ANN202
        if dir is not None and Path(dir) in (where, where / "replications"):
            raise PermissionError(errno.EACCES, "Permission denied",
                                  str(Path(dir) / ".write-test.x.tmp"))
        return real_mkstemp(*args, dir=dir, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    monkeypatch.setattr("tempfile.mkstemp", mkstemp)


def test_a_read_only_out_names_that_folder_with_a_hint(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    _refused(monkeypatch, ro)
    with pytest.raises(FolderError) as info:
        sim.run(TINY, replications=1, out=ro, figures=False)
    assert info.value.message == f"cannot write to {ro}: Permission denied"
    assert "choose a folder you can write to" in (info.value.hint or "")


def test_a_read_only_finished_folder_resumed_names_it(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch
                                                      ) -> None:
    ro = tmp_path / "ro2"
    sim.run(TINY, replications=1, out=ro, figures=False)
    _refused(monkeypatch, ro)
    with pytest.raises(FolderError) as info:
        sim.run(TINY, replications=2, out=ro, resume=True, figures=False)
    assert info.value.message == f"cannot write to {ro}: Permission denied"
    assert info.value.hint


def test_a_read_only_finished_folder_forced_names_it(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    ro = tmp_path / "ro3"
    sim.run(TINY, replications=1, out=ro, figures=False)
    real_unlink = Path.unlink

    def unlink(self: Path, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if self.parent == ro:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_unlink(self, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", unlink)
    with pytest.raises(FolderError) as info:
        sim.run(TINY, replications=1, out=ro, force=True, figures=False)
    assert info.value.message == f"cannot write to {ro}: Permission denied"
    assert info.value.hint


def test_a_dangling_link_says_where_it_points(tmp_path: Path) -> None:
    link = tmp_path / "dangling"
    link.symlink_to(tmp_path / "nowhere" / "x")
    for call in (lambda: sim.run(TINY, replications=1, out=link, figures=False),
                 lambda: sim.sweep(TINY, {"horizon_days": (20, 30, "int")}, samples=2,
                                   out=link, figures=False)):
        with pytest.raises(FolderError) as info:
            call()
        assert f"symbolic link to {tmp_path / 'nowhere' / 'x'}" in (info.value.hint or "")
        assert "mkdir -p" in (info.value.hint or "")
