"""What machine a benchmark ran on, for the recorded figures."""

from __future__ import annotations

import os
import platform
from collections.abc import Iterable
from importlib import metadata


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def build() -> str:
    """Which build of ``sim`` this interpreter imports, and the commit it is made from
    (``plain Python build of 1a2b3c4``), so that a printed figure can be matched to a
    row of benchmarks/README.md, whose rows are by build and commit."""
    from sim.build import build_kind, git_commit

    commit = git_commit() or "an unknown commit"
    return f"sim {build_kind()} build of {commit[:12]}" + (
        " (uncommitted changes)" if commit.endswith("-dirty") else "")


def describe(packages: Iterable[str]) -> str:
    """CPU model, CPU count, Python, the versions of ``packages`` and which build of
    ``sim`` runs (:func:`build`)."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh
                        if line.startswith("model name")), cpu)
    except OSError:
        pass
    versions = ", ".join(f"{p} {version(p)}" for p in packages)
    return (f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {versions}; "
            f"{build()}")
