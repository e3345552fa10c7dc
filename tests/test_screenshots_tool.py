"""`make screenshots` keeps working: one page, both widths and languages, and the e-mail,
into a folder (the gallery, README.md, is written by a full run only)."""

import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

from tests.conftest import missing_tool

ROOT = Path(__file__).resolve().parents[1]


def test_the_screenshot_tool_saves_the_page_at_both_widths_in_both_languages(tmp_path):
    if shutil.which("chromium") is None and not Path("/usr/bin/chromium").exists():
        missing_tool("chromium is not installed (make test installs it as root)")
    result = subprocess.run(
        [sys.executable, "tools/screenshots.py", "--only", "start,mail", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    shots = sorted(path.name for path in tmp_path.glob("start-*.png"))
    assert shots == sorted(f"start-{w}-{lang}.png" for w in (1280, 390) for lang in ("en", "uk"))
    for lang in ("en", "uk"):
        for name in ("registration_confirmed", "password_reset", "notification",
                     "notification_digest"):  # fmt: skip
            for shot in ("1280", "390", "390-dark"):
                width, _, dark = shot.partition("-")
                assert (
                    tmp_path / f"mail-{name}-{width}-{lang}{'-' + dark if dark else ''}.png"
                ).exists()
            assert "http" in (tmp_path / f"mail-{name}-{lang}.txt").read_text(encoding="utf-8")
    assert "Вітаємо" in (tmp_path / "mail-notification-uk.txt").read_text(encoding="utf-8")
    for width in (1280, 390):
        with Image.open(tmp_path / f"start-{width}-en.png") as shot:
            assert shot.width == width
