"""``make demo`` (``flask simulate demo``): the whole system comes up against the simulator,
bookings arrive within seconds, the admin shows them, and stopping it stops everything."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from app.simulator.processes import free_port

ROOT = Path(__file__).resolve().parents[2]


def processes_of(folder: Path) -> list[int]:
    """Processes started for the demo in ``folder``: they carry it in their environment
    (web, worker, beat) or on their command line (Redis)."""
    marker = f"OVERSIGHT_INSTANCE_PATH={folder}".encode()
    found = []
    for process in Path("/proc").glob("[0-9]*"):
        try:
            environ = (process / "environ").read_bytes().split(b"\0")
            command = (process / "cmdline").read_bytes()
        except OSError:
            continue
        if marker in environ or str(folder).encode() in command:
            found.append(int(process.name))
    return found


@pytest.mark.slow
def test_demo_comes_up_and_goes_down(tmp_path):
    folder, port = tmp_path / "demo", free_port()
    env = {**os.environ, "FLASK_APP": "wsgi", "OVERSIGHT_INSTANCE_PATH": str(tmp_path / "instance"),
           "PYTHONUNBUFFERED": "1"}
    demo = subprocess.Popen(
        [sys.executable, "-m", "flask", "simulate", "demo", "--port", str(port), "--speed", "360",
         "--size", "5", "--workers", "2", "--folder", str(folder)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    try:
        deadline = time.time() + 120
        while not re.search(r"bookings [1-9]\d* .*Daily counts", "".join(output), re.S):
            line = demo.stdout.readline()
            assert line and time.time() < deadline, "".join(output)
            output.append(line)
        password = re.search(r"sign in as admin / (\S+)\)", "".join(output)).group(1)
        web = requests.Session()
        login = web.get(f"http://127.0.0.1:{port}/auth/login").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
        web.post(f"http://127.0.0.1:{port}/auth/login",
                 data={"login": "admin", "password": password, "csrf_token": token})
        bookings = web.get(f"http://127.0.0.1:{port}/admin/booking/")
        assert bookings.status_code == 200 and "mcdc" in bookings.text
        assert web.get(f"http://127.0.0.1:{port}/admin/scrapehealth/").status_code == 200
        assert web.get(f"http://127.0.0.1:{port}/admin/dashboard/").status_code == 200
        assert processes_of(folder)
    finally:
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=60)
    assert "Stopping" in demo.stdout.read()
    assert processes_of(folder) == []
