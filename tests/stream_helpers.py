"""Stand-ins for standard error shared by the progress tests (reviews 66, 229 and 247):
text streams that say they are, or are not, a terminal."""

from __future__ import annotations

import io


class Terminal(io.StringIO):
    """A text stream that says it is a terminal: progress bars redraw in place on it."""

    def isatty(self) -> bool:
        return True


class NotATerminal(io.StringIO):
    """A text stream that says it is not a terminal (a log file, a batch system's output)."""

    def isatty(self) -> bool:
        return False
