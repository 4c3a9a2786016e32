"""docs/reliability.md describes the bad-input corpus by category with counts; they had
drifted from the corpus (91 counted against 100 files). The total and the counts in the
description must match ``expected.yaml``."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).parent
DOC = HERE.parents[1] / "docs" / "reliability.md"


def test_the_corpus_description_counts_every_file() -> None:
    index = yaml.safe_load((HERE / "expected.yaml").read_text("utf-8"))
    text = DOC.read_text("utf-8")
    start = text.index("`tests/bad_inputs/` holds")
    paragraph = text[start:text.index("\n\n", start)]
    total = int(re.search(r"holds (\d+) malformed", paragraph).group(1))
    counts = [int(n) for n in re.findall(r"\((\d+)[,:)]", paragraph)]
    assert total == len(index)
    assert sum(counts) == total, counts
    # the categories' own counts appear in the description
    by_category = Counter(entry["category"] for entry in index.values())
    for category in ("syntax", "empty", "type", "encoding", "unknown", "bounds", "size",
                     "shares", "routes", "reachability", "dates", "files", "tags"):
        assert by_category[category] in counts, category
    assert by_category["shocks"] + by_category["policies"] in counts
    assert by_category["aliases"] + by_category["nesting"] in counts
