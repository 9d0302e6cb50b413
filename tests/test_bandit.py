"""bandit at high severity (`bandit -lll`) finds nothing in the project's code; ruff's S rules cover the lower
severities with the exceptions stated in pyproject.toml. The second test shows the scan reports what it should."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

PACKAGES = ["core", "orgs", "accounts", "dossier", "review", "applications", "experts", "publicity",
            "certificates", "notices", "zhicheng", "scripts", "bench", "demo_idp", "manage.py"]


def bandit(*targets) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "bandit", "-lll", "-q", "-r", *map(str, targets)]
    return subprocess.run(command, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=600)  # noqa: S603


def test_no_high_severity_finding_in_the_code():
    result = bandit(*PACKAGES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_scan_reports_a_high_severity_finding(tmp_path: Path):
    (tmp_path / "shell.py").write_text('import subprocess\nsubprocess.call("ls " + input(), shell=True)\n')
    result = bandit(tmp_path)
    assert result.returncode == 1 and "B602" in result.stdout
