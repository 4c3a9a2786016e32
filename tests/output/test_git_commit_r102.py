"""A results folder names the source commit even when the package is an installed copy,
such as the compiled build (review 102: its manifest said "git_commit": null)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.build import git_commit

ROOT = Path(__file__).resolve().parents[2]


def test_a_copy_reads_the_commit_it_was_built_from(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "sim"
    package.mkdir(parents=True)
    assert git_commit(package) is None
    (package / "_source_commit.txt").write_text("abc123-dirty\n", encoding="utf-8")
    assert git_commit(package) == "abc123-dirty"


def test_the_checkout_itself_asks_git() -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True,
                          text=True, check=True).stdout.strip()
    assert (git_commit() or "").removesuffix("-dirty") == head


@pytest.mark.skipif(shutil.which("git") is None or not (ROOT / ".git").exists(),
                    reason="needs git and a git checkout")
def test_a_built_package_carries_the_commit_of_its_source(tmp_path: Path) -> None:
    built = tmp_path / "build"
    done = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib",
                           str(built)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    written = (built / "sim" / "_source_commit.txt").read_text(encoding="utf-8").strip()
    assert written == git_commit()
    assert git_commit(built / "sim") == written


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_copy_inside_another_checkout_records_no_commit(tmp_path: Path) -> None:
    # an sdist unpacked inside some other git checkout took that checkout's commit
    outer = tmp_path / "outer"
    source = outer / "unpacked"
    source.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(outer)], check=True)
    subprocess.run(["git", "-C", str(outer), "-c", "user.name=t", "-c", "user.email=t@t",
                    "commit", "-q", "--allow-empty", "-m", "other project"], check=True)
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "sim", source / "sim",
                    ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    built = tmp_path / "build"
    done = subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib",
                           str(built)], cwd=source, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (built / "sim" / "__init__.py").is_file()
    assert not (built / "sim" / "_source_commit.txt").exists()
