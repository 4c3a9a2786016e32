"""The ``sim`` command: validate, show and run scenarios.

Exit status: 0 on success; 2 for bad input (scenario errors, bad options, a results
folder that exists) or an environment that fails the command (a full disk, a read-only
folder: an OSError, reported with the file and the system's reason); 1 for an internal
error (a bug: please report it) or a replication lost with its worker process (out of
memory, or killed); 130 when interrupted; 141 when
the reader of the output went away (``sim validate ... | head``), as for any command
killed by a closed pipe. Bad input never prints a traceback; set
``SIM_DEBUG=1`` to see one for an internal error (``SIM_DEBUG=0`` leaves it off).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn

import click

from sim.build import build_kind

# Light alone: the scenario schema (every pydantic model built, numpy) is imported inside
# the commands that read a scenario; at module level it took --help a second (review 257).
from sim.scenario.errors import ScenarioError

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE, what a shell reports for a command whose reader closed the pipe."""


def _err(text: str) -> None:
    click.echo(text, err=True)


def _debugging() -> bool:
    """Whether SIM_DEBUG asks for tracebacks: set to anything but empty, 0, false, no or
    off (SIM_DEBUG=0 turned them on)."""
    value = os.environ.get("SIM_DEBUG", "").strip().lower()
    return value not in ("", "0", "false", "no", "off")


BAR_INTERVAL_NOT_A_TERMINAL = 30.0
"""Seconds between progress bar updates when stderr is not a terminal (a log file, a
batch system's output): tqdm's 0.1 s wrote some 140 lines into the log of a 200-
replication run."""


def _stderr_is_terminal() -> bool:
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):  # replaced or closed
        return False


def _bar_interval() -> float:
    """tqdm's ``mininterval`` for a progress bar on stderr."""
    return 0.1 if _stderr_is_terminal() else BAR_INTERVAL_NOT_A_TERMINAL


_REDRAWS = re.compile(r"\r|\n|\x1b\[A")
"""What parts tqdm's redraws of a bar: a carriage return, a newline, and the cursor moved up
a line (tqdm's nested bars)."""


class _LogLines:
    """The file a progress bar writes to when stderr is not a terminal (a log file, a batch
    system's output): each of tqdm's redraws as a line of its own. tqdm parts them with
    carriage returns alone, so that ``less``, ``grep`` and ``tail -f`` showed one long line
    full of ``\r`` (known open since reviews 66 and 72). A blank redraw (a bar cleared) and
    one the same as the line before (a bar closed just after being drawn) are left out.
    Only whole lines are written, so a note written between two redraws (``tqdm.write``,
    :func:`_err`) stays on a line of its own. Anything else (``encoding``, ``fileno``) is
    the stream's, which tqdm reads to choose its characters."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.last: str | None = None

    def write(self, text: str) -> int:
        for part in _REDRAWS.split(text):
            line = part.rstrip()  # tqdm pads a shorter redraw with spaces
            if line and line != self.last:
                self.stream.write(line + "\n")
                self.last = line
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _bar_file() -> Any:
    """Where a progress bar is drawn: stderr itself on a terminal (redrawn in place), else
    stderr through :class:`_LogLines` (a line each redraw)."""
    return sys.stderr if _stderr_is_terminal() else _LogLines(sys.stderr)


def _bar_timing() -> dict[str, float]:
    """tqdm's ``mininterval`` and ``maxinterval`` (seconds) for a progress bar on stderr,
    and into a file ``miniters`` 1. tqdm's monitor thread redraws a bar not drawn for
    ``maxinterval`` (10 s by default) once its updates are counted in batches: that put a
    second line into a log file between the bar's own every 30 s. The maximum is at least
    the minimum, and an update every replication (a clock read each) leaves the monitor
    nothing to do."""
    interval = _bar_interval()
    timing = {"mininterval": interval, "maxinterval": max(interval, 10.0)}
    if interval >= BAR_INTERVAL_NOT_A_TERMINAL:
        timing["miniters"] = 1
    return timing


def _exit_interrupted() -> NoReturn:
    """Exit with status 130 after a Ctrl-C has been reported. A second Ctrl-C while the
    interpreter shuts down would end it by the signal instead, so further ones are
    ignored: the command is ending anyway."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(EXIT_INTERRUPTED)


def _sigterm_as_interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


_sigint_seen = False
"""Whether a Ctrl-C reached the command running: see :func:`_sigint_as_interrupt`."""


def _sigint_as_interrupt(_signum: int, _frame: object) -> None:
    """Python's own Ctrl-C (a KeyboardInterrupt), remembered: one that lands while a
    compiled module initialises (matplotlib's, as it is imported) can come out as another
    error ("ImportError: initialization failed"), which was then reported as a broken
    environment with status 2, not as an interrupt (review 194)."""
    global _sigint_seen
    _sigint_seen = True
    raise KeyboardInterrupt


@contextlib.contextmanager
def _ctrl_c_as_interrupt() -> Iterator[None]:
    """An error that came out of a Ctrl-C (:func:`_sigint_as_interrupt`) raised as the
    KeyboardInterrupt it was, so that a command's own interrupt handler, which says what is
    saved and how to finish, reports it (review 197: ``sim run``, ``compare`` and ``sweep``
    took one raised while matplotlib loaded for their figures as matplotlib unable to start,
    status 2)."""
    try:
        yield
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        if _sigint_seen:
            raise KeyboardInterrupt from exc
        raise


def _take_sigint() -> None:
    """Ctrl-C as :func:`_sigint_as_interrupt`, where the command may set handlers (the
    main thread) and Ctrl-C is not ignored already."""
    global _sigint_seen
    _sigint_seen = False
    with contextlib.suppress(ValueError):  # not the main thread
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _sigint_as_interrupt)


def _default_sigterm_in_child() -> None:
    """In a process forked from the command (a pool worker), SIGTERM ends the process
    again. The pool's initializer also says so, but only once the worker has started: the
    driver stopping its pool with SIGTERM while a worker was still starting made it print
    a KeyboardInterrupt traceback."""
    if signal.getsignal(signal.SIGTERM) is _sigterm_as_interrupt:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


_fork_hook_registered = False


def _terminate_as_interrupt() -> None:
    """Take SIGTERM (``kill``, a batch system's time limit) as a Ctrl-C: finished
    replications are kept, the command that resumes is printed, and worker processes are
    stopped. By default it ended the command at once and left the workers running.
    Processes forked from the command do not inherit it (see
    :func:`_default_sigterm_in_child`)."""
    global _fork_hook_registered
    try:
        signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    except ValueError:  # not the main thread (the command called from a thread)
        return
    if not _fork_hook_registered and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_default_sigterm_in_child)
        _fork_hook_registered = True


_HANDLED = (signal.SIGINT, signal.SIGTERM)
_as_program = False
"""Whether ``main`` runs as the ``sim`` program (its arguments read from ``sys.argv``),
not called in-process with a list of arguments (click's ``CliRunner``, a script)."""



def _replace_unwritable_characters() -> None:
    """Let the standard output write a character its encoding lacks as ``?``: under a
    Latin-1 or cp1252 output (Windows, redirected) a scenario title with an em dash ended
    ``sim show`` as an internal error, with nothing of its description written (review
    115). The standard error already escapes them."""
    stream = sys.stdout
    with contextlib.suppress(AttributeError, ValueError, LookupError):
        if stream.errors == "strict":
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]


def _closed_streams_to_devnull() -> None:
    """Give a standard stream closed when the program started (``>&-``, ``2>&-``) the null
    device: Python leaves ``sys.stderr`` None there, on which a progress bar failed (status
    1, nothing run: review 250), and the descriptor free, so the first file the command
    opened (a results file, the folder's lock) would be taken for that stream by anything
    writing to the descriptor (a worker process started by spawn, as on macOS)."""
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "r" if fd == 0 else "w",
                                    encoding="utf-8", errors="backslashreplace"))


@contextlib.contextmanager
def _warnings_as_notes(category: type[Warning], once: bool = False) -> Iterator[None]:
    """Show the warnings of ``category`` as notes above any progress bar (``once``: each
    text once), never as a Python warning with its line of source, nor as an error under
    ``-W error``; other warnings as before."""
    said: set[str] = set()
    with warnings.catch_warnings():
        shown = warnings.showwarning

        def show(message: Any, kind: type[Warning], *rest: Any, **kw: Any) -> None:
            if not issubclass(kind, category):
                shown(message, kind, *rest, **kw)
                return
            if once and str(message) in said:
                return
            said.add(str(message))
            from tqdm import tqdm

            tqdm.write(f"note: {message}", file=sys.stderr)

        warnings.showwarning = show
        warnings.simplefilter("always", category)
        yield


def _font_notes() -> contextlib.AbstractContextManager[None]:
    """A figure's missing characters (:class:`~sim.output.errors.MissingGlyphWarning`) as a
    note: under ``-W error`` they stopped the figures as an internal error."""
    from sim.output.errors import MissingGlyphWarning  # loads no matplotlib

    return _warnings_as_notes(MissingGlyphWarning)


class _LosableStderr:
    """The program's standard error, whose failing does not end the command: a write
    refused (``2>/dev/full``, a batch system's log on a full disk) loses the bars, notes
    and messages, and the command goes on to its results and exit status. Before review
    250 the bar's failed write was taken for the run's own (status 1, nothing run), and the
    message saying so failed in turn. A reader that went away (``2>&1 | head``) still
    stops the command (status 141), as on the standard output."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._lost = False

    def write(self, text: str) -> int:
        if not self._lost:
            try:
                return int(self._stream.write(text))
            except BrokenPipeError:
                raise
            except OSError:
                self._lose()
        return len(text)

    def flush(self) -> None:
        if not self._lost:
            try:
                self._stream.flush()
            except BrokenPipeError:
                raise
            except OSError:
                self._lose()

    def _lose(self) -> None:
        self._lost = True
        # what the stream still holds would fail again as Python flushes it on the way out
        with contextlib.suppress(OSError, ValueError):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self._stream.fileno())
            os.close(null)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _Main(click.Group):
    """The ``sim`` group; it knows whether it runs as the program (see ``_as_program``).

    A Ctrl-C anywhere in the command ends it as an interrupt (status 130), not as click's
    "Aborted!" with status 1: a command's own guard (:func:`_guarded`) starts only once
    click has read the command line and called it, and a Ctrl-C before that, or in its
    last moments, reached click."""

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        global _as_program
        outer = _as_program
        _as_program = args is None
        saved = {sig: signal.getsignal(sig) for sig in _HANDLED}
        stderr = sys.stderr
        if _as_program:
            _closed_streams_to_devnull()
            _replace_unwritable_characters()
            stderr = sys.stderr
            sys.stderr = _LosableStderr(stderr)  # type: ignore[assignment]
        try:
            with _font_notes():
                return super().main(args, *rest, **kwargs)
        finally:
            _restore_signals(saved)
            _as_program = outer
            if isinstance(sys.stderr, _LosableStderr):
                sys.stderr = stderr

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _interrupt_exits():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        # the command's name and options are read (and checked) in here, then it is run
        with _interrupt_exits():
            return super().invoke(ctx)


@contextlib.contextmanager
def _interrupt_exits() -> Iterator[None]:
    """A KeyboardInterrupt in the body is reported and exits with status 130."""
    try:
        yield
    except KeyboardInterrupt:
        _err("\ninterrupted")
        _exit_interrupted()


def _restore_signals(saved: dict[int, Any]) -> None:
    """Put back the SIGINT and SIGTERM handlers a command found, for a caller in the same
    process: SIGTERM raising KeyboardInterrupt, or SIGINT ignored after an interrupt, must
    not outlive the command there. The program itself ends with its command, and keeps
    SIGINT ignored through its shutdown (see :func:`_exit_interrupted`)."""
    if _as_program:
        return
    for sig, handler in saved.items():
        # None: a handler not installed from Python, which cannot be put back from it
        if handler is not None and signal.getsignal(sig) is not handler:
            try:
                signal.signal(sig, handler)
            except ValueError:  # not the main thread: handlers cannot change there
                pass


def _guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected failures into clear messages and exit codes."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        saved = {sig: signal.getsignal(sig) for sig in _HANDLED}
        try:
            return _guarded_call(func, *args, **kwargs)
        finally:
            _restore_signals(saved)

    return wrapper


def _guarded_call(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``func`` called with its expected failures turned into messages and exit codes."""
    try:
        # Ctrl-C while these load (they take a moment) is an interrupt like any other,
        # not click's "Aborted!" with status 1
        from sim.experiment.errors import ExperimentError
        from sim.output.errors import FigureError, FolderError
        from sim.world.ledger import MassBalanceError

        _terminate_as_interrupt()
        _take_sigint()
    except KeyboardInterrupt:
        _err("\ninterrupted")
        _exit_interrupted()

    try:
        return func(*args, **kwargs)
    except ScenarioError as exc:
        _err(exc.report())
        sys.exit(EXIT_BAD_INPUT)
    except ExperimentError as exc:
        _err(f"error: {exc.report()}")
        sys.exit(EXIT_BAD_INPUT)
    except (FolderError, FigureError) as exc:
        if _sigint_seen:
            _err("\ninterrupted")  # a figure that failed as Ctrl-C stopped matplotlib
            _exit_interrupted()
        _err(f"error: {exc}")
        sys.exit(EXIT_BAD_INPUT)
    except MassBalanceError as exc:
        _err(f"internal error: {exc}\nThis is a bug in the simulator; please report it "
             "with the scenario and seed.")
        sys.exit(EXIT_INTERNAL)
    except KeyboardInterrupt:
        _err("\ninterrupted")
        _exit_interrupted()
    except BrokenPipeError:
        # The reader (e.g. head) has all it wanted: stop quietly, and keep Python from
        # failing again as it flushes stdout on the way out.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_BROKEN_PIPE)
    except (click.exceptions.Exit, click.ClickException, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001 - last line of defence for the user
        if _sigint_seen:
            # a Ctrl-C that another error came out of: the user stopped the command
            _err("\ninterrupted")
            _exit_interrupted()
        env = _environmental(exc)
        if env is not None:
            _exit_environment(env)
        if _is_replication_error(exc):
            _exit_failed(exc)
        if _debugging():
            traceback.print_exc()
        _err(f"internal error: {type(exc).__name__}: {exc}\n{_see_traceback()}, and please "
             "report it.")
        sys.exit(EXIT_INTERNAL)


class MatplotlibUnavailable(OSError):
    """matplotlib, which draws the figures, failed to start: the environment's doing (a bad
    MPLBACKEND, no folder it can write its cache to, a file in the working folder named as
    a module it imports), reported as an OSError is."""


def _matplotlib_failed(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while matplotlib was being imported: in the code of one
    of its modules that runs as it is imported, or as the import of it failed."""
    if isinstance(exc, ImportError) and (exc.name or "").split(".")[0] == "matplotlib":
        return True
    package = f"{os.sep}matplotlib{os.sep}"
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == "<module>" and package in code.co_filename:
            return True
        tb = tb.tb_next
    return False


def _environmental(exc: BaseException) -> OSError | None:
    """``exc`` as an error of the environment, or None: an OSError as it is, matplotlib
    failing to start as :class:`MatplotlibUnavailable` (before review 115 a bad
    MPLBACKEND was an "internal error" to report)."""
    if _matplotlib_failed(exc):
        env = MatplotlibUnavailable(f"matplotlib, which draws the figures, cannot start: "
                                    f"{type(exc).__name__}: {exc}")
        env.__cause__ = exc
        return env
    return exc if isinstance(exc, OSError) else None


def _see_traceback() -> str:
    """Where the traceback of an internal error is: above, when SIM_DEBUG printed it (the
    message said to set SIM_DEBUG=1 even then), or how to see it."""
    return ("The traceback is above" if _debugging()
            else "Set SIM_DEBUG=1 to see the traceback")


_ENVIRONMENT_ERRNOS = frozenset(
    getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "EIO",
                                      "EMFILE", "ENFILE", "EFBIG", "ENAMETOOLONG")
    if hasattr(errno, name))
"""OSErrors that say something about the machine (a full disk, a read-only folder, too
many open files, a file size limit, a path too long for the file system), not about the
simulator. Others (a missing file, a folder where a file was expected) may be a bug: a file
the simulator itself asked for under a wrong name."""


def _environment_text(exc: OSError) -> str:
    """What an OSError (a full disk, a read-only folder, a file that cannot be read) means
    for the user: the file, the system's reason and what to do. Only an error of the
    environment (:data:`_ENVIRONMENT_ERRNOS`, or a failed write of the command's output) is
    said not to be a bug; for others (a missing file) the hint asks for a report, with
    SIM_DEBUG=1 showing where the file was asked for. A write to the standard output that
    fails (``> /dev/full``) names no file: it is said to be the output, and what is still
    buffered for it is dropped, so that Python does not fail again as it flushes it on the
    way out."""
    if isinstance(exc, MatplotlibUnavailable):
        return (f"error: {exc}\n    hint: unset MPLBACKEND or give a backend matplotlib "
                "knows (the figures need no display), let MPLCONFIGDIR name a folder you can "
                "write to, and run from a folder without files named as Python modules "
                f"(timeit.py, say){_without_figures()}; this is the environment, not a bug "
                "in the simulator")
    what = exc.strerror or str(exc)
    code = errno.errorcode.get(exc.errno or 0)
    if code:
        what += f" ({code})"
    output = False
    if exc.filename is not None:
        where = os.fsdecode(exc.filename)
        if exc.filename2 is not None:
            where += f" -> {os.fsdecode(exc.filename2)}"
    elif _raised_by_echo(exc):
        where, output = "cannot write the output", True
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
    else:
        where = "input/output failed"  # the system named no file
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        hint = "free some disk space (or choose a folder on another disk)"
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        hint = (f"choose a place you can write to ({_output_option()}), or make this one "
                "writable (and readable, for a file read)")
    elif exc.errno in (errno.EMFILE, errno.ENFILE):
        hint = "too many files are open: raise the limit (ulimit -n), or use fewer --workers"
    elif exc.errno == errno.EFBIG:
        # "please report it" sent users to report their shell's limit as a bug
        hint = ("the file would be larger than the file size limit this command runs "
                "under: raise it (ulimit -f shows it; ulimit -f unlimited lifts it)")
    elif exc.errno == errno.ENAMETOOLONG:
        hint = ("a name in the path is longer than the file system allows (255 bytes for "
                "one name, 4096 for the whole path on most): shorten the path")
    elif output or exc.errno in _ENVIRONMENT_ERRNOS:
        hint = "check the file and the disk it is on"
    else:
        # not the environment's doing as far as one can tell: perhaps a file the simulator
        # asked for under a wrong name
        shown = ("the traceback above shows where" if _debugging()
                 else "set SIM_DEBUG=1 to see where")
        asked = "it was asked for" if exc.filename is not None else "it failed"
        should = "if this file should exist, " if exc.filename is not None else ""
        return (f"error: {where}: {what}\n    hint: {should}{shown} {asked}, and please "
                "report it")
    return (f"error: {where}: {what}\n    hint: {hint}; this is the "
            "environment, not a bug in the simulator")


def _without_figures() -> str:
    """How the command running could do without matplotlib, for the hint of its failing
    to start: sim run, sim compare and sim sweep (since review 202) and sim show need it
    for their figures alone (sim report is figures), so "--no-figures" is offered where it
    helps (review 117)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return ""
    drawn = not (ctx.params.get("no_figures") or ctx.params.get("no_figure"))
    return {"run": "; or draw no figures (--no-figures)" if drawn else "",
            "compare": "; or draw no figures (--no-figures)" if drawn else "",
            "sweep": "; or draw no figures (--no-figures)" if drawn else "",
            "show": "; or draw no map (--no-figure)" if drawn else ""}.get(
                ctx.info_name or "", "")


def _output_option() -> str:
    """The option of the command running that says where it writes, for a hint: sim show
    has no --out, and its map was told to change one (review 115)."""
    ctx = click.get_current_context(silent=True)
    command = ctx.info_name if ctx is not None else None
    return {"show": "--figure PATH, or --no-figure",
            "report": "--out FILE"}.get(command or "", "--out")


def _raised_by_echo(exc: BaseException) -> bool:
    """Whether ``exc`` was raised writing the command's output (by ``click.echo``)."""
    tb, last = exc.__traceback__, None
    while tb is not None:
        last, tb = tb.tb_frame, tb.tb_next
    return (last is not None and last.f_code.co_name == "echo"
            and last.f_code.co_filename == click.echo.__code__.co_filename)


def _exit_environment(exc: OSError, then: str = "") -> NoReturn:
    """Report an OSError (:func:`_environment_text`), then ``then`` (what became of the
    work, and the command that finishes it), and exit with status 2. With SIM_DEBUG set,
    the traceback is printed first (a missing file may be one the simulator itself asked
    for under a wrong name)."""
    if _debugging():
        traceback.print_exception(exc.__cause__ if isinstance(exc, MatplotlibUnavailable)
                                  else exc)
    _err(_environment_text(exc) + (f"\n{then}" if then else ""))
    sys.exit(EXIT_BAD_INPUT)


def _is_replication_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a :class:`~sim.experiment.executors.ReplicationError` (without
    importing the executors for commands that never run a replication)."""
    executors = sys.modules.get("sim.experiment.executors")
    return executors is not None and isinstance(exc, executors.ReplicationError)


def _failure_text(exc: Any, label: Callable[[Any], str] | None = None) -> str:
    """What a replication that failed or was lost with its worker
    (:class:`~sim.experiment.executors.ReplicationError`) means for the user: which one,
    of which scenario and seed, and whether it is a bug. ``label`` names a task's job
    (default: its scenario)."""
    from sim.world.ledger import MassBalanceError

    if _debugging():
        traceback.print_exception(exc)
    from sim.experiment.executors import dask_tries

    tries = dask_tries(exc.cause) if exc.reason == "worker died" else None
    one = len(exc.tasks) == 1
    if tries == 1:
        # the scheduler gave each task one worker (allowed-failures 0): a death, not a
        # replication that kills every worker (review 196)
        return (f"error: {exc.describe(label)}\n"
                "    hint: the cluster's scheduler runs a task on one worker only "
                "(distributed.scheduler.allowed-failures is 0), so one worker's death lost "
                f"{'it' if one else 'them'}; if memory ran short, give the workers more, or "
                "let the scheduler retry")
    if tries is not None:
        return (f"error: {exc.describe(label)}\n"
                f"    hint: Dask ran {'it' if one else 'each'} on {tries} workers and each "
                f"of them died: {'it' if one else 'they'} may need more memory than a worker "
                "has")
    if getattr(exc, "hint", None):
        # a main script the workers ran again, or (for a replication that raised) a worker
        # running other code (review 251): that, more likely than a lack of memory or a
        # bug, is what to fix, and a report would be of a model nobody meant to run
        return f"error: {exc.describe(label)}\n    hint: {exc.hint}"
    if exc.reason == "worker died":
        return (f"error: {exc.describe(label)}\n"
                "    hint: if memory ran short, run with fewer --workers; the replication is "
                "not to blame unless it kills every worker that runs it")
    if exc.reason == "cancelled":
        return f"error: {exc.describe(label)}"
    cause = exc.cause
    if isinstance(cause, MassBalanceError):
        return (f"internal error: {cause}\n  in {exc.where(label)}\n"
                "This is a bug in the simulator; please report it with the scenario and seed.")
    return (f"internal error: {type(cause).__name__}: {cause}\n  in {exc.where(label)}\n"
            f"{_see_traceback()}, and please report it with the scenario and seed.")


def _exit_failed(exc: Any, label: Callable[[Any], str] | None = None,
                 then: str = "") -> NoReturn:
    """Report a :class:`~sim.experiment.executors.ReplicationError` (and ``then``, what
    became of the work) and exit with status 1."""
    _err(_failure_text(exc, label) + (f"\n{then}" if then else ""))
    sys.exit(EXIT_INTERNAL)


# Each command's description is given to click as help= rather than as its docstring:
# python -OO strips docstrings, which left sim --help and sim run --help without them.
_MAIN_HELP = "drc-minerals-sim: simulate cobalt, copper and gold flows from DRC mines to markets."


@click.group(cls=_Main, help=_MAIN_HELP,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="drc-minerals-sim", prog_name="sim",
                      message=f"%(prog)s, version %(version)s ({build_kind()} build)")
def main() -> None:
    pass  # the commands below do the work; its description is _MAIN_HELP


class _PathWithHint(click.Path):
    """A click path whose refusal ("Directory 'x' is a file.") comes with a hint, and in
    which a leading ``~`` is the home folder (see :meth:`_home`)."""

    def __init__(self, *args: Any, hint: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hint = hint

    def hint_for(self, value: str) -> str:
        """The hint for ``value`` refused by click."""
        return self.hint

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            # "" is the working folder to the system: `--out "$UNSET"` wrote results beside
            # the user's files, and with --force deleted their figures/ (review 115); a
            # name of blanks alone made a folder no message could show (review 117)
            self.fail(f"{'an empty path' if not value else 'a path of blanks only'} (an "
                      "unset shell variable?)\n    hint: give a name; '.' for the working "
                      "folder", param, ctx)
        value = self._home(value, param, ctx)
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter as exc:
            if "not readable" in exc.message or "not writable" in exc.message:
                # the path is of the right kind; its permissions refuse (review 115)
                exc.message += ("\n    hint: check its permissions (ls -ld shows them): "
                                "reading a folder needs r and x, writing in it w")
            else:
                exc.message += f"\n    hint: {self.hint_for(value)}"
            raise

    def _home(self, value: Any, param: Any, ctx: Any) -> Any:
        """``value`` with a leading ``~`` or ``~user`` expanded, as the shell expands it
        everywhere but after ``=``: --out=~/x made a folder named ~ in the working folder,
        and the output, "results in ~/x", read as the home folder (review 194). A folder
        really named ~ is written ./~. A ``~user`` that is no user is refused rather than
        taken as a name."""
        if not isinstance(value, str) or not value.startswith("~"):
            return value
        expanded = os.path.expanduser(value)
        if expanded.startswith("~"):
            user = value[1:].split("/", 1)[0]
            whose = f"no user {user!r} on this system" if user else "no home folder is known"
            self.fail(f"{value}: ~ cannot be expanded ({whose})\n    hint: give the full "
                      f"path, or ./{value} for a name starting with ~ in the working "
                      "folder", param, ctx)
        return expanded


class _ScenarioPath(_PathWithHint):
    """A scenario file's path: a folder is refused with what it is and what to give (click
    said only "File 'x' is a directory.", for a results folder too)."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path,
                         hint="give the path of a scenario file (.yaml)")

    def hint_for(self, value: str) -> str:
        from sim.scenario.yamlio import folder_hint

        return folder_hint(Path(value)) if os.path.isdir(value) else self.hint


def _out_folder(what: str) -> click.Path:
    """The type of an --out folder option: a path that is not a file."""
    return _PathWithHint(file_okay=False, path_type=Path,
                         hint=f"--out names the folder to write {what} in, and a file has "
                              "that name: give another path (a folder that does not exist "
                              "yet is made)")


def _html_out(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """sim report --out: an .html file (it wrote HTML into r.pdf)."""
    if value is not None and value.suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter(
            f"{value} does not end in .html; sim report writes one HTML page (no PDF)\n"
            f"    hint: give a name ending in .html, e.g. {value.with_suffix('.html')}; to "
            "make a PDF, open the page in a browser and print it to PDF", ctx, param)
    return value


SCENARIO_ARG = click.argument("scenario", type=_ScenarioPath())
SET_OPT = click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE",
                       help="Override a scenario value (repeatable), e.g. --set lot_period_days=7.")


def executor_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--workers, --scheduler and --dask-local: where replications run."""
    func = click.option("--dask-local", is_flag=True,
                        help="Start a local Dask cluster (LocalCluster) of --workers "
                             "single-threaded processes and run on it. Needs the dask extra.")(func)
    func = click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
                        help="Run on the Dask cluster whose scheduler is at this address "
                             "(its workers need drc-minerals-sim installed). Needs the dask "
                             "extra.")(func)
    return click.option("-w", "--workers", default=None, type=click.IntRange(min=1),
                        help="Worker processes. Default: one per CPU, at most one per "
                             "replication; 1 runs in this process. Results are identical for "
                             "any number and any executor.")(func)


def precision_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--target-ci, --metric and --max-replications: precision-based stopping."""
    # default None, so that a --max-replications without --target-ci (which it cannot
    # bound) is told apart and refused; 1000 applies with a target
    func = click.option("--max-replications", default=None, type=click.IntRange(min=2),
                        help="With --target-ci: stop here even if the target is not met. "
                             "Default: 1000.")(func)
    func = click.option("--metric", "metrics", multiple=True,
                        metavar="METRIC[:COMMODITY[:CHANNEL[:SITE]]]",
                        help="A KPI whose interval --target-ci measures (repeatable), e.g. "
                             "delivered_t:cobalt, or delivered_t for every commodity.")(func)
    return click.option("--target-ci", type=click.FloatRange(min=0, min_open=True, max=1,
                                                             max_open=True),
                        default=None, metavar="FRACTION",
                        help="Run batches of replications until every --metric's 95% CI "
                             "half-width is at most this fraction of its mean (0.02 = 2%; "
                             "in sim compare, of the paired difference's half-width over "
                             "the reference's mean), or --max-replications is reached. -n "
                             "is the first batch.")(func)


def _target(target_ci: float | None, metrics: tuple[str, ...], max_replications: int | None,
            replications: int | None, default: bool = False) -> Any:
    """The precision target the options ask for, or None. ``replications``: the -n to
    check --max-replications against, or None where the command checks it once its -n is
    known (sim compare's default depends on the folders given or resumed); ``default``:
    that -n was not given (the message says so, as sim compare's does)."""
    from sim.experiment.errors import ExperimentError
    from sim.experiment.precision import MAX_REPLICATIONS, Target, parse_metrics

    if target_ci is None:
        if metrics:
            raise ExperimentError("--metric only has an effect with --target-ci",
                                  what="--metric", hint="add --target-ci 0.02, for example")
        if max_replications is not None:
            # it bounds the batches a target adds: without one it was silently ignored
            raise ExperimentError("--max-replications only has an effect with --target-ci",
                                  what="--max-replications",
                                  hint="add --target-ci 0.02 --metric delivered_t, for "
                                       "example, or leave out --max-replications (-n sets "
                                       "the count)")
        return None
    if max_replications is None:
        max_replications = MAX_REPLICATIONS
    if replications is not None and max_replications < replications:
        # worded as sim compare's: a -n never typed, with no fix, left the user guessing
        raise ExperimentError(f"--max-replications {max_replications} is below -n "
                              f"{replications}{' (the default)' if default else ''}",
                              what="--max-replications",
                              hint=f"-n is the first batch; the maximum must be at least that: "
                                   f"give --max-replications {replications} or more, or a "
                                   "smaller -n")
    return Target(target_ci, tuple(parse_metrics(metrics)), max_replications)


def _executor_words(workers: int | None, scheduler: str | None, dask_local: bool) -> list[Any]:
    """The executor options of a command, for the command that resumes it (--workers is
    left out with --scheduler, where it has no effect)."""
    words: list[Any] = []
    if scheduler:
        words += ["--scheduler", scheduler]
    if dask_local:
        words.append("--dask-local")
    if workers is not None and not scheduler:
        words += ["--workers", workers]
    return words


def _check_executor(workers: int | None, scheduler: str | None, dask_local: bool) -> None:
    """Refuse executor options that cannot work before anything is shown or run (sim sweep
    drew two empty progress bars before saying Dask is not installed), and say when
    --workers has no effect."""
    from sim.experiment.executors import check_backend

    check_backend(workers, scheduler=scheduler, dask_local=dask_local)
    if scheduler and workers is not None:
        _err(f"note: --workers {workers} has no effect with --scheduler: the cluster's own "
             "workers run the replications")


def _damage_notes() -> contextlib.AbstractContextManager[None]:
    """Show, as notes, that a finished results folder read has a damaged run.json
    (:class:`~sim.output.errors.DamagedRunWarning`), once each (review 194: sim report and
    sim compare said nothing of it)."""
    from sim.output.errors import DamagedRunWarning

    return _warnings_as_notes(DamagedRunWarning, once=True)


def _cluster_notes(func: Callable[..., Any]) -> Callable[..., Any]:
    """Show warnings about the cluster (:class:`~sim.experiment.executors.ClusterWarning`,
    e.g. one with no workers) as notes, above the progress bar."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from sim.experiment.executors import ClusterWarning

        with _warnings_as_notes(ClusterWarning):
            return func(*args, **kwargs)

    return wrapper


def _once_fixed(exc: Any) -> str:
    """For the command that finishes a run after a replication failed: a bug must be fixed
    first (the replication would fail again); a replication lost with its worker is simply
    run again."""
    return "" if exc.worker_died else " once that is fixed"


def _saved_count(count: Callable[[], int]) -> int:
    """``count()``, the replications saved, or 0 if the folder cannot even be listed (the
    environment that stopped the command may be failing it too)."""
    try:
        return count()
    except OSError:
        return 0


def _saved_in_comparison(out: Path) -> int:
    """Replications saved in the results folders of the comparison in ``out``."""
    return sum(1 for _ in out.glob("*/replications/rep-*.npz"))


def _note_target_left_out(out: Path, what: str, precision: Any,
                          command: Sequence[str] | None) -> None:
    """Say so when the run or comparison in ``out``, resumed without --target-ci, was run to
    a precision target (``precision``, as run.json records a Python run's or a
    comparison's; or the --target-ci options of ``command``, the command that resumes a
    ``sim run``): it then ends with the replications saved, the target unmeasured, which
    looked like the precision run finished. sim.run and sim.compare warn the same."""
    options: list[str] = []
    confidence = 0.95
    if isinstance(precision, dict):
        try:
            options = ["--target-ci", repr(float(precision["target_ci"])),
                       *[w for m in precision["metrics"] for w in ("--metric", str(m))],
                       "--max-replications", str(int(precision["max_replications"]))]
            confidence = float(precision.get("confidence", 0.95))
        except (KeyError, TypeError, ValueError):
            options = ["--target-ci ..."]
    elif command and "--target-ci" in command:
        words = [str(w) for w in command]
        options = [w for i, w in enumerate(words) for opt in
                   ("--target-ci", "--metric", "--max-replications")
                   if opt in (w, words[i - 1] if i else "")]
    if not options:
        return
    said = " ".join(options)
    how = (f"give the same options ({said}) with --resume" if confidence == 0.95 else
           f"its confidence, {confidence:g}, has no option here: finish it from Python "
           f"with the same target and confidence={confidence:g} (sim report {out} gives "
           "the call)")
    _err(f"note: {out} holds a precision {what} ({said}) resumed without --target-ci: it "
         f"ends with the replications saved, the target unmeasured; to finish it as it was "
         f"run, {how}")


def _resume_command(words: list[str]) -> str:
    from sim.shell import join

    return join(["sim", *words])


def _period(sc: Any) -> str:
    """The period ``sc`` measures, as compare.md gives it (first to last day, and days:
    :func:`sim.output.compare_output.period_record`): ``2024-01-01 to 2027-12-31 (1,461
    days)``."""
    return f"{sc.start} to {sc.last_date} ({sc.horizon:,g} day{'' if sc.horizon == 1 else 's'})"


TOTALS_OVER_IT = ("tonnes are totals over the whole period, not per year (the *_end_t ones: "
                  "held on its last day)")
"""What the period line above a table of KPIs says of the tonnes below it (review 212:
"cobalt mined_t 880,520 t" of four years read as a year's output)."""


def _period_line(scenarios: Sequence[tuple[str, Any]]) -> str:
    """The line saying the period the KPIs below it measure: one period (every scenario
    of ``scenarios``, (label, scenario) pairs, measuring it), or each scenario's."""
    periods = {_period(sc) for _label, sc in scenarios}
    if len(periods) == 1:
        every = " by every scenario" if len(scenarios) > 1 else ""
        return f"Period measured{every}: {periods.pop()}; {TOTALS_OVER_IT}"
    each = ", ".join(f"{label} {_period(sc)}" for label, sc in scenarios)
    return f"Periods measured: {each}; {TOTALS_OVER_IT}"


def _reading(quiet: bool) -> Callable[..., None]:
    """The ``on_read`` of run, compare and sweep: says, before a resume reads them back,
    how many saved replications it reads (of which scenario, given its label)."""
    def reading(n: int, label: str | None = None) -> None:
        if not quiet:  # before the bar: the folders are opened before it is made
            _err(f"reading {n} saved replication(s)"
                 + (f" of {label}" if label is not None else "") + " ...")

    return reading


WRITING_TABLES = "writing tables ..."
"""What comes after the replications' bar: the tables alone took 25 s at 8,000
replications (review 229), and get a bar once they take long (:class:`_TablesBar`). The
figures, after them, have a bar of their own (:func:`_figures_bar`)."""

TABLE_BAR_AFTER = 2.0
"""Seconds the tables are written for before they get a bar: a run's of a few hundred
replications are written in well under a second, which a bar would only flash by, while
8,000 of a year of the baseline take some 25 s (most of it kpis.csv, counted in blocks of
500 replications). How long they take depends on the KPIs a scenario has as much as on
its replications, so the time they have taken decides, not a count."""


class _TablesBar:
    """The "writing tables" bar of the blocks the work reports to ``on_table(done,
    total)`` (:meth:`reach`), drawn (a :class:`_LazyBar`) only once the tables have been
    written for :data:`TABLE_BAR_AFTER` seconds with some still to write; its rate is of
    the blocks written since. A context manager: the bar is closed however the work
    ends."""

    def __init__(self, quiet: bool) -> None:
        self.lazy = _LazyBar("writing tables", quiet, unit="block")
        self.begun: float | None = None

    def reach(self, done: int, total: int) -> None:
        if self.lazy.bar is None:
            now = time.monotonic()
            if self.begun is None:
                self.begun = now
            if done >= total or now - self.begun < TABLE_BAR_AFTER:
                return
            self.lazy.initial = done
        self.lazy.reach(done, total)

    def close(self) -> None:
        self.lazy.close()

    def __enter__(self) -> _TablesBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _figures_bar(quiet: bool) -> _LazyBar:
    """The bar of the figures drawn after the tables, given their count by the work's
    ``on_figure(done, total)`` (:meth:`_LazyBar.reach`): a comparison's took 30 to 60 s,
    a run's 10 to 20, under one "drawing figures ..." line (review 239)."""
    return _LazyBar("drawing figures", quiet, unit="fig")


class _LazyBar:
    """A tqdm progress bar (on stderr) made when the work reports its first total or
    progress, so that bad input found before any work starts (one scenario to compare, a
    missing file, a bad range) is reported without a stray empty bar before the message.
    Made, it draws its first line at once, into a log file too (review 229: sim run's
    bar, delayed 0.1 s, drew none for its first 30 s there). A context manager: the bar is
    closed however the work ends. ``total``: the total it starts with, if known before the
    work reports one; ``unit``: what it counts."""

    def __init__(self, desc: str, quiet: bool, total: int = 0, unit: str = "rep") -> None:
        self.desc, self.quiet, self.total, self.unit = desc, quiet, total, unit
        self.bar: Any = None
        self.initial = 0
        """Done already when the bar is made (:meth:`start_at` before a total is known)."""

    def _shown(self, total: int | None = None) -> Any:
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=self.total if total is None else total, desc=self.desc,
                            unit=self.unit, disable=self.quiet, file=_bar_file(),
                            dynamic_ncols=True, initial=self.initial, **_bar_timing())
        return self.bar

    def set_total(self, total: int) -> None:
        bar = self._shown(total)
        if bar.total != total:
            bar.total = total
            bar.refresh()

    def update(self, n: int = 1) -> None:
        self._shown().update(n)

    def start_at(self, n: int) -> None:
        """Start the bar at ``n`` done already (the replications a resume read back), as
        tqdm's ``initial``: ``update(n)`` made tqdm's dynamic ``miniters`` n, so the bar
        was redrawn only after n more replications or tqdm's 10 s monitor, and its rate
        counted the n as done in no time (review 229). The rate is of the new ones."""
        if self.bar is None:
            self.initial = n
            if self.total:  # else made with the total (sim compare counts them first)
                self._shown()
            return
        bar = self.bar
        bar.initial = bar.n = n
        if bar.disable:
            return
        bar.last_print_n = n
        bar.start_t = bar.last_print_t = bar._time()
        bar.refresh()

    def reach(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` (the bar closed once they are all done)."""
        bar = self._shown(total)
        if bar.total != total:
            bar.total = total
        if done > bar.n:
            bar.update(done - bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        """Close the bar, if made (again: nothing), before a line below it."""
        if self.bar is not None:
            self.bar.close()

    def __enter__(self) -> _LazyBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _uncited_text(item: tuple[Any, Any], where: dict[Any, tuple[str, int | None]],
                  format_path: Callable[[Any], str]) -> str:
    path, value = item
    file, line = where.get(path, (None, None))
    at = f"{file}:{line}: " if file and line else (f"{file}: " if file else "")
    return f"{at}{format_path(path)} = {value}"


_VALIDATE_HELP = "Check scenario FILES; exit with status 2 if any has an error."


@main.command(help=_VALIDATE_HELP)
@click.argument("files", nargs=-1, required=True, type=_ScenarioPath())
@click.option("--require-citations", is_flag=True,
              help="Also fail if a numeric value has no source: or assumption: beside it.")
@SET_OPT
@_guarded
def validate(files: tuple[Path, ...], require_citations: bool, overrides: tuple[str, ...]) -> None:
    from sim.scenario import load_scenario, meta_of
    from sim.scenario.capacity import capacity_notes, unit_slip_notes
    from sim.scenario.errors import format_path
    from sim.scenario.wiring import unused_wiring

    bad = 0
    for path in files:
        try:
            sc = load_scenario(path, overrides)
        except ScenarioError as exc:
            bad += 1
            _err(f"FAIL {path}\n{exc.report()}")
            continue
        prov = meta_of(sc).provenance
        uncited = prov.uncited
        note = ""
        if uncited:
            first = _uncited_text(uncited[0], prov.uncited_where, format_path)
            more = f" and {len(uncited) - 1} more" if len(uncited) > 1 else ""
            note = (f"; {len(uncited)} value(s) without source:/assumption: {first}{more}"
                    " (--require-citations lists them)")
        msg = (f"ok   {path}: {len(sc.sites)} sites, {len(sc.lanes)} lanes, "
               f"{len(sc.channels)} channels{note}")
        if uncited and require_citations:
            bad += 1
            _err(f"FAIL {path}: values without a citation:")
            for item in uncited[:50]:
                _err(f"  {_uncited_text(item, prov.uncited_where, format_path)}")
            if len(uncited) > 50:
                _err(f"  ... and {len(uncited) - 50} more")
            _err("  hint: put source: (a citation) or assumption: (why it is a judgement) "
                 "beside each, e.g. {value: 3, source: \"...\"}")
            continue
        click.echo(msg)
        # sim validate's and sim show's, not every run's: the baseline keeps sea lanes no
        # route takes, which a note at each run would repeat (review 199)
        for note in [*_override_notes(sc), *capacity_notes(sc), *unit_slip_notes(sc),
                     *unused_wiring(sc)]:
            click.echo(f"     note: {note}")
    if bad:
        sys.exit(EXIT_BAD_INPUT)


def _override_notes(sc: Any) -> list[str]:
    """What a --set did that may not be what was meant (a bare number over a value the
    file gave in another unit), and the policies that cannot act in this network (valid
    input, but worth a word): the scenario's notes, which sim run, compare and sweep
    print too."""
    from sim.scenario import meta_of

    return list(meta_of(sc).notes)


def _note_set_capacities(files: Sequence[Path], overrides: Sequence[str]) -> list[str]:
    """Say, as sim run does, which capacities the ``--set`` overrides overload in each of
    ``files`` (review 169: sim compare and sim sweep ran a Kasumbalesa at 168% without a
    word), and return the notes said; a file the overrides do not load is left to the
    command, which reports it."""
    said: list[str] = []
    if not overrides:
        return said
    from sim.scenario import load_scenario
    from sim.scenario.capacity import file_override_notes

    for path in files:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the command says the scenario's notes
                sc = load_scenario(path, overrides)
        except ScenarioError:
            continue
        for note in file_override_notes(path, sc, overrides):
            _err(f"note: {sc.name}: {note}" if len(files) > 1 else f"note: {note}")
            said.append(note)
    return said


_SHOW_HELP = """Describe SCENARIO's network, shocks and policies in words, and draw the network as
a map and the shocks and policies on a calendar.
"""


@main.command(help=_SHOW_HELP)
@SCENARIO_ARG
@click.option("--figure", type=_PathWithHint(
    dir_okay=False, path_type=Path, hint="--figure names the image file to write, and a "
                                         "folder has that name: give a file name, e.g. "
                                         "map.png in that folder"), default=None,
              help="Where to save the network map (.png, .svg or .pdf). "
                   "Default: <scenario name>-network.png. A scenario with shocks or "
                   "policies also gets their calendar beside it, named with -timeline "
                   "(e.g. map-timeline.png).")
@click.option("--no-figure", "--no-figures", "no_figure", is_flag=True,
              help="Print the description only.")
@SET_OPT
@_guarded
def show(scenario: Path, figure: Path | None, no_figure: bool, overrides: tuple[str, ...]) -> None:
    from sim.output.describe import describe
    from sim.output.shock_text import describe_shocks
    from sim.scenario import load_scenario, make_plan
    from sim.scenario.wiring import unused_wiring

    sc = load_scenario(scenario, overrides)
    for note in [*_override_notes(sc), *unused_wiring(sc)]:
        _err(f"note: {note}")
    if figure is not None and not no_figure:
        from sim.output.network_map import check_figure_path

        check_figure_path(figure)
    plan = make_plan(sc)
    click.echo(describe(sc, plan))
    shocks = describe_shocks(sc)
    if shocks:
        click.echo("\n" + shocks)
    if not no_figure:
        from sim.output.errors import FigureError
        from sim.output.network_map import save_network_figure
        from sim.output.shock_text import save_timeline_figure

        try:
            path = save_network_figure(sc, figure or Path(f"{sc.name}-network.png"), plan)
            click.echo(f"\nNetwork map written to {path}")
            timeline = save_timeline_figure(sc, path.with_name(
                path.stem.replace("-network", "") + "-timeline" + path.suffix))
        except FigureError as exc:
            # the description is printed: say so, and how to have it without the figure
            raise FigureError(f"{exc}\n    hint: the description above is complete; write "
                              "the figures elsewhere (--figure PATH) or skip them "
                              "(--no-figure)") from None
        if timeline is not None:
            click.echo(f"Timeline of shocks and policies written to {timeline}")


_RUN_HELP = """Run SCENARIO for N replications and write a results folder.

Each replication is saved as it finishes; an interrupted run (Ctrl-C, or the process
killed) is finished with the same command and --resume.
"""


@main.command(help=_RUN_HELP)
@SCENARIO_ARG
@click.option("-n", "--replications", default=10, show_default=True,
              type=click.IntRange(min=1),
              help="Number of replications (with --resume, default: the -n of the run "
                   "being finished; with --target-ci, the first batch).")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0),
              help="Root seed; the same seed gives the same results (with --resume, "
                   "default: the seed of the run being finished).")
@click.option("--out", type=_out_folder("the results"), default=None,
              help="Results folder. Default: results/<scenario name>.")
@executor_options
@click.option("--force", is_flag=True, help="Replace results already in the --out folder.")
@click.option("--resume", is_flag=True,
              help="Finish an interrupted run in --out: keep its saved replications (they "
                   "must be of the same scenario, --set values and seed) and run the rest.")
@precision_options
@click.option("--no-figures", is_flag=True,
              help="Skip the figures (figures/*.png and .svg take some seconds to draw).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary.")
@SET_OPT
@_guarded
@_cluster_notes
def run(scenario: Path, replications: int, seed: int, out: Path | None, workers: int | None,
        scheduler: str | None, dask_local: bool, force: bool, resume: bool,
        target_ci: float | None, metrics: tuple[str, ...], max_replications: int | None,
        no_figures: bool, quiet: bool, overrides: tuple[str, ...]) -> None:
    from sim.experiment.executors import ReplicationError
    from sim.experiment.precision import check_metrics
    from sim.experiment.runner import FolderRun, check_folder_flags, resumed_replications
    from sim.experiment.stats import cap_runs
    from sim.output.provenance import mixed_code_note
    from sim.output.tables import (
        channel_table,
        deal_note,
        headline_table,
        price_caps,
        stockpile_markets,
        targeted_channels,
        unpriced,
    )
    from sim.scenario import load_scenario
    from sim.scenario.capacity import file_override_notes

    check_folder_flags(force, resume)
    _check_executor(workers, scheduler, dask_local)
    source = click.get_current_context().get_parameter_source("replications")
    target = _target(target_ci, metrics, max_replications, replications,
                     default=source is click.core.ParameterSource.DEFAULT)
    sc = load_scenario(scenario, overrides)
    # the notes of this command beyond the scenario's own: the manifest keeps them too
    run_notes = file_override_notes(scenario, sc, overrides)
    for note in [*_override_notes(sc), *run_notes]:
        _err(f"note: {note}")
    if target is not None:
        # before anything is run or written: a misspelt --metric costs nothing
        check_metrics(target.specs, sc)
    out = out or Path("results") / sc.name
    # the same code path as sim.run(out=...): checks, folder, runs, tables
    folder_run = FolderRun(out, force=force, resume=resume)
    recorded_run = folder_run.check()
    mixed = mixed_code_note(recorded_run, out, sc) if resume else None
    if mixed:
        _err(f"note: {mixed}")
        run_notes.append(mixed)
    folder_run.notes = run_notes
    if resume and source is click.core.ParameterSource.DEFAULT:
        # the run being finished, not the default 10: fewer would cut it short, more
        # would grow it unasked (sim compare's resume keeps its count too)
        recorded_n = resumed_replications(out, recorded_run, target)
        if recorded_n is not None and recorded_n != replications:
            replications = recorded_n
            target = _target(target_ci, metrics, max_replications, replications)
    recorded_seed = recorded_run.get("seed") if resume else None
    if (isinstance(recorded_seed, int) and not isinstance(recorded_seed, bool)
            and recorded_seed >= 0 and click.get_current_context().get_parameter_source(
                "seed") is click.core.ParameterSource.DEFAULT):
        # as -n: the run being finished keeps its seed (the default 0 refused a run of
        # another seed, "seed 3 there, 0 here", though no --seed was given)
        seed = recorded_seed
    if resume and target is None:
        _note_target_left_out(out, "run", recorded_run.get("precision"),
                              recorded_run.get("resume_command"))
    # the printed command works from any working folder (review 194: pasted elsewhere, a
    # relative --out began a new run there): scenario and --out absolute
    resume_words = ["run", scenario.absolute(), "-n", replications, "--seed", seed,
                    "--out", out.absolute(),
                    *[w for o in overrides for w in ("--set", o)]]
    if target is not None:
        resume_words += ["--target-ci", target_ci, *[w for m in metrics for w in ("--metric", m)],
                         "--max-replications", target.max_replications]
    if no_figures:
        resume_words.append("--no-figures")
    resume_words += _executor_words(workers, scheduler, dask_local)
    # made once the replications start (or a resume's saved ones are counted): a first
    # line at once, into a log file too, as sim compare's and sim sweep's (review 229)
    bar = _LazyBar(f"{sc.name}", quiet, total=replications)

    reading = _reading(quiet)

    def begun(fr: FolderRun) -> None:
        mixed = fr.folder.other_entries_note()
        if mixed and not resume:
            _err(mixed)
        for note in fr.folder.notes:  # nothing to resume; run.json rebuilt (review 194)
            _err(f"note: {note}")
        if resume and not quiet:
            note = f"resuming {out}: {len(fr.saved)} replication(s) already saved"
            if fr.folder.unreadable:
                note += f"; {len(fr.folder.unreadable)} unreadable, run again"
            _err(note)

    # the command run.json records is replayed from anywhere (sim report's hint): the
    # scenario by its absolute path (--out is the folder the hint is given for)
    recorded = ["sim", *resume_words, "--resume"]
    recorded[2] = scenario.absolute()
    try:
        with _ctrl_c_as_interrupt():
            results = folder_run.run(sc, seed, replications, workers=workers,
                                     scheduler=scheduler, dask_local=dask_local,
                                     target=target, progress=bar.update,
                                     on_batch=bar.set_total, command=recorded,
                                     on_begin=begun, on_read=reading, on_saved=bar.start_at)
    except KeyboardInterrupt:
        bar.close()
        if folder_run.folder is None:
            _err("\ninterrupted before any replication started; nothing was written")
            _exit_interrupted()
        if folder_run.abandoned:
            # a run.json alone would make the same command refuse the folder (a sweep's
            # store is undone the same way)
            _err("\ninterrupted before any replication finished; nothing was kept")
            _exit_interrupted()
        done = folder_run.folder.saved_count()
        _err(f"\ninterrupted: {done} finished replication(s) are saved in "
             f"{folder_run.folder.reps_dir}; the folder is incomplete (no manifest.json). To "
             "finish it, run:\n  " + _resume_command([*resume_words, "--resume"]))
        _exit_interrupted()
    except OSError as exc:
        bar.close()
        if folder_run.folder is None or folder_run.abandoned:
            raise  # nothing was kept: reported as any environment error
        _exit_environment(exc, then=(
            f"{_saved_count(folder_run.folder.saved_count)} finished replication(s) are "
            f"saved in {folder_run.folder.reps_dir}; the folder is incomplete (no "
            "manifest.json). To finish it once that is fixed, run:\n  "
            + _resume_command([*resume_words, "--resume"])))
    except ReplicationError as exc:
        bar.close()
        assert folder_run.folder is not None  # replications run only once it is begun
        done = folder_run.folder.saved_count()
        _exit_failed(exc, then=(
            f"{done} finished replication(s) are saved in {folder_run.folder.reps_dir}; the "
            f"folder is incomplete (no manifest.json). To finish it{_once_fixed(exc)}, run:\n  "
            + _resume_command([*resume_words, "--resume"])))
    finally:
        bar.close()
    stop, backend = folder_run.stop, folder_run.backend
    assert backend is not None
    if not quiet:
        _err(WRITING_TABLES)
    figures_bar = _figures_bar(quiet)
    tables_bar = _TablesBar(quiet)
    try:
        with tables_bar, figures_bar, _ctrl_c_as_interrupt():
            folder_run.finish(figures=not no_figures, on_figure=figures_bar.reach,
                              on_table=tables_bar.reach)
    except KeyboardInterrupt:
        _err(f"\ninterrupted while writing the tables and figures: all {results.n} "
             f"replication(s) are saved in {folder_run.folder.reps_dir}; the folder is "
             "incomplete (no manifest.json). To finish it, run:\n  "
             + _resume_command([*resume_words, "--resume"]))
        _exit_interrupted()
    except Exception as exc:
        env = _environmental(exc)
        if env is None:
            raise
        _exit_environment(env, then=(
            f"all {results.n} replication(s) are saved in {folder_run.folder.reps_dir}; the "
            "folder is incomplete (no manifest.json). To finish it once that is fixed, "
            "run:\n  " + _resume_command([*resume_words, "--resume"])))
    if not quiet:
        click.echo(f"{sc.name}: {results.n} replication(s), seed {seed}, "
                   f"{results.wall_s:.1f} s ({backend.description}); results in {out}"
                   + ("" if no_figures else f", figures in {out / 'figures'}/"))
        summary = results.summary()
        # the period right above the totals (review 212)
        click.echo(_period_line([(sc.name, results.scenario)]))
        click.echo(headline_table(summary, caps=price_caps(results.scenario),
                                  unpriced=unpriced(results.scenario, summary),
                                  counts=cap_runs(results),
                                  releases_into=stockpile_markets(results.scenario)))
        table = channel_table(summary, keep=targeted_channels(results.scenario))
        if table:
            click.echo(table)
        note = deal_note(results)
        if note:
            click.echo(note)
    if stop is not None:
        click.echo(stop.message())
    if not quiet:
        # the next step (review 212); quoted as the other commands printed are
        click.echo(f"report: {_resume_command(['report', str(out)])}")


_COMPARE_HELP = """Compare scenarios with common random numbers: every KPI's mean per scenario and
the paired difference from the first (the reference) with a 95% CI, the relative
change and the share of replications in which the difference is positive.

Each item is a scenario file or a results folder written by `sim run` (the first is
the reference). --set applies to every scenario file. Writes compare.csv,
compare.md, a forest plot of the differences and the scenarios' time series with
bands (figures/), and each scenario's results folder.
"""


@main.command(help=_COMPARE_HELP)
@click.argument("items", nargs=-1, required=True,
                type=_PathWithHint(path_type=Path, hint="give scenario files or results "
                                                         "folders"),
                metavar="SCENARIO_OR_FOLDER...")
@click.option("-n", "--replications", default=None, type=click.IntRange(min=1),
              help="Replications per scenario. Default: 10, or as many as the results "
                   "folders given have, or with --resume as many as the comparison in --out "
                   "holds (fewer are refused; with --target-ci, the -n it was run with, whose "
                   "batches the resume replays).")
@click.option("--seed", default=None, type=click.IntRange(min=0),
              help="Root seed every scenario shares (common random numbers). Default: 0, "
                   "or the first results folder's (refused if every item is a results "
                   "folder: they keep the seeds they were run with); with --resume, the "
                   "seed of the comparison being finished.")
@click.option("--out", type=_out_folder("the comparison"), default=None,
              help="Folder for compare.csv, compare.md, figures/ and a results folder per "
                   "scenario. Default: results/compare-<first>-<second>...")
@executor_options
@click.option("--force", is_flag=True, help="Replace a comparison already in --out.")
@click.option("--resume", is_flag=True,
              help="Finish an interrupted comparison in --out (same scenarios, --set and "
                   "--seed); only missing replications are run.")
@precision_options
@click.option("--no-figures", is_flag=True, help="Skip the figures.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or tables.")
@SET_OPT
@_guarded
@_cluster_notes
def compare(items: tuple[Path, ...], replications: int | None, seed: int | None,
            out: Path | None, workers: int | None, scheduler: str | None, dask_local: bool,
            force: bool, resume: bool, target_ci: float | None, metrics: tuple[str, ...],
            max_replications: int | None, no_figures: bool, quiet: bool,
            overrides: tuple[str, ...]) -> None:
    from sim.experiment.compare import finished_only_error, run_comparison
    from sim.experiment.compare_folder import recorded_comparison_target
    from sim.experiment.errors import ExperimentError
    from sim.experiment.executors import ReplicationError
    from sim.output.compare_output import comparison_text
    from sim.output.errors import FolderError
    from sim.output.folder import claim_folder, nothing_saved

    _check_executor(workers, scheduler, dask_local)
    # --max-replications is checked against the -n in effect by run_comparison: the
    # default 10 (or the folders' count, or a resumed comparison's) counts too
    target = _target(target_ci, metrics, max_replications, None)
    # said before the run; the comparison's files and report keep them (review 182), and
    # its summary after the run leaves them out rather than say them twice
    capacity_said = _note_set_capacities([p for p in items if not p.is_dir()], overrides)
    # a folder given as "." or ".." is named by what it is (it gave an empty name part)
    out = out or Path("results") / ("compare-" + "-".join(
        (p.stem if p.suffix else (p.name or p.resolve().name)) for p in items[:4]))
    if force and resume:
        raise ExperimentError("give --resume or --force, not both", what="--resume",
                              hint="--resume keeps the saved replications, --force deletes them")
    _check_compared_folders(items)
    if replications is not None and items and all(p.is_dir() for p in items):
        # refused here too, before --out is claimed (run_comparison refuses it as well)
        raise finished_only_error(replications)
    if any(p.is_dir() and out.is_dir() and p.resolve() == out.resolve() for p in items):
        raise FolderError(f"--out {out} is one of the results folders compared",
                          hint="choose another --out folder for the comparison")
    # a run's or sweep's results in --out: refused at once, or with --force replaced by
    # run_comparison once the scenarios are loaded and checked, just before its runs start
    # (a mistyped path, --set or --metric does not cost them)
    if not force:
        claim_folder(out, "comparison")
    bar = _LazyBar("compare", quiet)
    # the printed command works from any working folder: the items and --out absolute
    # (review 194: pasted elsewhere, a relative --out began a new comparison there)
    words: list[Any] = ["compare", *(p.absolute() for p in items), "--out", out.absolute()]
    if replications is not None:
        words += ["-n", replications]
    if seed is not None:
        words += ["--seed", seed]
    words += [w for o in overrides for w in ("--set", o)]
    if target is not None:
        words += ["--target-ci", target_ci, *[w for m in metrics for w in ("--metric", m)],
                  "--max-replications", target.max_replications]
    if no_figures:
        words.append("--no-figures")
    words += _executor_words(workers, scheduler, dask_local)
    if resume and target is None:
        _note_target_left_out(out, "comparison", recorded_comparison_target(out), None)
    if resume and nothing_saved(out):
        # review 194: pasted from another working folder, a resume ran a whole new
        # comparison into a new folder without a word
        _err(f"note: nothing saved in {out.absolute()}: --resume starts a new comparison "
             "there")
    # recorded in each scenario's run.json for sim report's hint, replayed from anywhere:
    # the items by their absolute paths (--out is the folder the hint is given for)
    recorded = ["sim", *(Path(w).absolute() if i in range(1, len(items) + 1) else w
                         for i, w in enumerate(words)), "--resume"]

    reading = _reading(quiet)

    def writing_out() -> None:
        # the results folders, tables and figures: 27.5 s silent after the bar at 120
        # replications of a year (review 229), where sim run says so
        bar.close()
        if not quiet:
            _err(WRITING_TABLES)

    figures_bar = _figures_bar(quiet)
    tables_bar = _TablesBar(quiet)
    try:
        with bar, tables_bar, figures_bar, _damage_notes(), _ctrl_c_as_interrupt():
            comp = run_comparison(list(items), replications, seed, overrides=overrides,
                                  workers=workers, scheduler=scheduler,
                                  dask_local=dask_local, target=target, out=out, force=force,
                                  resume=resume, progress=bar.update, on_batch=bar.set_total,
                                  figures=not no_figures, for_python=False,
                                  command=recorded, on_read=reading, on_saved=bar.start_at,
                                  on_write=writing_out, on_figure=figures_bar.reach,
                                  on_table=tables_bar.reach)
    except ScenarioError as exc:
        _scenario_error_in_comparison(exc, items, overrides)
    except KeyboardInterrupt:
        _err(f"\ninterrupted: {_saved_in_comparison(out)} finished replication(s) are saved "
             f"in {out}; to finish the comparison, run:\n  "
             + _resume_command([*words, "--resume"]))
        _exit_interrupted()
    except ReplicationError as exc:
        _exit_failed(exc, then=(
            f"{_saved_in_comparison(out)} finished replication(s) are saved in {out}; to "
            f"finish the comparison{_once_fixed(exc)}, run:\n  "
            + _resume_command([*words, "--resume"])))
    except Exception as exc:
        env = _environmental(exc)
        saved = _saved_count(lambda: _saved_in_comparison(out)) if env is not None else 0
        if env is None or not saved:
            raise  # nothing was kept: reported as any environment error
        _exit_environment(env, then=(
            f"{saved} finished replication(s) are saved in {out}; to finish the comparison "
            "once that is fixed, run:\n  " + _resume_command([*words, "--resume"])))
    # a note not every scenario holds carries their labels (review 188)
    shown = [n for n in comp.notes if not any(c in n for c in capacity_said)]
    if not quiet:
        from dataclasses import replace

        # the period before the tables of totals (review 212)
        click.echo(_period_line([(label, res.scenario)
                                 for label, res in zip(comp.labels, comp.results,
                                                       strict=True)]) + "\n")
        click.echo(comparison_text(replace(comp, notes=shown)))
        figs = "" if no_figures else ", figures/"
        # a results folder only for the scenario files run (labels in the order of items):
        # a comparison of finished folders writes none
        ran = [f"{label}/" for label, item in zip(comp.labels, items, strict=True)
               if not item.is_dir()]
        folders = ("" if not ran else f", and the results folder{'s' if len(ran) > 1 else ''}"
                   f" of the scenario{'s' if len(ran) > 1 else ''} run: {', '.join(ran)}")
        click.echo(f"\nWritten to {out}: compare.csv, compare.md, comparison.json{figs}"
                   f"{folders}")
    else:
        for note in shown:  # the differences may not be what they seem: said anyway
            _err(f"note: {note}")
        if comp.stop is not None:  # why it stopped is said even when quiet, as by sim run
            click.echo(comp.stop.message())


def _check_compared_folders(items: tuple[Path, ...]) -> None:
    """Refuse a folder given to ``sim compare`` that is a sweep's or a comparison's folder
    (or a folder of results folders) with the message :func:`sim.load_results` gives and
    a hint for the command line (it said "not a finished results folder ... finish an
    interrupted run with sim run ... --resume")."""
    from sim.experiment.results import other_folder
    from sim.output.errors import FolderError
    from sim.output.folder import compared_folders
    from sim.shell import join

    for path in items:
        if not path.is_dir() or (path / "manifest.json").exists():
            continue
        other = other_folder(path)
        if other is None:
            continue
        message = other[0]
        runs = sorted(p for p in path.iterdir() if (p / "manifest.json").is_file())
        if "comparison's folder" in message:
            # the folders its comparison.json lists, not an older comparison's or the user's
            # other runs kept there
            listed = compared_folders(path)
            runs = runs if listed is None else listed
        if "unfinished sweep's folder" in message:
            hint = other[1]  # the sim sweep command that finishes it
        elif "sweep's folder" in message:
            hint = (f"give sim compare a scenario file or a folder of sim run; the sweep's "
                    f"table is {path / 'sweep.csv'} (sweep-kpis.csv.gz for every KPI's "
                    "mean, sd and n per sample)")
        elif "comparison's folder" in message and runs:
            hint = ("compare its scenarios' results folders, e.g. sim compare "
                    + join(runs[:2])
                    + f" (folders: {', '.join(p.name for p in runs)}); its table is "
                    f"{path / 'compare.csv'}")
        elif "comparison's folder" in message and any(
                (p / "run.json").is_file() for p in path.iterdir() if p.is_dir()):
            hint = ("its scenarios' results folders are not finished: run the sim compare "
                    "command that wrote it again with --resume")
        elif "comparison's folder" in message:
            # not found is not unfinished: the folders it was given may have moved
            hint = ("the results folders it compared are not where its comparison.json "
                    "says (moved?): give sim compare those folders or the scenario files; "
                    f"its table is {path / 'compare.csv'}")
        elif runs and "unfinished run" not in message:
            hint = f"give one of them (folders: {', '.join(p.name for p in runs)})"
        else:
            hint = other[1]  # an unfinished run: the sim run command that finishes it
        raise FolderError(message, hint=hint)


SET_FOR_ONE_HINT = ("--set applies to every scenario compared; put a change that only one "
                    "of them can take in a child scenario (extends:)")


def _scenario_error_in_comparison(exc: ScenarioError, items: tuple[Path, ...],
                                  overrides: tuple[str, ...]) -> NoReturn:
    """Report a scenario that failed to load in ``sim compare``: which file it is when
    another compared file loads (a --set error names only the --set), and, when the file
    loads without the --set values, that they apply to every scenario compared. A failure
    that every file compared shares (a --set none of them accepts) is reported as it is:
    naming one file, and saying the --set applies to all, would suggest the others take it."""
    from sim.scenario import load_scenario

    files = [p for p in items if p.is_file()]
    failed: Path | None = None
    loaded = False  # another file loads with the --set values
    if len(files) > 1:
        for path in files:  # in the order sim compare loads them: the first that fails
            try:
                load_scenario(path, overrides)
                loaded = True
            except ScenarioError:
                failed = failed or path
            if failed is not None and loaded:
                break
    text = exc.report()
    if failed is None or not loaded:
        _err(text)
        sys.exit(EXIT_BAD_INPUT)
    text = f"in {failed} (one of the {len(files)} scenarios compared): " + text
    alone_ok = False
    if overrides:
        try:
            load_scenario(failed, ())
            alone_ok = True
        except ScenarioError:
            pass
    if alone_ok:
        text += f"\n  hint: {SET_FOR_ONE_HINT}"
    _err(text)
    sys.exit(EXIT_BAD_INPUT)


_SWEEP_HELP = """Vary scenario values over a design (Latin hypercube, Sobol or grid) and write one
row per sample with its parameter values and the mean of every KPI; with --design
sobol, also first-order and total Sobol indices with confidence intervals.

Each replication is saved in --out as it finishes; a sweep interrupted or stopped by
a failed replication is finished with the same command and --resume.
"""


@main.command(help=_SWEEP_HELP)
@SCENARIO_ARG
@click.option("--param", "params", multiple=True, required=True,
              metavar="KEY.PATH=LOW:HIGH[:log|:int]",
              help="A scenario value to vary, as for --set (repeatable), e.g. "
                   "sites.kasumbalesa.servers=1:3:int.")
@click.option("--design", type=click.Choice(["lhs", "sobol", "grid"]), default="lhs",
              show_default=True,
              help="lhs: Latin hypercube of N samples; sobol: N base samples (a power of 2), "
                   "N x (parameters + 2) points of -r replications each, with Sobol "
                   "indices; grid: N levels per parameter.")
@click.option("-n", "--samples", default=16, show_default=True, type=click.IntRange(min=1),
              help="Samples (see --design).")
@click.option("-r", "--replications", default=1, show_default=True,
              type=click.IntRange(min=1), help="Replications per sample (KPI means are "
                                               "reported). With --resume, default: as many "
                                               "as the sweep in --out holds.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0),
              help="Root seed of the design and of every sample's replications.")
@click.option("--out", type=_out_folder("the sweep"), default=None,
              help="Folder for sweep.csv, sobol.csv, figures/ and the saved replications "
                   "(sweep-replications/). Default: results/<file name>-sweep.")
@click.option("--metric", "metrics", multiple=True,
              metavar="METRIC[:COMMODITY[:CHANNEL[:SITE]]]",
              help="A KPI to show (repeatable) and, if it is not a total, to add as a "
                   "column of sweep.csv.")
@executor_options
@click.option("--force", is_flag=True, help="Replace a sweep already in --out.")
@click.option("--resume", is_flag=True,
              help="Finish an interrupted or failed sweep in --out: keep its saved "
                   "replications (of the same scenario, --set, --param, --design, -n and "
                   "--seed) and run the rest; with a larger -r, add replications to a "
                   "finished sweep (a smaller -r than it holds is refused).")
@click.option("--no-figures", is_flag=True, help="Skip the figures.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or tables.")
@SET_OPT
@_guarded
@_cluster_notes
def sweep(scenario: Path, params: tuple[str, ...], design: str, samples: int,
          replications: int, seed: int, out: Path | None, metrics: tuple[str, ...],
          workers: int | None, scheduler: str | None, dask_local: bool, force: bool,
          resume: bool, no_figures: bool, quiet: bool, overrides: tuple[str, ...]) -> None:
    from sim.experiment.errors import ExperimentError
    from sim.experiment.executors import ReplicationError
    from sim.experiment.sweep import run_sweep
    from sim.output.folder import claim_folder, nothing_saved
    from sim.output.folder_lock import writing
    from sim.output.sweep_output import sweep_text
    from sim.output.sweep_store import SweepStore

    if force and resume:
        raise ExperimentError("give --resume or --force, not both", what="--resume",
                              hint="--resume keeps the saved replications, --force deletes them")
    _check_executor(workers, scheduler, dask_local)
    # said before the run; sweep.json keeps them with the sweep's notes (review 188)
    capacity_said = _note_set_capacities([scenario], overrides)
    out = out or Path("results") / f"{scenario.stem}-sweep"
    source = click.get_current_context().get_parameter_source("replications")
    if resume and source is click.core.ParameterSource.DEFAULT:
        # the sweep resumed keeps its replications per sample, as sim compare --resume keeps
        # its -n: the default -r 1 was refused over a sweep of 3 ("more than the -r 1 asked
        # for", though no -r was given)
        replications = SweepStore(out).resumed_replications(replications)
    # the printed command works from any working folder (review 194): scenario and --out
    # absolute
    words: list[Any] = ["sweep", scenario.absolute(),
                        *[w for p in params for w in ("--param", p)],
                        "--design", design, "-n", samples, "-r", replications, "--seed", seed,
                        "--out", out.absolute(), *[w for m in metrics for w in ("--metric", m)],
                        *[w for o in overrides for w in ("--set", o)]]
    if no_figures:
        words.append("--no-figures")
    words += [*_executor_words(workers, scheduler, dask_local), "--resume"]
    # replayed from anywhere (other commands' hints put the folder they were given)
    recorded = ["sim", *words]
    recorded[2] = scenario.absolute()
    recorded[recorded.index("--out") + 1] = out.absolute()
    if resume and nothing_saved(out):
        _err(f"note: nothing saved in {out.absolute()}: --resume starts a new sweep there")
    store = SweepStore(out)
    created = not out.exists()
    finished_before = (out / "sweep.json").is_file()
    saved_before = store.saved_count()

    def kept() -> str:
        """What is kept of the sweep now stopped."""
        new = store.saved_count() - saved_before
        if finished_before and resume:
            return (f"{new} new replication(s) are saved in {store.path}; the finished "
                    f"sweep's tables (sweep.csv, sweep.json) are as they were. To add the "
                    "rest")
        return (f"{store.saved_count()} finished replication(s) are saved in {store.path}; "
                "the sweep is incomplete (no sweep.json). To finish it")
    # the folder's lock is held until the handlers below are done with it (run_sweep holds it
    # too, and released it before they removed an unfinished sweep's plan)
    with writing(out, "sim sweep"):
        # a run's or comparison's results in --out: refused at once, or with --force replaced
        # by run_sweep once the sweep is found valid, just before its runs start (a mistyped
        # --param, --metric or --set does not cost them)
        if not force:
            claim_folder(out, "sweep")
        bar = _LazyBar("sweep", quiet)
        # every design point's scenario is built before any runs: some 40 ms each, 111 s
        # silent for 2,000 points (review 229)
        points_bar = _LazyBar("building points", quiet, unit="point")

        reading = _reading(quiet)
        figures_bar = _figures_bar(quiet)
        tables_bar = _TablesBar(quiet)

        def writing_out() -> None:
            # its tables, Sobol indices and figures: some 10 s at 256 points under the
            # bar at 100% (review 239), as sim compare's
            bar.close()
            if not quiet:
                _err(WRITING_TABLES)

        try:
            with bar, points_bar, tables_bar, figures_bar, _ctrl_c_as_interrupt():
                result = run_sweep(scenario, list(params), design, samples, replications, seed,
                                   overrides=overrides, workers=workers, scheduler=scheduler,
                                   dask_local=dask_local, metrics=metrics, out=out, force=force,
                                   resume=resume, progress=bar.update, on_total=bar.set_total,
                                   figures=not no_figures, command=recorded, for_python=False,
                                   on_build=points_bar.reach, on_read=reading,
                                   on_saved=bar.start_at, on_write=writing_out,
                                   on_figure=figures_bar.reach, on_table=tables_bar.reach)
        except KeyboardInterrupt:
            if not resume and store.abandon(created):
                _err(f"\ninterrupted before any replication finished; no sweep was written to "
                     f"{out}")
                _exit_interrupted()
            _err(f"\ninterrupted: {kept()}, run:\n  " + _resume_command(words))
            _exit_interrupted()
        except ReplicationError as exc:
            from sim.experiment.sweep import Param, make_design

            # the sample's values, so that the failing scenario can be run again by itself
            parsed = [Param.parse(p) for p in params]
            rows = make_design(parsed, design, samples, seed).values

            def label(task: Any) -> str:
                sets = ", ".join(p.override(v)
                                 for p, v in zip(parsed, rows[task.job], strict=True))
                return f"sample {task.job} at {sets}"

            _exit_failed(exc, label, then=f"{kept()}{_once_fixed(exc)}, run:\n  "
                         + _resume_command(words))
        except Exception as exc:
            env = _environmental(exc)
            if env is None:
                raise
            if _saved_count(store.saved_count) == 0 and not (resume and finished_before):
                if not resume:
                    # a plan alone would make the command, run again, refuse the folder
                    with contextlib.suppress(OSError):
                        store.abandon(created)
                raise  # nothing was kept: reported as any environment error
            _exit_environment(env, then=f"{kept()} once that is fixed, run:\n  "
                              + _resume_command(words))
    for note in result.notes:  # may not be what was meant: said even when quiet
        if any(c in note for c in capacity_said):
            continue
        _err(f"note: {note}")
    if not quiet:
        head, *rest = sweep_text(result, list(metrics)).split("\n")
        # the period under the sweep's first line: its KPIs are totals over it (review 212)
        click.echo("\n".join([head, f"  {_sweep_period(scenario, params, overrides)}",
                              *rest]))
        files = "sweep.csv, sweep-kpis.csv.gz" + (", sobol.csv" if result.sobol is not None
                                                  else ", correlations.csv") + ", sweep.json"
        click.echo(f"\nWritten to {out}: {files}" + ("" if no_figures else ", figures/")
                   + "; replications saved in sweep-replications/")


PERIOD_FIELDS = ("start", "end", "horizon_days")
"""Scenario fields that set the measured period (a sweep varying one measures another
period at each sample)."""


def _sweep_period(scenario: Path, params: Sequence[str], overrides: Sequence[str]) -> str:
    """The period a sweep's samples measure, in words: one, or that a --param varies it."""
    from sim.experiment.sweep import Param
    from sim.scenario import load_scenario

    # horizon_days.value too, the path of a cited value (review 220)
    varied = [p.path for p in map(Param.parse, params)
              if p.path.split(".", 1)[0] in PERIOD_FIELDS]
    if varied:
        return (f"period measured: varies with {', '.join(varied)}: tonnes are totals over "
                "each sample's own period")
    sc = load_scenario(scenario, overrides)
    return f"period measured: {_period(sc)}; {TOTALS_OVER_IT}"


_REPORT_HELP = """Build one self-contained HTML report (figures, KPI tables with confidence
intervals, assumptions and sources, timeline of shocks and policies) from a results
FOLDER written by `sim run`, or from a folder of run folders to compare.
"""


@main.command(help=_REPORT_HELP)
@click.argument("folder", type=_PathWithHint(
    file_okay=False, path_type=Path,
    hint="give the folder sim run or sim compare wrote (the one holding manifest.json or "
         "compare.csv), not a file in it"))
@click.option("--out", type=_PathWithHint(
    dir_okay=False, path_type=Path,
    hint="--out names the HTML file to write, and a folder has that name: give a file "
         "name, e.g. report.html in that folder"), default=None, callback=_html_out,
              help="Where to write the HTML file. Default: FOLDER/report.html.")
@click.option("--reference", default=None, metavar="NAME",
              help="For a folder of run folders: the run folder to compare the others "
                   "with. Default: the first in comparison.json, else one named baseline, "
                   "else the first in alphabetical order.")
@_guarded
def report(folder: Path, out: Path | None, reference: str | None) -> None:
    from sim.output.report import write_report

    def reading(n: int) -> None:
        # 10-19 s silent on big folders (review 229)
        _err(f"reading {folder} ..." if n == 1 else f"reading {n} results folders ...")

    # the figures are most of its time: a bar of them (review 239), from the page's start
    with _damage_notes(), _figures_bar(False) as figures_bar:
        written = write_report(folder, out, reference, on_read=reading,
                               on_figure=figures_bar.reach)
    for note in written.notes:
        _err(note)
    click.echo(f"Report written to {written.path}")


if __name__ == "__main__":  # pragma: no cover
    main()
