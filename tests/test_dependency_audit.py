"""Issue 20, item 10: the dependency audit prints what it found and never fails CI for the network."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("audit_dependencies", ROOT / "scripts" / "audit_dependencies.py")
audit_dependencies = importlib.util.module_from_spec(spec)
sys.modules["audit_dependencies"] = audit_dependencies  # dataclasses look their module up
spec.loader.exec_module(audit_dependencies)

OFFLINE = {"dependencies": [{"name": "streamlit", "skip_reason": "Dependency not found on PyPI"},
                            {"name": "authlib", "skip_reason": "Dependency not found on PyPI"}], "fixes": []}
FOUND = {"dependencies": [
    {"name": "authlib", "version": "1.6.4", "vulns": [{"id": "GHSA-g7f3-828f-7h7m", "fix_versions": ["1.6.5"]}]},
    {"name": "nh3", "version": "0.3.7", "vulns": []}]}


def test_an_unreachable_database_is_reported_as_skipped_with_the_reason():
    audit = audit_dependencies.interpret(OFFLINE)
    [line] = audit_dependencies.report_lines(audit)
    assert line.startswith("Dependency audit skipped:") and "not found on PyPI" in line


def test_vulnerabilities_are_listed_with_their_fix():
    lines = audit_dependencies.report_lines(audit_dependencies.interpret(FOUND))
    assert lines[0] == "Dependency audit: 2 pinned package(s) checked, 1 known vulnerability."
    assert lines[1] == "  VULNERABLE authlib 1.6.4: GHSA-g7f3-828f-7h7m (fixed in 1.6.5)"


def test_no_network_never_fails(monkeypatch, capsys):
    monkeypatch.setattr(audit_dependencies, "run_pip_audit", lambda requirements: (None, "connection refused"))
    assert audit_dependencies.main(["requirements.txt", "--strict"]) == 0
    assert "skipped: connection refused" in capsys.readouterr().out


def test_strict_mode_fails_only_on_findings(monkeypatch):
    monkeypatch.setattr(audit_dependencies, "run_pip_audit", lambda requirements: (FOUND, ""))
    assert audit_dependencies.main(["requirements.txt"]) == 0
    assert audit_dependencies.main(["requirements.txt", "--strict"]) == 1


def test_ci_runs_the_audit_before_the_tests_and_pip_audit_is_pinned():
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index("scripts/audit_dependencies.py") < ci.index("scripts/test.sh")
    assert re.search(r"^pip-audit==\d+\.\d+\.\d+$", (ROOT / "requirements-dev.txt").read_text(), re.MULTILINE)


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_authlib_is_pinned_past_its_published_advisories():
    """Advisories found for Authlib (checked 2026-12): CVE-2025-62706 and GHSA-g7f3-828f-7h7m /
    GHSA-pq5p-34cr-23v9 (fixed in 1.6.5), CVE-2026-28802 and CVE-2026-27962 (fixed in 1.6.9),
    PYSEC-2026-188, CVE-2026-41425 and CVE-2026-44681 (fixed in 1.6.12)."""
    pinned = re.search(r"^Authlib==([\d.]+)$", (ROOT / "requirements.txt").read_text(), re.MULTILINE).group(1)
    assert version(pinned) >= version("1.6.12")


def test_the_audit_script_runs_here_and_exits_zero():
    done = subprocess.run([sys.executable,
                           "scripts/audit_dependencies.py", "requirements.txt"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0
    assert done.stdout.startswith("Dependency audit")
