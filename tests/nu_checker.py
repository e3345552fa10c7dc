"""The W3C Nu HTML checker (`vnu.jar` from the npm registry) over many pages at once.

Java takes seconds to start, so `nu_errors` checks a whole batch of documents in one
process: every page is written to a temporary folder and the checker is given the folder.
Only errors count; warnings and info are left out (`--errors-only`).
"""

import json
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import missing_tool

ROOT = Path(__file__).resolve().parents[1]
JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class NuError:
    page: str  # the name the page was given
    line: int | None
    message: str
    extract: str

    def __str__(self) -> str:
        where = f"{self.page}:{self.line}" if self.line else self.page
        return f"{where}: {self.message} [{' '.join(self.extract.split())[:160]}]"


def nu_errors(pages: Mapping[str, str]) -> list[NuError]:
    """Every error the checker finds in `pages` (a name, e.g. "uk employee /me", → its HTML).

    Skips the test (fails it under CI=true) when Java or the checker is not installed."""
    java = shutil.which("java")
    if java is None or not JAR.exists():
        missing_tool("the Nu HTML checker needs java and node_modules/vnu-jar (npm install)")
    if not pages:
        return []
    with tempfile.TemporaryDirectory(prefix="nu-") as folder:
        names = {}
        for number, (name, html) in enumerate(pages.items()):
            path = Path(folder) / f"page-{number:05d}.html"
            path.write_text(html, encoding="utf-8")
            names[path.name] = name
        finished = subprocess.run(
            [java, "-jar", str(JAR), "--format", "json", "--stdout", "--errors-only", folder],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    if finished.returncode not in (0, 1):  # 1: it found errors
        raise RuntimeError(f"the Nu checker failed ({finished.returncode}): {finished.stderr}")
    report = json.loads(finished.stdout)
    errors = []
    for message in report["messages"]:
        if message["type"] == "non-document-error":
            raise RuntimeError(f"the Nu checker could not check a page: {message}")
        if message["type"] != "error":
            continue
        file_name = message.get("url", "").rsplit("/", 1)[-1]
        errors.append(
            NuError(
                page=names.get(file_name, file_name),
                line=message.get("lastLine"),
                message=message["message"],
                extract=message.get("extract", ""),
            )
        )
    return sorted(errors, key=lambda error: (error.page, error.line or 0))


def describe(errors: list[NuError], most: int = 60) -> str:
    """The errors, one a line, for an assertion's message."""
    lines = [str(error) for error in errors[:most]]
    if len(errors) > most:
        lines.append(f"… and {len(errors) - most} more")
    return "\n".join(lines)
