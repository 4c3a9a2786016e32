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


def describe(packages: Iterable[str]) -> str:
    """CPU model, CPU count, Python and the versions of ``packages``."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh
                        if line.startswith("model name")), cpu)
    except OSError:
        pass
    versions = ", ".join(f"{p} {version(p)}" for p in packages)
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {versions}"
