"""Review 86, F6: a file size limit (EFBIG, ``ulimit -f``) and a path too long
(ENAMETOOLONG) are the environment, not possible bugs: the command line said "please report
it" and then "to finish it once that is fixed". sim report's own write error gave neither
the errno nor a hint."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.cli import _environment_text, main
from sim.output import report as report_module
from sim.output.folder import FolderError, ResultsFolder
from sim.output.report import write_report

TINY = Path(__file__).resolve().parent / "data" / "tiny.yaml"


@pytest.mark.parametrize(("code", "said"), [
    (errno.EFBIG, "ulimit -f"),
    (errno.ENAMETOOLONG, "shorten the path"),
])
def test_size_limit_and_long_names_are_the_environment(code: int, said: str) -> None:
    text = _environment_text(OSError(code, "some reason", "out/kpis.csv"))
    assert text.startswith(f"error: out/kpis.csv: some reason ({errno.errorcode[code]})")
    assert said in text
    assert "please report it" not in text
    assert "this is the environment, not a bug in the simulator" in text


def test_a_run_stopped_by_the_file_size_limit_says_what_to_fix_then_resume(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def too_large(self, name, frame, compress=False):
        raise OSError(errno.EFBIG, "File too large", str(self.path / name))

    monkeypatch.setattr(ResultsFolder, "_write_csv", too_large)
    out = tmp_path / "u1"
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "1", "-w", "1", "-q",
                                       "--no-figures", "--set", "horizon_days=20",
                                       "--out", str(out)])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "File too large (EFBIG)" in text
    assert "please report it" not in text
    # the line after the hint refers to what the hint says to fix
    hint = text.split("hint: ", 1)[1]
    assert hint.index("ulimit -f") < hint.index("To finish it once that is fixed, run:")


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("e86") / "e1"
    result = CliRunner().invoke(main, ["run", str(TINY), "-n", "1", "-w", "1", "-q",
                                       "--no-figures", "--set", "horizon_days=20",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize(("code", "said"), [
    (errno.EROFS, "cannot be written (read-only?)"),
    (errno.EACCES, "cannot be written (read-only?)"),
    (errno.ENOSPC, "the disk is full"),
    (errno.EFBIG, "ulimit -f"),
    (errno.ENAMETOOLONG, "give a shorter --out"),
])
def test_report_write_errors_give_the_errno_and_a_hint(
        run_folder: Path, monkeypatch: pytest.MonkeyPatch, code: int, said: str) -> None:
    def refuse(path, text):
        raise OSError(code, "refused", str(path))

    monkeypatch.setattr(report_module, "atomic_write_text", refuse)
    # the page itself is not the point (and takes seconds to draw)
    monkeypatch.setattr(report_module, "run_report_html", lambda res, manifest: "<html>")
    with pytest.raises(FolderError) as info:
        write_report(run_folder)
    assert info.value.message == (f"cannot write {run_folder / 'report.html'}: refused "
                                  f"({errno.errorcode[code]})")
    assert said in (info.value.hint or "")
