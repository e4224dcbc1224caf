"""Dead-code check (vulture): functions, methods, classes, properties and imports nothing uses.

Run as `python scripts/dead_code.py`; exits 1 and lists what it found, 0 when nothing is dead.

Django finds much of kaderasi by name rather than by import, so this check knows where:
- templates: every name inside `{{ … }}` and `{% … %}` of a template counts as used (a property
  read only by a page is alive);
- settings and registries name classes and functions by dotted path in a string
  ("kaderasi.reminders.channels.file.FileChannel"): the last part of such a string counts as used;
- decorators that register a function with a framework (admin, template tags, the API's
  operations, tasks, system checks) and the names Django calls (`scripts/vulture_whitelist.py`).
Variables and attributes are not reported: Django reads model fields, Meta, form and admin
options as class attributes by name, and services set model fields that `save()` writes, which
vulture cannot tell from dead assignments. Migrations and tests are read for what they use (a
data migration calls its loader, a test its helper) but never reported.
"""

import re
import sys
from pathlib import Path

from vulture import Vulture

ROOT = Path(__file__).resolve().parent.parent
PATHS = [ROOT / "kaderasi", ROOT / "config", ROOT / "bench", ROOT / "scripts"]
EXCLUDE = ["*/static/*"]
NOT_REPORTED = ("migrations", "tests")
REPORTED = {"function", "method", "class", "property", "import", "unreachable_code"}
IGNORE_DECORATORS = [
    "@admin.register",
    "@admin.action",
    "@admin.display",
    "@register.*",
    "@api.*",
    "@router.*",
    "@task",
    "@task(*)",
    "@receiver",
    "@checks.register",
    "@pytest.fixture",
]
TEMPLATE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
TEMPLATE_CODE = re.compile(r"{{(.*?)}}|{%(.*?)%}", re.DOTALL)
DOTTED_PATH = re.compile(r"[\"']kaderasi(?:\.[A-Za-z_][A-Za-z0-9_]*)+[\"']")


def template_names() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "kaderasi").rglob("templates/**/*"):
        if path.is_file() and path.suffix in {".html", ".txt", ".xml", ".svg", ".js"}:
            for match in TEMPLATE_CODE.finditer(path.read_text(encoding="utf-8")):
                names.update(TEMPLATE_NAME.findall(match.group(1) or match.group(2)))
    return names


def dotted_path_names() -> set[str]:
    names: set[str] = set()
    for root in PATHS:
        for path in root.rglob("*.py"):
            for match in DOTTED_PATH.finditer(path.read_text(encoding="utf-8")):
                names.add(match.group(0).strip("\"'").rsplit(".", 1)[1])
    return names


def _reported(item) -> bool:
    parts = item.filename.parts
    return (
        item.typ in REPORTED
        and not any(part in parts for part in NOT_REPORTED)
        and item.filename.name not in {"conftest.py", "vulture_whitelist.py"}
    )


def dead_code() -> list:
    vulture = Vulture(ignore_decorators=IGNORE_DECORATORS)
    vulture.scavenge([str(path) for path in PATHS], exclude=EXCLUDE)
    vulture.used_names.update(template_names() | dotted_path_names())
    return [item for item in vulture.get_unused_code(min_confidence=60) if _reported(item)]


def main() -> int:
    found = dead_code()
    for item in found:
        print(item.get_report())
    if found:
        print(
            f"{len(found)} unused; remove them, or name them in scripts/vulture_whitelist.py "
            "when something calls them by name"
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
