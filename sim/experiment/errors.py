"""Errors in how an experiment was asked for (options, parameters, folders, executors).

Scenario files have their own :class:`~sim.scenario.errors.ScenarioError`. An
:class:`ExperimentError` covers everything else a user can get wrong when asking for runs,
comparisons and sweeps: a ``--param`` range with low above high, a ``--metric`` that names
no KPI, ``--resume`` on a folder from another run, a Dask cluster that cannot be reached or
is not installed. The command line prints the message and the hint and exits with status 2;
it never shows a traceback for these.

It is a ``ValueError``: the Python API refuses a bad argument (``replications=0``,
``seed=-1``) with the same exception type and wording from :func:`sim.run`,
:func:`sim.compare` and :func:`sim.sweep`, and code that catches ``ValueError`` around
them still does. The checks are shared with the command line, so their messages name its
options; :func:`~sim.wording.python_wording` rewords what reaches a Python caller (``seed``, not
``--seed``; ``force=True``, not ``--force``).
"""

from __future__ import annotations

# the Python wording, which sim.load_scenario uses too, lives in sim.wording (review 231)
from sim.wording import python_what as python_what
from sim.wording import python_wording as python_wording
from sim.wording import python_words as python_words
from sim.wording import reword_for_python as reword_for_python


class ExperimentError(ValueError):
    """Bad experiment input: ``what`` names the option, argument or file, ``message`` what
    is wrong and what was expected, ``hint`` how to fix it."""

    def __init__(self, message: str, what: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.what = what
        self.hint = hint
        super().__init__(self.report())

    def report(self) -> str:
        """The error as text, as ``str(error)`` gives it (the command line prints it after
        ``error: ``): ``what: message`` (the message alone without ``what``), and, with a
        ``hint``, a second line ``    hint: <hint>``. One raised through the Python API
        names its arguments (``samples``), not the command line's options
        (``--samples``)."""
        text = f"{self.what}: {self.message}" if self.what else self.message
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


class DaskMissingError(ExperimentError):
    """Dask's distributed scheduler was asked for but is not installed."""

    def __init__(self, option: str) -> None:
        super().__init__(
            "the Dask executor needs the 'distributed' package, which is not installed",
            what=option,
            hint="install with pip install 'drc-minerals-sim[dask]' (or pip install "
                 "'dask[distributed]'), or leave out the option to use local processes")

