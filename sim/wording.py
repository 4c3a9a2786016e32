"""Python wording: the same checks serve the command line and the Python API, and their
messages name the command line's options. A Python caller gave arguments, not options, so
the messages reaching it are reworded once, at the API's edge, from one table
(:func:`python_wording`): ``seed``, not ``--seed``; ``force=True``, not ``--force``.

Used by every layer's entry for Python callers (:func:`sim.load_scenario` as well as
:func:`sim.run`, :func:`sim.compare` and :func:`sim.sweep`), so it imports none of them:
moved here from :mod:`sim.experiment.errors` (which still exports its names) so that loading
a scenario imports no experiment code (review 231).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_WHAT = {"--seed": "seed", "-n/--replications": "replications", "-n/--samples": "samples",
         "--design": "design", "--param": "params", "--set": "overrides",
         "--target-ci": "target_ci", "--metric": "metrics",
         "--max-replications": "max_replications", "--resume": "resume", "--force": "force",
         "--out": "out", "--workers": "workers", "--scheduler": "scheduler",
         "--dask-local": "dask_local", "--no-figures": "figures"}
"""The ``what`` of an error naming an option, and the argument the API takes for it."""

_PHRASES = [
    # advice whose form differs in Python, not only its names
    ("give the reference first: sim compare A.yaml B.yaml",
     "give the reference first: sim.compare(['A.yaml', 'B.yaml'])"),
    ("give at least one --param key.path=low:high",
     "give at least one, e.g. params={'key.path': (low, high)}"),
    ("--target-ci needs at least one --metric to measure",
     "target_ci needs at least one KPI in metrics to measure"),
    ("--set changes the scenario files", "overrides change the scenario files"),
    ("drop --set, or", "drop overrides, or"),
    ("drop the --set, or", "drop the override, or"),
    ("--set values", "overrides"),
    ("--param ranges", "ranges in params"),
    ("correct the command and", "correct the call and"),
    # "-r" alone becomes "replications": "a larger replications adds replications" misread
    ("a larger -r adds", "a larger replications value adds"),
]

_LIST_FLAGS = {"--set": "overrides", "--metric": "metrics", "--param": "params"}
# a value after an option: quoted, or holding a character a plain word has not ("use --set
# for a fixed value", "correct --metric and" name the option alone)
_VALUE = r"(?:'[^']*'|(?=[^\s,;)]*[=_.:\[{\d])[^\s,;)]+)"
_RUN = re.compile(rf"(--set|--metric|--param) ({_VALUE})((?: \1 {_VALUE})*)")
_CLI_COMMAND = re.compile(r"sim (?:run|compare|sweep|validate|show|report)\b[^;\n]*")


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) > 1 and text[0] == text[-1] == "'" else text


def _list_flags(m: re.Match[str]) -> str:
    """``--set a --set b`` -> ``overrides=['a', 'b']`` (and ``--metric``, ``--param``; a
    ``--param`` naming only a key path -> ``params['key.path']``)."""
    flag = m.group(1)
    values = [_unquote(v) for v in [m.group(2), *re.findall(rf"{flag} ({_VALUE})", m.group(3))]]
    if flag == "--param" and len(values) == 1 and "=" not in values[0]:
        return f"params[{values[0]!r}]"  # the parameter's key path alone, not a range
    return f"{_LIST_FLAGS[flag]}={values!r}"


def _words(text: str, count: str) -> str:
    """``text`` (no ``sim ...`` command in it) with options written as arguments."""
    for cli, python in _PHRASES:
        text = text.replace(cli, python)
    text = text.replace("-n/--replications", "replications").replace("-n/--samples", "samples")
    # a --set as a location or its source ("--set x=1: ...", "which --set x=null removed")
    text = re.sub(r"(^|\n)(\s*)--set ([^\s:]+?): ",
                  lambda m: f"{m.group(1)}{m.group(2)}override {m.group(3)!r}: ", text)
    text = re.sub(rf"(which|from) --set ({_VALUE})",
                  lambda m: f"{m.group(1)} override {_unquote(m.group(2))!r}", text)
    text = re.sub(rf"\badd --set ({_VALUE})",
                  lambda m: f"add {_unquote(m.group(1))!r} to overrides", text)
    text = _RUN.sub(_list_flags, text)
    text = re.sub(r"--seed (\d+)", r"seed=\1", text)
    text = re.sub(r"--design (\w+)", r"design='\1'", text)
    text = re.sub(r"--target-ci ([\d.]+)", r"target_ci=\1", text)
    text = re.sub(r"--max-replications (\d+)", r"max_replications=\1", text)
    text = re.sub(r"--workers (\d+)", r"workers=\1", text)
    text = re.sub(r"(?<![\w-])-n (\d+)", rf"{count}=\1", text)
    text = re.sub(r"(?<![\w-])-r (\d+)", r"replications=\1", text)
    for flag, python in (("--resume", "resume=True"), ("--force", "force=True"),
                         ("--dask-local", "dask_local=True"), ("--no-figures", "figures=False"),
                         *_WHAT.items()):
        text = re.sub(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", python, text)
    text = re.sub(r"(?<![\w-])-n\b", count, text)
    text = re.sub(r"(?<![\w-])-r\b", "replications", text)
    # two arguments side by side, as in a call: target_ci=0.02, metrics=[...]
    return re.sub(r"(\w+=(?:\[[^\]]*\]|[^\s,;)]+)) (?=\w+=)", r"\1, ", text)


def python_words(text: str | None, command: str = "run") -> str | None:
    """``text`` (a message or hint written for the ``sim`` command line) with its options
    written as the Python API's arguments: ``--seed 1`` as ``seed=1``, ``--force`` as
    ``force=True``, ``--set x=1`` as ``overrides=['x=1']``, ``-n`` as ``replications``
    (``samples`` for a ``command`` of ``sweep``, whose ``-r`` is ``replications``). A
    ``sim run ...`` command quoted in it is left as it is: no Python call does what it
    does (finishing a run folder, say). None stays None."""
    if not text:
        return text
    count = "samples" if command == "sweep" else "replications"
    # the command as the subject of a sentence ("sim run would mix its files with those of
    # the comparison there"), not a command to type: the call that was made
    text = re.sub(r"\bsim (run|compare|sweep) would\b", r"sim.\1(out=...) would", text)
    out, at = [], 0
    for m in _CLI_COMMAND.finditer(text):
        out += [_words(text[at:m.start()], count), m.group(0)]
        at = m.end()
    return "".join([*out, _words(text[at:], count)])


def python_what(what: str | None, command: str = "run") -> str | None:
    """The ``what`` of an error (an option such as ``--seed``, ``--param x=1:2``, or an
    argument or path) as the argument a Python caller gave."""
    if what is None:
        return None
    if what in _WHAT:
        return _WHAT[what]
    if what.startswith("--param "):
        return f"params entry {what[len('--param '):]!r}"
    return python_words(what, command)


def reword_for_python(exc: BaseException, command: str = "run") -> None:
    """Reword, in place, an :class:`~sim.experiment.errors.ExperimentError`, a
    :class:`~sim.output.errors.FolderError` or a
    :class:`~sim.scenario.errors.ScenarioError` written for the command line, for a caller
    of the Python API (see :func:`python_words`); any other exception is left alone."""
    from sim.scenario.errors import ScenarioError

    # none of these raised if its module was never imported (review 231: loading a
    # scenario rewords its errors without importing the experiment or output code)
    experiment = sys.modules.get("sim.experiment.errors")
    output = sys.modules.get("sim.output.errors")
    if experiment is not None and isinstance(exc, experiment.ExperimentError):
        exc.what = python_what(exc.what, command)
        exc.message = python_words(exc.message, command) or ""
        exc.hint = python_words(exc.hint, command)
        exc.args = (exc.report(),)
    elif output is not None and isinstance(exc, output.FolderError):
        exc.message = python_words(exc.message, command) or ""
        exc.hint = python_words(exc.hint, command)
        exc.args = (exc.message + (f"\n    hint: {exc.hint}" if exc.hint else ""),)
    elif isinstance(exc, ScenarioError):
        for issue in exc.issues:
            if issue.file == "--set":
                issue.file = None  # its message begins with the override: no place to add
            elif issue.file and issue.file.startswith("--set "):
                issue.file = f"override {issue.file[len('--set '):]!r}"
            issue.message = re.sub(r"^--set ('[^']*'|\S+): ", r"override \1: ", issue.message)
            if issue.after:
                # "(after --set x=1, --set y=2)" beside a file's line: the overrides given
                issue.after = ", ".join(f"override {t.removeprefix('--set ')!r}"
                                        for t in re.split(r", (?=--set )", issue.after))
                if issue.hint:  # the loader's hint when the issue had none of its own
                    issue.hint = re.sub(
                        r"as --set (.+?) left it; change or drop that --set$",
                        lambda m: f"as override {m.group(1)!r} left it; change or drop "
                                  "that override", issue.hint)
            issue.message = python_words(issue.message, command) or ""
            issue.hint = python_words(issue.hint, command)
        exc.args = (exc.report(),)


@contextmanager
def python_wording(command: str = "run", enabled: bool = True) -> Iterator[None]:
    """Reword the errors raised inside for a caller of the Python API's ``command``
    (``run``, ``compare`` or ``sweep``; see :func:`reword_for_python`), unless not
    ``enabled`` (the command line calls the same functions and keeps its options)."""
    try:
        yield
    except BaseException as exc:
        if enabled:
            reword_for_python(exc, command)
        raise
