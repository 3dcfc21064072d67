"""Test-only JavaScript (ical.js) run by Node.js from the Python tests."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
MISSING = "ical.js not installed: install Node.js and run `npm ci` (make test does it)"


def ical_js_runner():
    """A function running one of tests/js/*.mjs with stdin and returning its JSON output;
    skips the test (fails it with REQUIRE_BROWSER=1, as in CI) where ical.js is missing."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "ical.js").exists():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(MISSING)
        pytest.skip(MISSING)

    def run(script: Path, stdin: bytes) -> dict:
        done = subprocess.run([node, str(script)], input=stdin, capture_output=True, cwd=ROOT,
                              check=False, timeout=60)  # fmt: skip
        assert done.returncode == 0, done.stderr.decode()
        return json.loads(done.stdout)

    return run
