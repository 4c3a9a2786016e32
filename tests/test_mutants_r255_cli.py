"""Review 255: hand mutation testing of the command line's new stream and progress code
(reviews 247, 250 and 254's merges). Each test kills a mutant the existing tests let live;
the mutant is named in the test's docstring."""

from __future__ import annotations

import errno
import warnings

import pytest
from stream_helpers import NotATerminal, Terminal

import sim.cli as cli
from sim.experiment.executors import ClusterWarning


def test_a_log_line_is_each_redraw_once_without_tqdms_padding() -> None:
    """Mutants: the repeat check dropped (a bar closed just after its redraw wrote the
    same line twice), the padding kept (``"1/5   "``), the cursor moved up a line by a
    nested bar kept as ``\\x1b[A`` in the log, and ``write`` not giving the characters
    taken, as a file's ``write`` does."""
    stream = NotATerminal()
    lines = cli._LogLines(stream)
    assert lines.write("\rrun: 1/5 [00:01]   ") == len("\rrun: 1/5 [00:01]   ")
    lines.write("\rrun: 1/5 [00:01]\n")  # the same redraw again, closed
    lines.write("\n\x1b[Ainner: 2/2\r\x1b[A")  # a nested bar, tqdm's position 1
    lines.write("\r" + " " * 40 + "\r")  # a bar cleared for a note
    lines.write("note: said between two redraws\n")
    assert stream.getvalue() == ("run: 1/5 [00:01]\ninner: 2/2\n"
                                 "note: said between two redraws\n")


def test_nested_bars_into_a_log_file_have_no_escape_codes(monkeypatch) -> None:
    """Mutant: the cursor-up (``\\x1b[A``) no longer parts redraws. A bar shown while
    another is open is drawn by tqdm on the line below, moving the cursor back up."""
    stream = NotATerminal()
    monkeypatch.setattr(cli.sys, "stderr", stream)
    monkeypatch.setattr(cli, "_bar_interval", lambda: 0.0)
    with cli._LazyBar("outer", quiet=False, total=2) as outer:
        outer.update(1)
        with cli._LazyBar("inner", quiet=False, total=1) as inner:
            inner.update(1)
        outer.update(1)
    text = stream.getvalue()
    assert "\x1b" not in text and "\r" not in text, repr(text)
    lines = text.splitlines()
    assert any(line.startswith("inner:") and "1/1" in line for line in lines), lines
    assert lines[-1].startswith("outer:") and "2/2" in lines[-1], lines


def test_tables_done_just_as_the_wait_ends_draw_no_bar(monkeypatch) -> None:
    """Mutant ``done > total`` for ``done >= total``: tables that end as
    ``TABLE_BAR_AFTER`` runs out flashed a bar already at 100%."""
    clock = iter([0.0, cli.TABLE_BAR_AFTER + 1.0])
    monkeypatch.setattr(cli.time, "monotonic", lambda: next(clock))
    stream = NotATerminal()
    monkeypatch.setattr(cli.sys, "stderr", stream)
    with cli._TablesBar(quiet=False) as bar:
        bar.reach(0, 4)
        bar.reach(4, 4)
        assert bar.lazy.bar is None
    assert stream.getvalue() == ""


def test_the_tables_bar_is_closed_when_the_tables_stop_early(monkeypatch) -> None:
    """Mutant: ``_TablesBar.close`` doing nothing. A failure or Ctrl-C while the tables
    are written left the bar open, to be drawn again under the message saying so."""
    clock = iter([0.0, 5.0])
    monkeypatch.setattr(cli.time, "monotonic", lambda: next(clock))
    stream = Terminal()
    monkeypatch.setattr(cli.sys, "stderr", stream)
    with pytest.raises(KeyboardInterrupt), cli._TablesBar(quiet=False) as bar:
        bar.reach(0, 4)
        bar.reach(1, 4)  # 5 s on: the bar is drawn
        assert bar.lazy.bar is not None
        raise KeyboardInterrupt
    out = stream.getvalue()
    assert "1/4" in out and out.endswith("\n"), repr(out)  # closed: its line ended


class _Failing:
    """A stream standing in for standard error whose writes or flushes fail."""

    def __init__(self, write_error: OSError | None = None,
                 flush_error: OSError | None = None) -> None:
        self.write_error, self.flush_error = write_error, flush_error
        self.written: list[str] = []

    def write(self, text: str) -> int:
        if self.write_error is not None:
            raise self.write_error
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        if self.flush_error is not None:
            raise self.flush_error

    def fileno(self) -> int:
        raise ValueError("no descriptor")  # _lose leaves it alone


def test_a_reader_gone_still_stops_the_command() -> None:
    """Mutant: a BrokenPipeError lost as a full disk is. ``sim run 2>&1 | head`` must
    stop (status 141) as on the standard output, not run on for hours unseen."""
    err = cli._LosableStderr(_Failing(write_error=BrokenPipeError(errno.EPIPE, "pipe")))
    with pytest.raises(BrokenPipeError):
        err.write("writing tables ...\n")
    err = cli._LosableStderr(_Failing(flush_error=BrokenPipeError(errno.EPIPE, "pipe")))
    with pytest.raises(BrokenPipeError):
        err.flush()


def test_a_flush_refused_loses_the_messages_not_the_command() -> None:
    """Mutant: ``_LosableStderr.flush`` letting a full disk's OSError through (a bar's
    flush then ended the command as its own failure)."""
    stream = _Failing(flush_error=OSError(errno.ENOSPC, "No space left on device"))
    err = cli._LosableStderr(stream)
    assert err.write("a note\n") == len("a note\n")
    err.flush()  # lost, not raised
    assert err.write("more\n") == len("more\n")
    assert stream.written == ["a note\n"]  # nothing more tried once lost


def test_other_warnings_pass_on_while_notes_are_shown() -> None:
    """Mutant: ``_warnings_as_notes`` swallowing the warnings of other categories (a
    numpy RuntimeWarning, a library's DeprecationWarning vanished in any command)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with cli._warnings_as_notes(ClusterWarning):
            warnings.warn("something else", RuntimeWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["something else"]
