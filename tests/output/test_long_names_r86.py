"""Review 86, finding 7: atomic_write_bytes wrote through a temporary file named
``.{name}.XXXXXXXX.tmp``, 14 bytes longer than the name, so valid names of 242 to 255
bytes (``sim report --out <240 characters>.html``, ``sim show --figure``) failed with "File
name too long". The temporary name now holds the first 64 bytes of the name at most, and
is still recognised as a left-over temporary file."""

from __future__ import annotations

from pathlib import Path

from sim.output.folder import atomic_write_bytes, atomic_write_text, others_entries


def test_a_250_byte_name_is_written(tmp_path: Path):
    path = tmp_path / ("c" * 245 + ".html")
    assert len(path.name.encode()) == 250
    atomic_write_text(path, "<html></html>")
    assert path.read_text(encoding="utf-8") == "<html></html>"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_a_255_byte_name_of_two_byte_characters(tmp_path: Path):
    path = tmp_path / ("é" * 125 + "x.csv")
    assert len(path.name.encode()) == 255
    atomic_write_bytes(path, b"a,b\n")
    assert path.read_bytes() == b"a,b\n"


def test_left_over_temporary_file_of_a_long_name_is_recognised(tmp_path: Path, monkeypatch):
    import os
    import tempfile

    made = []
    real = tempfile.mkstemp

    def keep(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        made.append(Path(name).name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", keep)
    atomic_write_text(tmp_path / ("r" * 250 + ".csv"), "x")
    assert len(made) == 1 and made[0].startswith(".") and made[0].endswith(".tmp")
    assert len(made[0].encode()) <= 64 + 14
    # as an interrupted write leaves it: not counted as a file of the user's
    (tmp_path / made[0]).write_text("partial", encoding="utf-8")
    assert others_entries(tmp_path) == ["r" * 250 + ".csv"]
    assert list(tmp_path.glob(".*.tmp")) == [tmp_path / made[0]]  # the cleanup's pattern
    os.unlink(tmp_path / made[0])
