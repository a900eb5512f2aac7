"""Lint and types run inside the test suite, so the README's one test command is CI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import REPO


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, check=False
    )
    if f"No module named {args[0]}" in proc.stderr:
        pytest.skip(f"{args[0]} is not installed (pip install -e '.[test]')")
    return proc


def test_lint_ruff_check() -> None:
    proc = _run("ruff", "check", "marsad", "tests", "benchmarks")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_lint_ruff_format() -> None:
    proc = _run("ruff", "format", "--check", "marsad", "tests", "benchmarks")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_lint_mypy_strict() -> None:
    proc = _run("mypy", "marsad")
    assert proc.returncode == 0, proc.stdout + proc.stderr
