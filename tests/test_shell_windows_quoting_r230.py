"""Review 230: the commands the simulator prints (resume hints) are quoted for cmd.exe on
Windows (double quotes, the C runtime's rules) and for a POSIX shell elsewhere."""

from __future__ import annotations

import os
import subprocess

import pytest

from sim.shell import cmd_quote, join, quote

WORDS = [r"C:\Users\Ana Maria\results\base", "plain", "", 'say "hi"', "trail\\ end\\",
         r"a\\b", "x&y", "50%", "ünïcode dir"]


def split_like_msvcrt(line: str) -> list[str]:
    """How the Microsoft C runtime splits a command line into argv (the rules
    subprocess.list2cmdline writes for)."""
    words: list[str] = []
    cur: list[str] = []
    i, quoted, started = 0, False, False
    while i < len(line):
        c = line[i]
        if c == "\\":
            n = 0
            while i < len(line) and line[i] == "\\":
                n += 1
                i += 1
            if i < len(line) and line[i] == '"':
                cur.append("\\" * (n // 2))
                if n % 2:
                    cur.append('"')
                    i += 1
                started = True
            else:
                cur.append("\\" * n)
                started = True
            continue
        if c == '"':
            quoted = not quoted
            started = True
        elif c in " \t" and not quoted:
            if started:
                words.append("".join(cur))
                cur, started = [], False
        else:
            cur.append(c)
            started = True
        i += 1
    if started:
        words.append("".join(cur))
    return words


def test_windows_words_are_double_quoted_for_cmd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "name", "nt")
    assert quote(r"C:\Users\Ana Maria\out") == r'"C:\Users\Ana Maria\out"'
    assert quote(r"C:\Users\ana\out") == r"C:\Users\ana\out"
    assert "'" not in join(["sim", "run", r"C:\x y\s.yaml", "--resume"])
    assert quote("") == '""'
    assert quote("x&y") == '"x&y"'
    line = join(WORDS)
    assert split_like_msvcrt(line) == WORDS


def test_cmd_quote_agrees_with_list2cmdline_where_it_quotes() -> None:
    for word in WORDS:
        listed = subprocess.list2cmdline([word])
        if listed.startswith('"'):
            assert cmd_quote(word) == listed
        assert split_like_msvcrt(cmd_quote(word)) == [word]


def test_posix_quoting_is_unchanged_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "name", "posix")
    assert quote("/home/ana maria/out") == "'/home/ana maria/out'"
    assert quote("plain") == "plain"
