"""Our own cassettes are complete in the shared format (checked by the dockets' own tool)."""
from __future__ import annotations

import subprocess
import sys

from tests.scrapers.support import DOCKETS, OWN_CASSETTES


def test_own_cassettes_pass_the_shared_check():
    check = subprocess.run([sys.executable, str(DOCKETS / "check_cassettes.py"), str(OWN_CASSETTES)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 with problems" in check.stdout
