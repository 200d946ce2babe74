"""The architecture, checked: dependencies point one way, and everything a user can set or
run is documented in the README."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import typer

from upstream.cli import app
from upstream.config import PROJECT_ROOT, Settings

SRC = PROJECT_ROOT / "src" / "upstream"
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")

# Capabilities that never touch identifiable case data or the web framework.
ANALYTIC = [
    "analysis", "report", "forecast", "synth", "ingest", "area", "plan", "account/evaluation",
    "account/publish",
    "account/survey",
    "network",
]  # fmt: skip
ANALYTIC_MODULES = [
    "events.py",
    "definitions.py",
    "status.py",
    "config.py",
    "vocab.py",
    "version.py",
    "digests.py",
    "diskcache.py",
    "cli_inputs.py",
]
FORBIDDEN = ("upstream.web", "upstream.cases", "fastapi", "starlette", "sqlalchemy", "alembic")
# The product's views of the data never borrow the synthetic borough's geography or code.
NO_SYNTH = ["analysis", "report", "forecast", "web", "ingest", "area", "account", "plan", "orders"]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


# Deliberate exceptions inside analytic packages: ``network/store`` wires the pure network
# analysis to the case store (its own tables, policy and audited use cases), as
# ``account/actions`` does for the action plan; the rest of ``network`` stays pure.
CASE_STORE_PACKAGES = ["network/store"]


def analytic_files() -> list[Path]:
    files = [SRC / m for m in ANALYTIC_MODULES]
    exempt = [SRC / p for p in CASE_STORE_PACKAGES]
    for package in ANALYTIC:
        found = sorted((SRC / package).rglob("*.py"))
        files.extend(f for f in found if not any(f.is_relative_to(e) for e in exempt))
    return files


@pytest.mark.parametrize("path", analytic_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_analytic_code_never_imports_the_case_store_or_web(path: Path) -> None:
    bad = sorted(name for name in imports_of(path) if name.startswith(FORBIDDEN))
    assert bad == [], f"{path.relative_to(SRC)} imports {bad}"


def package_files(packages: list[str]) -> list[Path]:
    return [f for package in packages for f in sorted((SRC / package).rglob("*.py"))]


@pytest.mark.parametrize("path", package_files(NO_SYNTH), ids=lambda p: str(p.relative_to(SRC)))
def test_analysis_forecast_and_report_never_import_synth(path: Path) -> None:
    bad = sorted(name for name in imports_of(path) if name.startswith("upstream.synth"))
    assert bad == [], f"{path.relative_to(SRC)} imports {bad}"


RETAIL = SRC / "orders" / "retail"
RETAIL_PURE = ("vocab.py", "schemas.py", "schedule.py", "compliance.py", "priority.py")
"""The knife-retail register lives in the case store's database by design, like the action
plan (it shares its users, sessions, policy and audit log): its package may use the case
store, but never the web; its rules, figures and scores are pure."""


@pytest.mark.parametrize(
    "path", sorted(RETAIL.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC))
)
def test_the_retail_register_uses_the_case_store_but_never_the_web(path: Path) -> None:
    forbidden = ("upstream.web", "fastapi", "starlette")
    if path.name in RETAIL_PURE:
        forbidden += ("upstream.cases", "sqlalchemy", "alembic", "upstream.events")
    bad = sorted(name for name in imports_of(path) if name.startswith(forbidden))
    assert bad == [], f"{path.relative_to(SRC)} imports {bad}"


def _module_path(name: str) -> Path | None:
    parts = name.split(".")[1:]
    for candidate in (SRC.joinpath(*parts).with_suffix(".py"), SRC.joinpath(*parts, "__init__.py")):
        if candidate.exists():
            return candidate
    return None


APP_SHELL = {"upstream.web", "upstream.web.routes"}
"""The web app's shell (the factory that mounts every router, the case routes among them, each
in its own module): a route is judged by what its own module imports, not by the shell."""


def _imported_modules(path: Path) -> set[str]:
    """``imports_of`` plus the submodules named in ``from package import module``."""
    names = imports_of(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.update(
                f"{node.module}.{a.name}"
                for a in node.names
                if _module_path(f"{node.module}.{a.name}") is not None
            )
    return names


def upstream_closure(path: Path) -> set[str]:
    """Every upstream module ``path`` imports, directly or through the modules it imports
    (packages count with their ``__init__``; the app shell is not followed)."""
    seen: set[str] = set()
    todo = [path]
    while todo:
        for name in _imported_modules(todo.pop()):
            if not name.startswith("upstream"):
                continue
            parts = name.split(".")
            for k in range(2, len(parts) + 1):  # a module's packages run first
                prefix = ".".join(parts[:k])
                found = _module_path(prefix)
                if prefix not in seen and prefix not in APP_SHELL and found is not None:
                    seen.add(prefix)
                    todo.append(found)
    return seen


PUBLIC_DATA = [
    *sorted((SRC / "account" / "publish").rglob("*.py")),
    SRC / "web" / "routes" / "open_data.py",
]


@pytest.mark.parametrize("path", PUBLIC_DATA, ids=lambda p: str(p.relative_to(SRC)))
def test_the_open_data_never_reaches_the_case_store(path: Path) -> None:
    """The public open-data page and export read only vetted aggregates from the event
    store: nothing they import, however indirectly, is the case store, its database or the
    sign-in machinery, and no code string names the case store's database."""
    reached = upstream_closure(path)
    bad = sorted(m for m in reached if m.startswith(("upstream.cases", "upstream.web.routes.auth")))
    assert bad == [], f"{path.relative_to(SRC)} reaches {bad}"
    third = {n for f in [path, *(_module_path(m) for m in reached)] if f for n in imports_of(f)}
    assert not {n for n in third if n.startswith(("sqlalchemy", "alembic", "psycopg"))}
    named = [s for s in _code_strings(path) if re.search(r"case_store|cases\.sqlite|database", s)]
    assert named == []


def _code_strings(path: Path) -> list[str]:
    """String constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docs.add(id(body[0].value))
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    ]


@pytest.mark.parametrize(
    "path",
    [f for f in sorted(SRC.rglob("*.py")) if f.name != "config.py" and "area" not in f.parts],
    ids=lambda p: str(p.relative_to(SRC)),
)
def test_no_module_names_a_boroughs_files(path: Path) -> None:
    """Geography is read only through the area pack (``upstream.area``, whose builder writes
    packs); config.py names the bundled pack's folder, the one default."""
    named = [s for s in _code_strings(path) if "waltham_forest" in s or ".geojson" in s]
    assert named == [], f"{path.relative_to(SRC)} names geography files: {named}"


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
