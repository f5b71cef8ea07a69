"""What a newcomer meets first: `make run` says what it does and takes PORT, `make dev`
reloads, and the README walks through the first steps."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from webapp.config import PROJECT_ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def dry_run(*arguments: str) -> list[str]:
    """The commands `make` would run, without running them."""
    result = subprocess.run(
        ["make", "-n", *arguments], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_make_run_announces_each_step_and_serves_on_the_chosen_port():
    lines = dry_run("run", "PORT=8123")
    announced = [line for line in lines if line.startswith('echo "==> ')]
    steps = " ".join(announced)
    for step in ("translations", "database", "demo", "http://127.0.0.1:8123/"):
        assert step in steps, f"make run does not say it is doing: {step}"
    serve = [line for line in lines if " run " in line and "--port" in line]
    assert serve and serve[-1].endswith("--port 8123") and "--debug" not in serve[-1]
    # each announcement comes before the command it announces
    assert lines.index(announced[-1]) < lines.index(serve[-1])


def test_make_dev_serves_with_the_reloader_and_debugger():
    lines = dry_run("dev")
    serve = [line for line in lines if " run " in line and "--port" in line]
    assert serve and "--debug" in serve[-1]


def test_the_readme_has_first_steps_and_the_port_option():
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "### First steps" in readme
    assert "make run PORT=" in readme and "make dev" in readme
