"""`make screenshots` keeps working: one page, both widths and languages, into a folder
(the gallery, README.md, is written by a full run only)."""

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
        [sys.executable, "tools/screenshots.py", "--only", "start", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    shots = sorted(path.name for path in tmp_path.glob("*.png"))
    assert shots == [f"start-{w}-{lang}.png" for w in (1280, 390) for lang in ("en", "uk")]
    for width in (1280, 390):
        with Image.open(tmp_path / f"start-{width}-en.png") as shot:
            assert shot.width == width
