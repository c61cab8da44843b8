"""Dependency audit for CI: pip-audit against the pinned requirements, printed, never a network failure.

    .venv/bin/python scripts/audit_dependencies.py requirements.txt requirements-dev.txt

Prints the known vulnerabilities of the pinned versions (or that there are none). When the
vulnerability database cannot be reached (no network, or a package index without PyPI's JSON
API), it prints that the audit was skipped and why, and exits 0: an unreachable network never
fails CI. Exit 1 only with ``--strict`` and vulnerabilities found.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field

TIMEOUT_SECONDS = 180


@dataclass
class Audit:
    skipped: str | None = None  # why the audit could not run
    vulnerable: list[str] = field(default_factory=list)  # "package version: ID (fixed in ...)"
    audited: int = 0
    not_audited: list[str] = field(default_factory=list)


def interpret(report: dict) -> Audit:
    """The audit from pip-audit's JSON report."""
    audit = Audit()
    for dependency in report.get("dependencies", []):
        name = " ".join(str(dependency.get(key)) for key in ("name", "version") if dependency.get(key))
        if dependency.get("skip_reason"):
            audit.not_audited.append(f"{name}: {dependency['skip_reason']}")
            continue
        audit.audited += 1
        for vuln in dependency.get("vulns", []):
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            audit.vulnerable.append(f"{name}: {vuln.get('id', '?')} (fixed in {fixed})")
    if audit.not_audited and not audit.audited:
        audit.skipped = ("the vulnerability database was not reachable for any package ("
                         + audit.not_audited[0] + ")")
    return audit


def run_pip_audit(requirements: list[str]) -> tuple[dict | None, str]:
    """(JSON report or None, why not)."""
    command = [sys.executable, "-m", "pip_audit", "--format", "json", "--no-deps", "--disable-pip",
               "--progress-spinner", "off"]
    for path in requirements:
        command += ["-r", path]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except FileNotFoundError as error:
        return None, f"pip-audit cannot start: {error}"
    except subprocess.TimeoutExpired:
        return None, f"pip-audit did not finish within {TIMEOUT_SECONDS} s (network too slow or unreachable)"
    try:
        return json.loads(done.stdout), ""
    except json.JSONDecodeError:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"pip-audit gave no report (exit {done.returncode}): {reason[:300]}"


def report_lines(audit: Audit) -> list[str]:
    if audit.skipped:
        return [f"Dependency audit skipped: {audit.skipped}."]
    lines = [f"Dependency audit: {audit.audited} pinned package(s) checked, "
             f"{len(audit.vulnerable)} known vulnerabilit{'y' if len(audit.vulnerable) == 1 else 'ies'}."]
    lines += [f"  VULNERABLE {entry}" for entry in audit.vulnerable]
    lines += [f"  not audited: {entry}" for entry in audit.not_audited]
    return lines


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    requirements = [a for a in argv if a != "--strict"] or ["requirements.txt", "requirements-dev.txt"]
    report, why = run_pip_audit(requirements)
    audit = interpret(report) if report is not None else Audit(skipped=why)
    print("\n".join(report_lines(audit)))
    return 1 if strict and audit.vulnerable else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
