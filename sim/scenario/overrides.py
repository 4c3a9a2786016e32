"""Write values as ``--set`` overrides (``key.path=value``).

Its own module because both the schema (whose ``Scenario`` refuses a change in place and
gives the override to use instead) and the loader (which offers a Python mapping's changes
as overrides) need it, and the loader imports the schema.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from typing import Any


def as_overrides(data: Mapping[str, Any], prefix: str = "") -> list[str] | None:
    """``data`` as ``"key.path=value"`` overrides, one per value that is not a mapping,
    each key prefixed with ``prefix``; None if a value (a list, an object) cannot be
    written so simply."""
    out: list[str] = []
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            inner = as_overrides(value, f"{path}.")
            if inner is None:
                return None
            out += inner
        elif value is None or isinstance(value, bool | int | float | str | dt.date):
            # JSON is YAML: null, true, 200, 0.5 and "text" read back as the same value
            text = json.dumps(value if not isinstance(value, dt.date) else str(value))
            out.append(f"{path}={text.strip(chr(34)) if _plain(value) else text}")
        else:
            return None
    return out


def _plain(value: object) -> bool:
    """Whether the text ``value`` reads back from YAML as the same text, unquoted."""
    if isinstance(value, dt.date):
        return True
    if not isinstance(value, str):
        return False
    return bool(re.fullmatch(r"[A-Za-z_][\w./-]*", value)) and value.lower() not in (
        "null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf")
