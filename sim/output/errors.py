"""Errors of the output layer that the command line turns into messages, in a module of
their own: the command line imports them before every command, and the modules that draw
load matplotlib, which a command that draws nothing should not need (a bad MPLBACKEND
failed every command, ``sim validate`` included, before review 115)."""

from __future__ import annotations


class FigureError(ValueError):
    """A figure cannot be written where or in the format asked for, or matplotlib cannot
    draw in this environment."""
