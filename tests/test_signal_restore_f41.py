"""The autouse fixture ``restore_signal_handlers`` (tests/conftest.py) puts back the SIGINT
and SIGTERM handlers that a command run in-process changes.

Checking that a *later* test sees the handlers back would depend on test order (and on
the worker a test lands on), so the check uses the fixture's own restore step, the one
its teardown runs, within this test.
"""

from __future__ import annotations

import signal

from click.testing import CliRunner

from sim.cli import main


def handlers() -> dict[int, object]:
    return {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}


def test_the_fixture_restores_handlers_a_command_changed(restore_signal_handlers,
                                                         tiny_path) -> None:
    before = handlers()
    result = CliRunner().invoke(main, ["validate", str(tiny_path)])
    assert result.exit_code == 0, result.output
    # What an interrupted command leaves behind (sim/cli.py: SIGTERM raises
    # KeyboardInterrupt, SIGINT is ignored once interrupted), set here explicitly so the
    # check does not depend on the command still doing it.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    assert handlers() != before
    restore_signal_handlers()
    assert handlers() == before
