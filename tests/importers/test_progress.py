"""On a terminal a large roster shows a progress bar; piped output stays plain."""
from __future__ import annotations

import os
import pty
import select as selectors
import subprocess
import sys
from pathlib import Path

from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def run_in_terminal(args: list[str], env: dict, timeout: float = 120) -> tuple[int, str]:
    """Run the real `flask` command with a pseudo-terminal as stdin, stdout and stderr."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    output = b""
    while True:
        ready, _, _ = selectors.select([controller], [], [], timeout)
        if not ready:
            process.kill()
            raise AssertionError(f"no output for {timeout} s; so far: {output!r}")
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the command finished
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    return process.wait(timeout=timeout), output.decode("utf-8", "replace")


def test_large_roster_shows_a_progress_bar_on_a_terminal(app, department, tmp_path, write_csv):
    rows = [f"{department},P-{i},First{i},Last{i},{i},Officer" for i in range(1500)]
    path = write_csv("department_id,unique_internal_identifier,first_name,last_name,star_no,job_title\n"
                     + "\n".join(rows) + "\n")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "FLASK_APP": "wsgi", "TERM": "xterm",
           "OVERSIGHT_INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "progress-bar-test-key",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "OVERSIGHT_ENV": "testing"}
    db.session.remove()
    code, output = run_in_terminal([sys.executable, "-m", "flask", "bulk-add-officers", "--quiet", path], env)
    assert code == 0, output
    assert f"Checking {path}" in output and "100%" in output
    assert output.rstrip().endswith("officers: 1500 created; assignments: 1500 created (committed)")

    # Through a pipe: no bar, only the summary.
    result = subprocess.run([sys.executable, "-m", "flask", "bulk-add-officers", "--quiet", path], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "officers: 1500 unchanged; assignments: 1500 unchanged\n" and result.stderr == ""
