"""docs/deployment.md is rehearsed, not just written: scripts/deploy-rehearsal.sh runs every command
of the guide on this machine (PostgreSQL, nginx with TLS, two web workers, watch, a Dask cluster,
backups and a restore drill, key rotation, an upgrade), and each command of the guide is in it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "deployment.md"
SCRIPT = ROOT / "scripts" / "deploy-rehearsal.sh"


def guide_commands() -> list[str]:
    """The command lines of the guide's shell blocks, except section 1's settings (the rehearsal
    sets its own values)."""
    text = GUIDE.read_text(encoding="utf-8")
    body = text.split("## 2.", 1)[1]
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", body, re.S):
        lines += [line.strip() for line in block.splitlines() if line.strip() and not line.strip().startswith("#")]
    return lines


def test_every_command_of_the_guide_is_in_the_rehearsal():
    script = {line.strip() for line in SCRIPT.read_text(encoding="utf-8").splitlines()}
    commands = guide_commands()
    assert len(commands) >= 30
    missing = [c for c in commands if c not in script and f"# guide: {c}" not in script]
    assert not missing, f"guide commands the rehearsal does not run: {missing}"
    # What the rehearsal only quotes needs a real server; everything else runs.
    quoted = [c for c in commands if c not in script]
    assert all(c.split()[0] in ("cp", "systemctl", "useradd", "chown", "git", "nginx", "curl", "cd") for c in quoted), quoted


def test_the_units_the_guide_installs_run_recruitwatch_from_the_checkout():
    for unit in (ROOT / "deploy" / "systemd").glob("*.service"):
        start = [line for line in unit.read_text().splitlines() if line.startswith("ExecStart=")]
        assert len(start) == 1 and "/srv/recruitwatch/.venv/bin/recruitwatch" in start[0], unit


def test_the_rehearsal_runs_the_whole_guide():
    if os.geteuid() != 0 or not shutil.which("nginx"):
        if os.environ.get("CI"):
            pytest.fail("the deployment rehearsal needs root and nginx (scripts/system-packages.sh installs it)")
        pytest.skip("the deployment rehearsal needs root and nginx")
    done = subprocess.run(["bash", str(SCRIPT)], cwd=ROOT, capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "== The guide ran through" in done.stdout
