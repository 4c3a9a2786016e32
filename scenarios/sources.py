"""List every source the shipped scenario files cite, with its full citation and address.

The scenario files cite sources by short ids: S-numbers (``S79``) from the parameter sheet
``domain_params.yaml``, and bracketed ids (``[C11]``, ``[L14]``, ``[U25]``) from the shock
timeline ``shocks.md``. Both sheets live in the project's reference folder, outside this
repository; this script resolves every id found in ``scenarios/*.yaml``,
``benchmarks/networks/*.yaml`` (values, assumptions and comments alike) and
``scenarios/README.md`` (which compares results with the record) and writes the
list to ``docs/sources.md``, so a reader of the repository can follow every citation.
Run from the repository root, with the reference folder where the developers keep it::

    .venv/bin/python scenarios/sources.py [--reference ../shared/reference] [--check]

``--check`` writes nothing and exits with status 1 if ``docs/sources.md`` is not what the
files and the sheets give (the test suite runs it where the reference folder exists).
An id that neither sheet defines is an error (status 2): a citation nobody can follow.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "sources.md"
CITING = ("scenarios/*.yaml", "benchmarks/networks/*.yaml", "scenarios/README.md")

# Both sheets give some ids a lower-case suffix (S57b, S19b; [S30c], [U5b]); without it in
# the patterns such a citation was neither resolved nor reported unknown.
SHEET_ID = re.compile(r"(?<![\w\[])S\d+[a-z]?\b")
"""An S-number of the parameter sheet, with an optional letter (``S57b``): not inside
brackets (``[S3]`` is the timeline's)."""
TIMELINE_ID = re.compile(r"\[([A-Z]\d+[a-z]?)\]")
"""A bracketed id of the shock timeline, such as ``[C11]`` or ``[S30c]``."""
TIMELINE_ENTRY = re.compile(r"^- \[([A-Z]\d+[a-z]?)\] (.+)$")
TIMELINE_ALIAS = re.compile(r"; \[([A-Z]\d+[a-z]?)\] ")
"""A second id defined inside another's entry (``- [U5] ... ; [U5b] rewrite ...``)."""


def cited_ids(root: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Ids cited in the scenario files: (sheet id -> files, timeline id -> files)."""
    sheet: dict[str, set[str]] = defaultdict(set)
    timeline: dict[str, set[str]] = defaultdict(set)
    for pattern in CITING:
        for path in sorted(root.glob(pattern)):
            text = path.read_text(encoding="utf-8")
            name = path.relative_to(root).as_posix()
            for sid in SHEET_ID.findall(text):
                sheet[sid].add(name)
            for tid in TIMELINE_ID.findall(text):
                timeline[tid].add(name)
    return sheet, timeline


def sheet_sources(reference: Path) -> dict[str, str]:
    """S-number -> "citation. url" from ``domain_params.yaml``."""
    data = yaml.safe_load((reference / "domain_params.yaml").read_text(encoding="utf-8"))
    out = {}
    for sid, entry in data["sources"].items():
        citation = " ".join(str(entry.get("citation", "")).split())
        url = entry.get("url")
        out[str(sid)] = f"{citation}. {url}" if url else citation
    return out


def timeline_sources(reference: Path) -> dict[str, str]:
    """Bracketed id -> its line in the sources list of ``shocks.md``."""
    out = {}
    text = (reference / "shocks.md").read_text(encoding="utf-8")
    in_sources = False
    for line in text.splitlines():
        if line.startswith("## "):
            in_sources = line.strip() == "## Sources"
        elif in_sources and (m := TIMELINE_ENTRY.match(line.strip())):
            out[m.group(1)] = m.group(2).strip()
            for alias in TIMELINE_ALIAS.findall(m.group(2)):
                out.setdefault(alias, m.group(2).strip())
    return out


def unknown_ids(sheet: dict[str, set[str]], timeline: dict[str, set[str]],
                sheet_text: dict[str, str], timeline_text: dict[str, str]) -> list[str]:
    """Cited ids that neither sheet defines, sheet ids first (``S999b``, ``[X99]``)."""
    return sorted(set(sheet) - set(sheet_text), key=_key) + [
        f"[{t}]" for t in sorted(set(timeline) - set(timeline_text), key=_key)]


def _key(ident: str) -> tuple[str, int, str]:
    """Sort key: letter, number, suffix (S57 < S57b < S58)."""
    m = re.fullmatch(r"([A-Z])(\d+)([a-z]?)", ident)
    if m is None:
        raise ValueError(f"not a source id: {ident!r}")
    return m.group(1), int(m.group(2)), m.group(3)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render(sheet: dict[str, set[str]], timeline: dict[str, set[str]],
           sheet_text: dict[str, str], timeline_text: dict[str, str]) -> str:
    lines = [
        "# Sources cited in the scenario files",
        "",
        "Every number in `scenarios/*.yaml` and `benchmarks/networks/*.yaml` carries",
        "`source:` or `assumption:`. Sources are cited by short ids: **S-numbers** (`S79`)",
        "from the project's parameter sheet, and **bracketed ids** (`[C11]`, `[L14]`) from its",
        "dated timeline of shocks and policies. This page resolves every id the files and",
        "`scenarios/README.md` cite.",
        "Figures cited as `supplement.md s.N` carry the study's title in the file itself.",
        "",
        "Generated by `scenarios/sources.py` from the reference sheets; do not edit by hand.",
        "The sheets are kept beside the repository, in `../shared/reference`, not in it; for",
        "sheets kept elsewhere, run `.venv/bin/python scenarios/sources.py --reference PATH`.",
        "The test suite checks that this page resolves every id the files cite and, where the",
        "sheets are beside the repository, that it is what they give (skipped without them).",
        "",
        f"## Parameter sheet ({len(sheet)} sources)",
        "",
        "| id | source | cited in |",
        "|---|---|---|",
    ]
    for sid in sorted(sheet, key=_key):
        lines.append(f"| {sid} | {_cell(sheet_text[sid])} | {', '.join(sorted(sheet[sid]))} |")
    lines += [
        "",
        f"## Timeline of shocks and policies ({len(timeline)} sources)",
        "",
        "Letters: C cobalt export policy, L logistics, S conflict, U the US-DRC track,",
        "X China's export controls, B base rates.",
        "",
        "| id | source | cited in |",
        "|---|---|---|",
    ]
    for tid in sorted(timeline, key=_key):
        lines.append(f"| [{tid}] | {_cell(timeline_text[tid])} | "
                     f"{', '.join(sorted(timeline[tid]))} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reference", type=Path, default=ROOT.parent / "shared" / "reference",
                        help="folder holding domain_params.yaml and shocks.md")
    parser.add_argument("--check", action="store_true",
                        help="compare with docs/sources.md instead of writing it")
    args = parser.parse_args()
    if not (args.reference / "domain_params.yaml").is_file():
        print(f"error: no domain_params.yaml in {args.reference}; pass --reference",
              file=sys.stderr)
        return 2
    sheet, timeline = cited_ids(ROOT)
    sheet_text, timeline_text = sheet_sources(args.reference), timeline_sources(args.reference)
    unknown = unknown_ids(sheet, timeline, sheet_text, timeline_text)
    if unknown:
        print(f"error: cited but defined in neither sheet: {', '.join(unknown)}",
              file=sys.stderr)
        return 2
    text = render(sheet, timeline, sheet_text, timeline_text)
    if args.check:
        if not OUT.is_file() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(ROOT)} is out of date: run scenarios/sources.py",
                  file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(sheet)} sheet sources, {len(timeline)} timeline "
          "sources")
    return 0


if __name__ == "__main__":
    sys.exit(main())
