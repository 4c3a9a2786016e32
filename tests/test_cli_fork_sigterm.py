"""A process forked from the command does not inherit its SIGTERM-as-Ctrl-C handler, from
the moment it exists: a pool worker still starting when the driver stopped the pool with
SIGTERM printed a KeyboardInterrupt traceback (seen once in CI)."""

from __future__ import annotations

import os
import signal

import pytest

from sim.cli import _sigterm_as_interrupt, _terminate_as_interrupt

posix_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


@posix_only
def test_a_forked_child_takes_sigterm_as_the_default() -> None:
    previous = signal.getsignal(signal.SIGTERM)
    try:
        _terminate_as_interrupt()
        assert signal.getsignal(signal.SIGTERM) is _sigterm_as_interrupt
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report its handler at once, before anything else runs
            os.write(write, b"1" if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
                     else b"0")
            os._exit(0)
        os.close(write)
        answer = os.read(read, 1)
        os.close(read)
        os.waitpid(pid, 0)
        assert answer == b"1"
        # the command itself keeps its handler
        assert signal.getsignal(signal.SIGTERM) is _sigterm_as_interrupt
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
