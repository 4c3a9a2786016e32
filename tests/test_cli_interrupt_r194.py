"""Review 194: a Ctrl-C that lands while a compiled module initialises (matplotlib's, as
it is imported) can come out as another error ("ImportError: initialization failed"); it
was reported as a broken environment with status 2, not as an interrupt with status 130."""

from __future__ import annotations

import signal

import pytest

from sim import cli
from sim.output.errors import FigureError


def interrupted_into(error: Exception):
    def body() -> None:
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt:
            raise error from None
    return body


@pytest.mark.parametrize("error", [
    ImportError("initialization failed", name="matplotlib._c_internal_utils"),
    RuntimeError("Error calling __set_name__"),
    FigureError("the figures could not be drawn"),
])
def test_an_error_a_ctrl_c_came_out_of_exits_as_an_interrupt(
        error: Exception, capsys: pytest.CaptureFixture[str]) -> None:
    term = signal.getsignal(signal.SIGTERM)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(SystemExit) as stop:
            cli._guarded_call(interrupted_into(error))
    finally:
        signal.signal(signal.SIGINT, before)
        signal.signal(signal.SIGTERM, term)
    assert stop.value.code == cli.EXIT_INTERRUPTED
    err = capsys.readouterr().err
    assert "interrupted" in err and "cannot start" not in err


def test_the_same_error_without_a_ctrl_c_is_still_reported_as_it_is(
        capsys: pytest.CaptureFixture[str]) -> None:
    def body() -> None:
        raise ImportError("initialization failed", name="matplotlib._c_internal_utils")

    term = signal.getsignal(signal.SIGTERM)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(SystemExit) as stop:
            cli._guarded_call(body)
    finally:
        signal.signal(signal.SIGINT, before)
        signal.signal(signal.SIGTERM, term)
    assert stop.value.code == 2
    assert "matplotlib, which draws the figures, cannot start" in capsys.readouterr().err


def boom(*_args: object, **_kwargs: object) -> None:
    interrupted_into(ImportError("initialization failed",
                                 name="matplotlib._c_internal_utils"))()


@pytest.mark.parametrize("command", ["run", "compare"])
def test_a_command_s_figures_stopped_by_ctrl_c_end_as_an_interrupt(
        command: str, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    # review 197: run, compare and sweep have handlers of their own, which took such an
    # error for matplotlib unable to start (status 2) before _guarded_call could see it
    from pathlib import Path

    from click.testing import CliRunner

    import sim.output.compare_output as compare_output
    import sim.output.folder as folder

    tiny = Path(__file__).resolve().parent / "data" / "tiny.yaml"
    if command == "run":
        monkeypatch.setattr(folder.ResultsFolder, "_finish", boom)
        args = ["run", str(tiny), "-n", "2", "-w", "1", "--out", str(tmp_path / "r"), "-q"]
    else:
        monkeypatch.setattr(compare_output, "write_comparison", boom)
        args = ["compare", str(tiny), str(tiny.parent / "two_routes.yaml"), "-n", "2", "-w",
                "1", "--out", str(tmp_path / "c"), "-q"]
    term = signal.getsignal(signal.SIGTERM)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        result = CliRunner().invoke(cli.main, args)
    finally:
        signal.signal(signal.SIGINT, before)
        signal.signal(signal.SIGTERM, term)
    assert result.exit_code == cli.EXIT_INTERRUPTED, result.output
    assert "interrupted" in result.output and "cannot start" not in result.output
    assert "--resume" in result.output
