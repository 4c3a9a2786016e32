"""A command called in-process leaves the SIGINT and SIGTERM handlers as it found them
(it left SIGTERM raising KeyboardInterrupt, and SIGINT ignored after an interrupt) (fixer
42). The real program's handling of Ctrl-C and SIGTERM is tested in tests/experiment."""

from __future__ import annotations

import signal

from click.testing import CliRunner

from sim.cli import main


def handlers() -> dict[int, object]:
    return {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}


def test_a_command_leaves_the_handlers_as_it_found_them(tiny_path) -> None:
    before = handlers()
    result = CliRunner().invoke(main, ["validate", str(tiny_path)])
    assert result.exit_code == 0, result.output
    assert handlers() == before


def test_an_interrupted_command_leaves_the_handlers_as_it_found_them(monkeypatch,
                                                                     tiny_path) -> None:
    import sim.scenario

    def interrupted(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sim.scenario, "load_scenario", interrupted)
    # Python's own handler, whatever the test process inherited: a shell that starts the
    # suite in the background starts it with SIGINT ignored (the autouse fixture puts
    # the inherited one back)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    before = handlers()
    result = CliRunner().invoke(main, ["validate", str(tiny_path)])
    assert result.exit_code == 130, result.output
    assert "interrupted" in result.output
    assert handlers() == before
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN


def test_a_handler_of_the_caller_is_put_back(tiny_path) -> None:
    def mine(_signum: int, _frame: object) -> None:
        pass

    old = signal.signal(signal.SIGTERM, mine)
    try:
        CliRunner().invoke(main, ["validate", str(tiny_path)])
        assert signal.getsignal(signal.SIGTERM) is mine
    finally:
        signal.signal(signal.SIGTERM, old)
