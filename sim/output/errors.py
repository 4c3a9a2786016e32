"""Errors of the output layer that the command line turns into messages, in a module of
their own: the command line imports them before every command, and the modules that draw
load matplotlib, which a command that draws nothing should not need (a bad MPLBACKEND
failed every command, ``sim validate`` included, before review 115). The experiment code
raises and catches the results folder's errors too, and imports them from here, not from
:mod:`sim.output.folder` (which still exports them; review 231)."""

from __future__ import annotations


class FigureError(ValueError):
    """A figure cannot be written where or in the format asked for, or matplotlib cannot
    draw in this environment."""


class FolderError(Exception):
    """The results folder cannot be used (exists, not writable, damaged, ...): ``message``
    says what is wrong and ``hint``, if given, how to fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        self.message = message
        self.hint = hint
        super().__init__(message + (f"\n    hint: {hint}" if hint else ""))


class DamagedRunWarning(UserWarning):
    """A finished results folder read back whose run.json is missing or not the one its
    manifest.json records (:func:`~sim.output.folder_read.run_json_note`): the results are
    intact, but a resume needs run.json (rebuilt from manifest.json where it can be)."""


class MissingGlyphWarning(UserWarning):
    """Text in a figure (a site's, channel's or scenario's name) has characters the
    figures' font lacks, which are drawn as empty boxes: said once for those characters,
    where matplotlib warned once for every character each time a figure was drawn or
    saved (:func:`sim.output.style.defaults`)."""
