"""The architecture, checked: dependencies point one way, and everything a user can set or
run is documented in the README."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import typer

from upstream.cli import app
from upstream.config import PROJECT_ROOT, Settings

SRC = PROJECT_ROOT / "src" / "upstream"
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")

# Capabilities that never touch identifiable case data or the web framework.
ANALYTIC = ["analysis", "report", "forecast", "synth", "ingest"]
ANALYTIC_MODULES = ["events.py", "area.py", "definitions.py", "status.py", "config.py"]
FORBIDDEN = ("upstream.web", "upstream.cases", "fastapi", "starlette", "sqlalchemy", "alembic")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def analytic_files() -> list[Path]:
    files = [SRC / m for m in ANALYTIC_MODULES]
    for package in ANALYTIC:
        files.extend(sorted((SRC / package).rglob("*.py")))
    return files


@pytest.mark.parametrize("path", analytic_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_analytic_code_never_imports_the_case_store_or_web(path: Path) -> None:
    bad = sorted(name for name in imports_of(path) if name.startswith(FORBIDDEN))
    assert bad == [], f"{path.relative_to(SRC)} imports {bad}"


def _commands(group: typer.Typer, prefix: str = "upstream") -> list[str]:
    out = []
    for command in group.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")
        out.append(f"{prefix} {name}")
    for sub in group.registered_groups:
        out.append(f"{prefix} {sub.name}")
        out.extend(_commands(sub.typer_instance, f"{prefix} {sub.name}"))
    return out


@pytest.mark.parametrize("command", _commands(app))
def test_every_command_is_documented(command: str) -> None:
    assert f"`{command}" in README, f"README does not document `{command}`"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    env = "DATABASE_URL" if name == "database_url" else f"UPSTREAM_{name.upper()}"
    assert env in README, f"README does not document the setting {env}"
