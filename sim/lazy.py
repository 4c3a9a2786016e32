"""Public names of a package imported on first use (PEP 562), so that importing the package
loads only what its user touches."""

from __future__ import annotations

import pkgutil
import sys
from collections.abc import Callable, Iterable
from importlib import import_module
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module-level ``__getattr__`` for ``package``: each name in ``exports`` (name ->
    module it lives in) is imported when first read and then kept on the package. Any
    other name raises ``AttributeError``."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__


def lazy_dir(package: str, names: Iterable[str]) -> Callable[[], list[str]]:
    """A module-level ``__dir__`` for ``package``: its public ``names`` (those imported on
    first use included, which the module's dict lacks until then) and its submodules, not
    the helpers it imports, so that ``dir()``, ``help()`` and completion offer them."""
    names = tuple(names)

    def __dir__() -> list[str]:
        module = sys.modules[package]
        submodules = {m.name for m in pkgutil.iter_modules(module.__path__)
                      if not m.name.startswith("_")}
        return sorted({*names, *submodules})

    return __dir__
