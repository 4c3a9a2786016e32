"""The ``sim`` program's entry point (the console script and ``python -m sim``).

Importing :mod:`sim.cli` loads click, the scenario loader and numpy, which takes about half
a second: a Ctrl-C then arrived before the command's own handling was in place and
printed a ``KeyboardInterrupt`` traceback. This module imports nothing heavy itself; it
imports :mod:`sim.cli` inside a ``try`` and ends such an interrupt as the commands do:
one line, status 130.
"""

from __future__ import annotations

import signal
import sys
from typing import Any, NoReturn

EXIT_INTERRUPTED = 130
"""As :data:`sim.cli.EXIT_INTERRUPTED` (not imported from there: that is the slow part)."""


def _interrupted() -> NoReturn:
    # a second Ctrl-C while the interpreter shuts down would print a traceback of its own
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread
        pass
    sys.stderr.write("\ninterrupted\n")
    sys.exit(EXIT_INTERRUPTED)


def main(**kwargs: Any) -> Any:
    """Run the ``sim`` command (``kwargs`` go to click's ``main``, e.g. ``prog_name``).
    Exits with status 130, with no traceback, if interrupted while it loads, or before
    click's handling starts (it looks for a shell-completion request first)."""
    try:
        from sim.cli import main as command
    except KeyboardInterrupt:
        _interrupted()
    try:
        return command(**kwargs)
    except KeyboardInterrupt:
        _interrupted()
