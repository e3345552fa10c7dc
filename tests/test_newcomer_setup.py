"""What a newcomer meets first: `make run` and its port, the checkout's settings file that
the CLI reads, one line for a setting the app cannot start with, the demo accounts."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import ConfigurationError, from_environment
from demo import demo_accounts

ROOT = Path(__file__).resolve().parent.parent


def make_dry_run(*arguments: str) -> str:
    """The commands `make run` would run, without running them."""
    env = {**os.environ, "GUILDHALL_ENV": ""}
    result = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "run", *arguments],
        cwd=ROOT, capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    return result.stdout


def serve_line(output: str) -> str:
    return next(line for line in output.splitlines() if " run --host " in line)


def test_make_run_serves_on_port_5000_unless_told_another_and_reloads():
    assert "--port 5000 --reload" in serve_line(make_dry_run())
    assert "--port 5001 --reload" in serve_line(make_dry_run("PORT=5001"))


@pytest.mark.parametrize("port", ["abc", "-1", "0", "99999", ""])
def test_make_run_refuses_a_port_the_server_cannot_take_in_one_line(port):
    env = {**os.environ, "GUILDHALL_ENV": ""}
    result = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "run", f"PORT={port}"],
        cwd=ROOT, capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert result.returncode != 0 and " run --host " not in result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "PORT must be a whole number from 1 to 65535" in lines[0]


def test_the_checkout_settings_file_gives_what_the_environment_leaves_unset(tmp_path, monkeypatch):
    monkeypatch.delenv("GUILDHALL_ENV", raising=False)
    monkeypatch.delenv("SMTP_PORT", raising=False)
    (tmp_path / "guildhall.env").write_text("# made by make run\nGUILDHALL_ENV=development\n")
    assert from_environment(str(tmp_path))["GUILDHALL_ENV"] == "development"
    monkeypatch.setenv("GUILDHALL_ENV", "production")
    assert from_environment(str(tmp_path))["GUILDHALL_ENV"] == "production"


def test_without_the_settings_file_the_app_is_in_production(tmp_path, monkeypatch):
    monkeypatch.delenv("GUILDHALL_ENV", raising=False)
    assert from_environment(str(tmp_path))["GUILDHALL_ENV"] == "production"


@pytest.mark.parametrize(
    ("line", "message"),
    [("SECRET=x", "line 1"), ("GUILDHALL_ENV=prod", "production or development")],
)
def test_a_settings_file_line_the_app_cannot_use_is_refused(tmp_path, monkeypatch, line, message):
    monkeypatch.delenv("GUILDHALL_ENV", raising=False)
    (tmp_path / "guildhall.env").write_text(line + "\n")
    with pytest.raises(ConfigurationError, match=message):
        from_environment(str(tmp_path))


def run_cli(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": "sqlite://", **environment}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *arguments],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"GUILDHALL_ENV": "production", "SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"GUILDHALL_ENV": "development", "SMTP_PORT": "twenty-five"}, "SMTP_PORT"),
        ({"GUILDHALL_ENV": "staging"}, "GUILDHALL_ENV"),
    ],
)
def test_a_misconfigured_cli_says_so_in_one_line(environment, message):
    result = run_cli(
        "users", "create", "new@example.com", "--name", "New", "--password", "x" * 12,
        **environment,
    )  # fmt: skip
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_the_readme_demo_table_lists_what_the_demo_prints():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\S+@example\.com) \| ([^|]+) \| ([^|]+) \|$", readme, re.MULTILINE)
    assert [tuple(cell.strip() for cell in row) for row in rows] == demo_accounts()
    olena = dict((email, role) for email, _name, role in demo_accounts())["olena@example.com"]
    assert olena == "leader of Project Managers and QA Guild"


def test_the_settings_file_reads_export_lines_quotes_and_a_byte_order_mark(tmp_path, monkeypatch):
    for name in ("GUILDHALL_ENV", "SITE_URL", "MAIL_FROM"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "guildhall.env").write_text(
        "\ufeffexport GUILDHALL_ENV=development\n"
        'SITE_URL="https://guildhall.example.com"\n'
        "MAIL_FROM='Guildhall <hi@example.com>'\n",
        encoding="utf-8",
    )
    config = from_environment(str(tmp_path))
    assert config["GUILDHALL_ENV"] == "development"
    assert config["SITE_URL"] == "https://guildhall.example.com"
    assert config["MAIL_FROM"] == "Guildhall <hi@example.com>"


@pytest.mark.parametrize(
    "write",
    [lambda path: path.write_bytes(b"\xff\xfe\x00GUILDHALL_ENV"), lambda path: path.mkdir()],
)
def test_a_settings_file_that_cannot_be_read_is_one_line(tmp_path, monkeypatch, write):
    monkeypatch.delenv("GUILDHALL_ENV", raising=False)
    write(tmp_path / "guildhall.env")
    with pytest.raises(ConfigurationError, match="guildhall.env"):
        from_environment(str(tmp_path))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MAX_CONTENT_LENGTH", "-5"),
        ("AT_RISK_AFTER", "nan"),
        ("SMTP_TIMEOUT", "inf"),
        ("REMEMBER_COOKIE_DAYS", "99999999999"),
        ("SESSION_MAX_DAYS", "1000000"),
        ("SESSION_IDLE_HOURS", "9" * 5000),
    ],
)
def test_a_negative_endless_or_overflowing_number_is_refused(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=name) as refused:
        from_environment(str(tmp_path))
    assert len(str(refused.value)) < 120


def test_a_tests_app_is_not_configured_by_the_checkouts_settings_file(tmp_path, monkeypatch):
    import core.config
    from app import create_app
    from tests.conftest import test_config

    monkeypatch.delenv("SMTP_HOST", raising=False)
    checkout = {"GUILDHALL_ENV": "development", "SMTP_HOST": "smtp.invalid.example"}
    monkeypatch.setattr(core.config, "local_settings", lambda _path: dict(checkout))
    assert from_environment(str(tmp_path))["SMTP_HOST"] == "smtp.invalid.example"
    app = create_app(test_config("sqlite://", tmp_path))
    assert app.config.get("SMTP_HOST") is None
