"""Our own cassettes are complete in the shared format (checked by the dockets' own tool);
the ones broken on purpose show exactly the breakage they were made for."""
from __future__ import annotations

import re
import subprocess
import sys

from tests.scrapers.support import DOCKETS, OWN_CASSETTES

BROKEN_ON_PURPOSE = {
    "jcadc/truncated_list/t0": {"list page 2 is not a JSON array of objects",
                                "count says 17 but the list pages hold 15"},
}


def test_own_cassettes_pass_the_shared_check():
    check = subprocess.run([sys.executable, str(DOCKETS / "check_cassettes.py"), str(OWN_CASSETTES)],
                           capture_output=True, text=True)
    problems: dict[str, set[str]] = {}
    current = None
    for line in check.stdout.splitlines():
        if found := re.match(r"^(ok|FAIL)\s+(\S+):", line):
            current = found.group(2).split("/cassettes/", 1)[1]
            problems[current] = set()
        elif line.strip().startswith("- ") and current:
            problems[current].add(line.strip()[2:])
    cassettes = {str(p.parent.relative_to(OWN_CASSETTES)) for p in OWN_CASSETTES.rglob("index.json")}
    assert set(problems) == cassettes, check.stdout + check.stderr
    assert {name: found for name, found in problems.items() if found} == BROKEN_ON_PURPOSE
