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
