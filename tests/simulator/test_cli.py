"""``flask simulate serve`` and ``flask simulate truth``."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import requests

from app.simulator import Farm

from .conftest import START

ROOT = Path(__file__).resolve().parents[2]


def test_truth_prints_who_is_held(runner, shared_dir):
    later = "2019-11-06T10:00:00-06:00"
    result = runner.invoke(args=["simulate", "truth", "kcdc", "--start", START.isoformat(), "--seed", "4",
                                 "--scale", "0.1", "--data", str(shared_dir / "data"), "--at", later])
    assert result.exit_code == 0, result.output
    farm = Farm.build(start=START, seed=4, scale=0.1, data_dir=shared_dir / "data")
    assert json.loads(result.output)["in_custody"] == sorted(
        farm.custody_keys("kcdc", datetime.fromisoformat(later)))


def test_truth_refuses_bad_input(runner):
    result = runner.invoke(args=["simulate", "truth", "nosuch", "--start", START.isoformat()])
    assert result.exit_code == 2 and "no simulated jail 'nosuch'" in result.output
    result = runner.invoke(args=["simulate", "truth", "mcdc", "--start", "yesterday"])
    assert result.exit_code == 2 and "--start" in result.output
    result = runner.invoke(args=["simulate", "truth", "mcdc", "--jails", "mcdc,xyz"])
    assert result.exit_code == 2 and "unknown format(s) xyz" in result.output


def test_serve_runs_until_interrupted(tmp_path, shared_dir):
    declarations = tmp_path / "jails.json"
    env = {**os.environ, "FLASK_APP": "wsgi", "OVERSIGHT_INSTANCE_PATH": str(tmp_path / "instance"),
           "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "simulate", "serve", "--jails", "mcdc,jcadc", "--count", "3",
         "--port", "0", "--scale", "0.1", "--speed", "60", "--start", START.isoformat(),
         "--data", str(shared_dir / "data"), "--declarations", str(declarations)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        while not any("sim0003" in line for line in lines):
            line = process.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        status_url = re.search(r"status: (\S+)", "".join(lines)).group(1)
        assert requests.get(status_url).json()["jails"] == 3
        written = json.loads(declarations.read_text())
        assert [entry["code"] for entry in written] == ["mcdc", "jcadc", "sim0003"]
        assert requests.get(written[0]["docket_url"]).status_code == 200
        assert requests.post(written[1]["docket_url"]).text.isdigit()
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
