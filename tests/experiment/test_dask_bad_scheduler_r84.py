"""--scheduler / scheduler= at an address where something other than a Dask scheduler
listens, and dask_local=True from a script Dask's workers run again (review 84).

A service that accepted the connection and never answered (the dashboard's port 8787, a
web server) left the run waiting for ever, silently: Dask's timeout does not cover its
handshake. One that answered with other bytes (an SSH server's banner) gave "cannot start
Dask: MemoryError: Unable to allocate 2.82 EiB", naming neither the address nor a cause.
A LocalCluster started from a script with no ``if __name__ == "__main__":`` guard, or
from stdin, failed with "Nanny failed to start." and no hint.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from expt_helpers import ROOT, TINY

import sim
from sim.cli import main
from sim.experiment import executors
from sim.experiment.errors import ExperimentError
from sim.experiment.executors import open_backend

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed")

SSH_BANNER = b"SSH-2.0-OpenSSH_9.6\r\n"


@contextlib.contextmanager
def fake_service(greeting: bytes = b"",
                 accepted: threading.Event | None = None) -> Iterator[str]:
    """The address of a TCP server on 127.0.0.1 that accepts connections, sends each
    ``greeting`` and then nothing, and keeps them open until the block ends; ``accepted``
    is set at the first connection."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.1)
    held: list[socket.socket] = []
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)
            if greeting:
                conn.sendall(greeting)
            if accepted is not None:
                accepted.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        done.set()
        thread.join(5)
        for conn in held:
            conn.close()
        server.close()


def test_a_service_that_never_answers_is_given_up_on_in_the_time_limit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executors, "DASK_CONNECT_S", 0.6)
    with fake_service() as address:
        start = time.monotonic()
        with pytest.raises(ExperimentError) as caught, open_backend(scheduler=address):
            pass
        took = time.monotonic() - start
    assert took < 3, took
    err = caught.value
    assert err.what == "--scheduler"
    assert err.message.startswith(f"no Dask scheduler answered at {address} within 0.6 s")
    assert "8786" in err.hint and "8787" in err.hint and "dashboard" in err.hint
    # the stuck client is no one's default: Dask code run later does not find it
    with pytest.raises(ValueError):
        distributed.default_client()


def test_sim_run_names_its_argument_and_the_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executors, "DASK_CONNECT_S", 0.6)
    with fake_service() as address, pytest.raises(ExperimentError) as caught:
        sim.run(TINY, 2, seed=3, scheduler=address)
    text = str(caught.value)
    assert text.startswith(f"scheduler: no Dask scheduler answered at {address}"), text
    assert "--scheduler" not in text and "hint:" in text


def test_a_service_that_speaks_another_protocol_is_named_as_such(tmp_path: Path) -> None:
    with fake_service(SSH_BANNER) as address:
        result = CliRunner().invoke(main, ["run", str(TINY), "-n", "2", "--out",
                                           str(tmp_path / "r"), "--no-figures",
                                           "--scheduler", address])
    assert result.exit_code == 2, result.output
    out = result.output
    assert (f"--scheduler: cannot connect to the Dask scheduler at {address}: the service "
            "there does not speak Dask's protocol (MemoryError)") in out, out
    assert "EiB" not in out and "Traceback" not in out, out
    assert "hint:" in out and "8786" in out, out


def test_a_malformed_address_is_still_said_to_be_one() -> None:
    with pytest.raises(ExperimentError) as caught, \
            open_backend(scheduler="tcp://127.0.0.1:notaport"):
        pass
    # said in words since review 253 (it was Python's "invalid literal for int() ...")
    assert ("cannot connect to the Dask scheduler at tcp://127.0.0.1:notaport: port "
            "'notaport' is not a port number (1 to 65535)") in caught.value.message


_WAIT_FOR_EVER = """
import sys
from sim.experiment import executors
executors.DASK_CONNECT_S = {limit}
from sim.cli import main
print("connecting", flush=True)
main(["run", {tiny!r}, "-n", "2", "--out", {out!r}, "--no-figures",
      "--scheduler", {address!r}])
"""


def _start_cli(address: str, limit: float, tmp_path: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    code = _WAIT_FOR_EVER.format(limit=limit, tiny=str(TINY), out=str(tmp_path / "r"),
                                 address=address)
    return subprocess.Popen([sys.executable, "-c", code], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


_GIVE_UP = """
from sim.experiment import executors
executors.DASK_CONNECT_S = 0.5
try:
    with executors.open_backend(scheduler={address!r}):
        pass
except executors.ExperimentError as exc:
    print(exc, flush=True)
"""


def test_the_process_exits_with_the_client_still_stuck_in_the_handshake(
        tmp_path: Path) -> None:
    # the thread left in Dask's handshake must not keep the process from exiting
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with fake_service() as address:
        proc = subprocess.run([sys.executable, "-c", _GIVE_UP.format(address=address)],
                              cwd=tmp_path, env=env, text=True, capture_output=True,
                              timeout=30)
    assert proc.returncode == 0, proc
    assert f"no Dask scheduler answered at {address} within 0.5 s" in proc.stdout, proc
    assert "Traceback" not in proc.stderr, proc.stderr


@pytest.mark.skipif(os.name != "posix", reason="sends POSIX signals")
def test_ctrl_c_while_waiting_for_the_scheduler_exits_130_at_once(tmp_path: Path) -> None:
    accepted = threading.Event()
    with fake_service(accepted=accepted) as address:
        proc = _start_cli(address, 60, tmp_path)
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline() == "connecting\n"
            # connected, so in the wait for the handshake, as Dask imports the rest of
            # itself: a fixed half second sent the signal while a loaded machine was still
            # importing, before the wait (a Ctrl-C dropped there is Python's, see
            # test_a_ctrl_c_dropped_in_a_finaliser_still_ends_the_wait_at_once)
            assert accepted.wait(30), "the run never connected to the scheduler's address"
            time.sleep(0.2)
            sent = time.monotonic()
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=10)
            took = time.monotonic() - sent
        finally:
            proc.kill()
    assert proc.returncode == 130, (out, err)
    assert took < 3, took
    assert "Traceback" not in err, err


class _Finalised:
    """An object whose finaliser takes a Ctrl-C: the KeyboardInterrupt that SIGINT's
    handler raises there is printed as "Exception ignored in ..." and dropped, as one
    raised in an import lock's weakref callback was."""

    def __del__(self) -> None:
        signal.raise_signal(signal.SIGINT)


@pytest.mark.skipif(os.name != "posix", reason="sends POSIX signals")
def test_a_ctrl_c_dropped_in_a_finaliser_still_ends_the_wait_at_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def never_answers(*_args: object, **_kwargs: object) -> None:
        release.wait(30)
        raise OSError("gave up")

    steps = 0

    def monotonic() -> float:
        nonlocal steps
        steps += 1
        if steps == 2:  # the first step of the wait
            _Finalised()
        return time.monotonic()

    dropped: list[type[BaseException] | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: dropped.append(u.exc_type))
    monkeypatch.setattr(executors, "DASK_CONNECT_S", 20.0)
    monkeypatch.setattr(executors, "time", types.SimpleNamespace(monotonic=monotonic))
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        start = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            executors._connect_dask(types.SimpleNamespace(Client=never_answers),
                                    "tcp://127.0.0.1:8786", "--scheduler")
        took = time.monotonic() - start
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        release.set()
        signal.signal(signal.SIGINT, before)
    assert dropped == [KeyboardInterrupt]  # it was dropped where it was raised
    assert took < 3, took


# --- dask_local=True from a script its workers run again ---------------------------------

def _nanny_fails(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("Nanny failed to start.")


FAILING_DASK = types.SimpleNamespace(LocalCluster=_nanny_fails, Client=_nanny_fails)


def _start_from(module: types.ModuleType, code: str) -> ExperimentError:
    """The error of starting a LocalCluster (whose Nanny fails) from ``code`` run as the
    top-level code of ``module``."""
    caught: list[ExperimentError] = []

    def start() -> None:
        try:
            executors._start_local_cluster(FAILING_DASK, 1)
        except ExperimentError as exc:
            caught.append(exc)

    module.start = start  # type: ignore[attr-defined]
    exec(compile(code, getattr(module, "__file__", "<string>"), "exec"), vars(module))
    assert caught
    return caught[0]


def _as_main(monkeypatch: pytest.MonkeyPatch, path: str | None) -> types.ModuleType:
    module = types.ModuleType("__main__")
    if path is not None:
        module.__file__ = path
    monkeypatch.setitem(sys.modules, "__main__", module)
    monkeypatch.setitem(sys.modules, "__mp_main__", module)
    return module


def test_a_script_without_a_main_guard_is_named_in_the_hint(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    script = tmp_path / "study.py"
    script.write_text("import sim\nsim.run('x.yaml', 2, dask_local=True)\n")
    err = _start_from(_as_main(monkeypatch, str(script)), "start()\n")
    assert err.message == "cannot start Dask: RuntimeError: Nanny failed to start."
    assert err.hint is not None and str(script) in err.hint
    assert 'if __name__ == "__main__":' in err.hint


def test_code_from_stdin_is_named_in_the_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    err = _start_from(_as_main(monkeypatch, "<stdin>"), "start()\n")
    assert err.hint is not None and "<stdin> is not a file" in err.hint


def test_a_worker_running_the_script_again_says_so(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    # in a worker process, __main__ is multiprocessing's and the script is __mp_main__
    script = tmp_path / "study.py"
    script.write_text("start()\n")
    rerun = types.ModuleType("__mp_main__")
    rerun.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__mp_main__", rerun)
    err = _start_from(rerun, "start()\n")
    assert err.hint is not None and "one of Dask's worker processes" in err.hint
    assert str(script) in err.hint


def test_no_hint_for_a_guarded_script_or_an_interactive_session(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    script = tmp_path / "study.py"
    script.write_text("if __name__ == '__main__':\n    start()\n")
    assert _start_from(_as_main(monkeypatch, str(script)), "start()\n").hint is None
    assert _start_from(_as_main(monkeypatch, None), "start()\n").hint is None  # Jupyter
