"""Dependencies point one way: core ← accounts ← community ← {initiatives, events} ←
promotions, and community ← conversations; search, reports, notifications and home read
from all. A lower feature names no higher one, neither by importing it nor by linking to
its pages from its templates or e-mails."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each package and the packages it may use (itself included).
MAY_USE = {
    "core": {"core"},
    "accounts": {"core", "accounts"},
    "community": {"core", "accounts", "community"},
    "events": {"core", "accounts", "community", "events"},
    "initiatives": {"core", "accounts", "community", "initiatives"},
    "promotions": {"core", "accounts", "community", "events", "initiatives", "promotions"},
    "conversations": {"core", "accounts", "community", "conversations"},
}
READERS_OF_ALL = ("search", "reports", "notifications", "home")
for _reader in READERS_OF_ALL:
    MAY_USE[_reader] = {*MAY_USE["promotions"], "conversations", _reader}
LAYERED = set(MAY_USE)

URL_FOR = re.compile(r"""url_for\(\s*["']([\w.]+)["']""")


def imported_packages(path: Path) -> set[str]:
    """The layered packages a module imports, anywhere in it (functions too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found |= {name.split(".")[0] for name in names} & LAYERED
    return found


def emails_sent_by(package: str) -> set[str]:
    """The e-mail templates a package sends: the name given to `email_user(user, kind, name)`."""
    names = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", None)) == "email_user"
                and len(node.args) >= 3
                and isinstance(node.args[2], ast.Constant)
            ):
                names.add(node.args[2].value)
    return names


def templates_of(package: str) -> list[Path]:
    own = sorted((ROOT / "templates" / package).rglob("*.html"))
    sent = [ROOT / "templates" / "email" / f"{name}.txt" for name in emails_sent_by(package)]
    return own + sorted(path for path in sent if path.exists())


def test_the_layers_cover_every_feature_package():
    packages = {path.parent.name for path in ROOT.glob("*/views.py")}
    assert packages - LAYERED == set(), "place the new package in MAY_USE"


@pytest.mark.parametrize("package", sorted(LAYERED))
def test_a_package_imports_no_higher_feature(package):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) - MAY_USE[package])
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    assert {path: names for path, names in wrong.items() if names} == {}


def test_accounts_sends_its_e_mails_from_its_own_templates():
    # The e-mail check below has something to check.
    assert {"welcome", "email_confirmation", "password_reset"} <= emails_sent_by("accounts")


@pytest.mark.parametrize("package", sorted(LAYERED))
def test_a_package_s_templates_link_to_no_higher_feature(app, package):
    feature_of = {
        name: blueprint.import_name.split(".")[0] for name, blueprint in app.blueprints.items()
    }
    wrong = {}
    for path in templates_of(package):
        endpoints = URL_FOR.findall(path.read_text(encoding="utf-8"))
        higher = sorted(
            endpoint
            for endpoint in endpoints
            if "." in endpoint
            and feature_of.get(endpoint.split(".")[0], "?") not in MAY_USE[package]
        )
        if higher:
            wrong[str(path.relative_to(ROOT))] = higher
    assert wrong == {}
