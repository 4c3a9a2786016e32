"""Review 115, machines unlike ours: matplotlib failing to start is the environment, not
a bug, and commands that draw nothing do not need it; output in an encoding without a
character the scenario uses; resume commands that paste back; an empty --out; hints that
name the option or the folder concerned."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sim.cli import _PathWithHint, _environment_text, main
from sim.shell import join, quote

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny.yaml"


def sim_cmd(*args: object, env: dict[str, str] | None = None,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], env=full,
                          cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=300)


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_a_bad_mplbackend_fails_only_what_draws_and_as_the_environment(tmp_path) -> None:
    env = {"MPLBACKEND": "nonsense"}
    # validate and show without a figure draw nothing: matplotlib is not even loaded
    done = sim_cmd("validate", TINY, env=env)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert sim_cmd("show", TINY, "--no-figure", env=env).returncode == 0
    # a run that draws: exit 2, what failed, how to fix it, and the resume command
    out = tmp_path / "run"
    done = sim_cmd("run", TINY, "-n", 1, "-w", 1, "-q", "--out", out, env=env)
    assert done.returncode == 2, done.stderr
    assert "matplotlib, which draws the figures, cannot start" in done.stderr
    assert "MPLBACKEND" in done.stderr and "not a bug in the simulator" in done.stderr
    assert "--resume" in done.stderr and "internal error" not in done.stderr
    assert (out / "replications").is_dir()  # the replication is kept
    done = sim_cmd("show", TINY, env=env, cwd=tmp_path)
    assert done.returncode == 2 and "--no-figure" in done.stderr, done.stderr
    # sim compare needs it for its figures alone (review 202): --no-figures is offered,
    # and works
    done = sim_cmd("compare", TINY, TINY, "-n", 1, "-w", 1, "--out", tmp_path / "cmp",
                   env=env)
    assert done.returncode == 2 and "cannot start" in done.stderr, done.stderr
    assert "or draw no figures (--no-figures)" in done.stderr.split("hint:")[1]
    done = sim_cmd("compare", TINY, TINY, "-n", 1, "-w", 1, "--no-figures", "--out",
                   tmp_path / "cmp2", env=env)
    assert done.returncode == 0, done.stderr


def test_show_writes_what_a_latin_1_output_cannot_hold_as_question_marks(tmp_path) -> None:
    # an em dash in the title ended sim show as an internal error under cp1252 (Windows,
    # output redirected), with nothing of the description written
    uni = tmp_path / "uni.yaml"
    uni.write_text(f"extends: {TINY}\nname: tiny_uni\ntitle: \"Kolwézi — Dar (中文)\"\n",
                   encoding="utf-8")
    for encoding in ("latin-1", "cp1252"):
        done = subprocess.run([sys.executable, "-m", "sim", "show", str(uni), "--no-figure"],
                              env={**os.environ, "PYTHONPATH": str(ROOT),
                                   "PYTHONIOENCODING": encoding},
                              capture_output=True, timeout=300)
        assert done.returncode == 0, done.stderr
        first = done.stdout.decode(encoding).splitlines()[0]
        assert first.startswith("Scenario tiny_uni: Kolwézi ") and "(??)" in first


def test_words_the_terminal_cannot_show_are_quoted_byte_by_byte(monkeypatch) -> None:
    # a folder named with a byte that is not UTF-8 was printed 'scratch/bad\udcff'
    assert quote("scratch/bad\udcff") == "$'scratch/bad\\xff'"
    assert quote("a b") == "'a b'" and quote("résumé") == "'résumé'"
    # under LC_ALL=C, 'r??sum??' pasted back named another folder
    monkeypatch.setattr(sys, "stderr", open(os.devnull, "w", encoding="ascii"))
    try:
        assert quote("r\u00e9sum\u00e9") == "$'r\\xc3\\xa9sum\\xc3\\xa9'"
        assert join(["sim", "run", "x y"]) == "sim run 'x y'"
    finally:
        sys.stderr.close()


def test_bash_reads_the_quoted_word_back_as_the_same_bytes(tmp_path) -> None:
    bash = "/bin/bash"
    if not os.path.exists(bash):
        pytest.skip("no bash")
    name = os.fsdecode(b"bad\xff")
    done = subprocess.run([bash, "-c", f"printf %s {quote(name)}"], capture_output=True)
    assert done.stdout == b"bad\xff"


@pytest.mark.parametrize("command", [
    ["run", TINY, "-n", 1], ["compare", TINY, TINY, "-n", 1],
    ["sweep", TINY, "--param", "horizon_days=20:30"], ["report"]])
def test_an_empty_out_is_refused(command) -> None:
    # "$UNSET" wrote results among the user's files, and with --force deleted theirs
    args = [*command, ""] if command == ["report"] else [*command, "--out", ""]
    result = invoke(*args)
    assert result.exit_code == 2
    assert "an empty path" in result.output and "'.' for the working folder" in result.output
    # a name of blanks alone made a folder no message could show (review 117)
    blank = [*command, " "] if command == ["report"] else [*command, "--out", " "]
    result = invoke(*blank)
    assert result.exit_code == 2 and "a path of blanks only" in result.output


def test_compare_refuses_an_empty_scenario_or_folder() -> None:
    result = invoke("compare", "", TINY, "-n", 1)
    assert result.exit_code == 2 and "an empty path" in result.output


def test_resume_names_the_folder_it_cannot_write(tmp_path, monkeypatch) -> None:
    out = tmp_path / "r"
    args = ["run", TINY, "-n", 1, "-w", 1, "--out", out, "--no-figures", "-q"]
    assert invoke(*args).exit_code == 0
    original = tempfile.mkstemp

    def refused(*a, **k):
        where = Path(k.get("dir") or ".")
        if where.name == "replications":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES),
                                  str(where / ".write-test.x.tmp"))
        return original(*a, **k)

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    result = invoke(*args, "--resume")
    assert result.exit_code == 2
    assert f"cannot write to {out / 'replications'}: Permission denied" in result.output


def _text_in(command: str, exc: OSError) -> str:
    with click.Context(main.commands[command], info_name=command):
        return _environment_text(exc)


def test_hints_name_the_option_of_the_command() -> None:
    denied = PermissionError(errno.EACCES, "Permission denied", "/ro/map.png")
    assert "--figure PATH, or --no-figure" in _text_in("show", denied)
    assert "(--out FILE)" in _text_in("report", denied)
    assert "(--out)" in _text_in("run", denied)
    long_name = OSError(errno.ENAMETOOLONG, "File name too long", "x" * 300)
    assert "(--out)" not in _text_in("show", long_name)


def test_an_unreadable_folder_gets_a_hint_on_permissions(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    monkeypatch.setattr(os, "access", lambda *a, **k: False)  # root reads anything
    kind = _PathWithHint(file_okay=False, readable=True, path_type=Path, hint="not this")
    with pytest.raises(click.BadParameter) as caught:
        kind.convert(str(folder), None, None)
    assert "check its permissions" in caught.value.message
    assert "not this" not in caught.value.message


def test_ids_with_accents_and_standard_input_get_their_own_words(tmp_path) -> None:
    accented = tmp_path / "acc.yaml"
    accented.write_text(f"extends: {TINY}\nname: kolwézi\n", encoding="utf-8")
    result = invoke("validate", accented)
    assert result.exit_code == 2
    assert "a-z (no accents)" in result.output and "e.g. kolwezi" in result.output
    result = invoke("validate", "-")
    assert result.exit_code == 2
    assert "not from standard input" in result.output and "not found" not in result.output
