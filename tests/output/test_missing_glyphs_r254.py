"""Characters the figures' font lacks are said once, not once per character per figure.

Review 252 found that a site named in Chinese (钴, cobalt) made matplotlib warn, with a
line of our source, for each of its characters every time a figure was laid out or saved:
nine times in one ``sim run``, more than the run's own output, and under ``-W error`` the
figures stopped as an "internal error ... please report it". They are now gathered while
a figure is drawn or saved and said as one ``MissingGlyphWarning``, once in a process;
the command line shows it as a note.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

import sim
from sim.cli import main
from sim.output import style
from sim.output.errors import MissingGlyphWarning

TINY = Path(__file__).parents[1] / "data" / "tiny.yaml"
NAMED = 'name: "Mine 钴 Kolwezi"'


@pytest.fixture
def chinese_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    text = TINY.read_text(encoding="utf-8").replace("  mine_a:\n", f"  mine_a:\n    {NAMED}\n")
    assert NAMED in text
    path = tmp_path / "named.yaml"
    path.write_text(text, encoding="utf-8")
    # what an earlier test said in this process is not said again
    monkeypatch.setattr(style, "_GLYPHS_SAID", set())
    return path


def test_a_run_says_the_missing_character_once(chinese_name: Path, tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sim.run(chinese_name, 1, 1, out=tmp_path / "out", overrides=["horizon_days=20"])
    glyphs = [w for w in caught if "missing from font" in str(w.message)]
    said = [w for w in caught if issubclass(w.category, MissingGlyphWarning)]
    assert glyphs == []
    assert len(said) == 1, [str(w.message) for w in caught]
    assert "has no 钴" in str(said[0].message) and "DejaVu Sans" in str(said[0].message)
    assert (tmp_path / "out" / "figures" / "map-copper.png").exists()


def test_other_warnings_while_drawing_pass_on() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with style.defaults():
            warnings.warn("something else", UserWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["something else"]


def test_sim_show_notes_it_once_and_never_fails_on_it(chinese_name: Path,
                                                       tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as under python -W error
        result = CliRunner().invoke(main, ["show", str(chinese_name), "--figure",
                                           str(tmp_path / "map.png")])
    assert result.exit_code == 0, result.output
    notes = [ln for ln in result.stderr.splitlines() if "has no 钴" in ln]
    assert len(notes) == 1 and notes[0].startswith("note: the figures' font")
    assert "Glyph" not in result.stderr and "Warning" not in result.stderr
