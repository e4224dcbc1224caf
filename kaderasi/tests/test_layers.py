"""The layers of docs/architecture.md, checked on the imports of the code (tests aside):
core imports no domain app, nothing imports the API, the evaluation does not reach into the
reports that render it (docs/decisions/0071)."""

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent
ROOT = PACKAGE.parent


@cache  # each test asks about every file: parsed once per process
def _imports(path: Path) -> frozenset[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return frozenset(modules)


def _modules(*, tests: bool) -> list[Path]:
    paths = [
        path
        for path in [*PACKAGE.rglob("*.py"), *(ROOT / "config").rglob("*.py")]
        if "migrations" not in path.parts and "static" not in path.parts
    ]
    return [path for path in paths if tests or "tests" not in path.parts]


def _importers(app: str, *, tests: bool = False) -> list[str]:
    return sorted(
        str(path.relative_to(ROOT))
        for path in _modules(tests=tests)
        if any(m == f"kaderasi.{app}" or m.startswith(f"kaderasi.{app}.") for m in _imports(path))
    )


def test_core_imports_no_domain_app():
    offending = {
        str(path.relative_to(ROOT)): sorted(
            m
            for m in _imports(path)
            if m.startswith("kaderasi.") and not m.startswith("kaderasi.core")
        )
        for path in (PACKAGE / "core").rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    }
    assert {path: modules for path, modules in offending.items() if modules} == {}


def test_no_code_imports_the_api():
    """config/urls.py mounts it by its dotted path (a string); tests that drive the API (the
    parity test, the login throttle's) may import it, as its own tests do."""
    assert [path for path in _importers("api") if not path.startswith("kaderasi/api/")] == []


@pytest.mark.parametrize(
    ("app", "interface"),
    [("evaluation", "reports"), ("reminders", "worker"), ("care", "sync")],
)
def test_a_lower_layer_does_not_import_a_higher_one(app, interface):
    assert [path for path in _importers(interface) if path.startswith(f"kaderasi/{app}/")] == []
