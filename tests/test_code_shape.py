"""The code's shape (issue #17): views hand every state change to the command boundary,
and no module grows past what a newcomer can hold in their head.

Each module is its own case, so a failure names the file that breaks the rule. A view
module is any `views.py` or `*_views.py` of a feature.
"""

import ast
import importlib
from pathlib import Path

import pytest

from core.errors import DomainError

ROOT = Path(__file__).resolve().parents[1]
APP_PACKAGES = (
    "accounts", "community", "core", "events", "initiatives", "promotions", "reports",
    "search", "demo", "bench",
)  # fmt: skip
MAX_LINES = 400


def _python_modules(*folders: str) -> list[Path]:
    return sorted(
        path.relative_to(ROOT)
        for folder in folders
        for path in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in path.parts
    )


def _is_view_module(path: Path) -> bool:
    return path.name == "views.py" or path.name.endswith("_views.py")


VIEW_MODULES = [path for path in _python_modules(*APP_PACKAGES) if _is_view_module(path)]
MODULES = _python_modules(*APP_PACKAGES, "tests")


def _tree(path: Path) -> ast.Module:
    return ast.parse((ROOT / path).read_text(encoding="utf-8"), filename=str(path))


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and (base := _dotted(node.value)):
        return f"{base}.{node.attr}"
    return None


def _caught_names(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, name) of every exception class named in an `except` clause."""
    caught = []
    for handler in ast.walk(tree):
        if isinstance(handler, ast.ExceptHandler) and handler.type is not None:
            types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            caught += [(handler.lineno, name) for name in map(_dotted, types) if name]
    return caught


def _resolve(module, dotted: str):
    value = module
    for part in dotted.split("."):
        value = getattr(value, part, None)
    return value


def test_the_rules_find_every_view_module():
    names = {path.name for path in VIEW_MODULES}
    assert "views.py" in names and any(name.endswith("_views.py") for name in names)


@pytest.mark.parametrize("path", VIEW_MODULES, ids=str)
def test_a_view_never_catches_a_domain_error_itself(path):
    """`commands.run` rolls back and shows the error: a view's own `except` would not."""
    module = importlib.import_module(".".join(path.with_suffix("").parts))
    offenders = [
        f"{path}:{line} except {name}"
        for line, name in _caught_names(_tree(path))
        if isinstance(cls := _resolve(module, name), type) and issubclass(cls, DomainError)
    ]
    assert offenders == [], "hand the work to core.commands.run instead"


@pytest.mark.parametrize("path", VIEW_MODULES, ids=str)
def test_a_view_never_takes_a_row_lock(path):
    """The service that needs a lock takes it, so every caller (CLI, demo, tests) is safe."""
    offenders = [
        f"{path}:{node.lineno}"
        for node in ast.walk(_tree(path))
        if (isinstance(node, ast.Name) and node.id == "lock_row")
        or (isinstance(node, ast.Attribute) and node.attr == "lock_row")
        or (isinstance(node, ast.alias) and node.name.rsplit(".", 1)[-1] == "lock_row")
    ]
    assert offenders == [], "take the lock in the service, first"


@pytest.mark.parametrize("path", MODULES, ids=str)
def test_a_module_stays_under_400_lines(path):
    lines = len((ROOT / path).read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path} has {lines} lines: split it along its seams"
