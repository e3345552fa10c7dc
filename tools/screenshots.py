"""`make screenshots`: every main page at 1280 and 390 px, in English and Ukrainian.

Serves the site on 127.0.0.1 from a temporary SQLite database with the demo data, signs
in as the role each page is for, and saves docs/screenshots/<page>-<width>-<lang>.png
(full page, cut at MAX_HEIGHT, reduced to 256 colours) with a gallery, README.md.
Chromium is Debian's, driven by Playwright (never `playwright install`).

The e-mail ("mail") is shot too: a few messages queued for a demo leader in each
language, their HTML part as a mail client shows it (wide, narrow, and narrow in a dark
theme), and their text part beside it: mail-<message>-<width>-<lang>[-dark].png and .txt.

    .venv/bin/python tools/screenshots.py [--only directory,event] [--out DIR]
"""

import argparse
import io
import logging
import random
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask import url_for  # noqa: E402
from PIL import Image  # noqa: E402
from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from accounts import mail  # noqa: E402
from accounts.services import find_user_by_email  # noqa: E402
from app import create_app  # noqa: E402
from community.models import Community  # noqa: E402
from conversations.models import Post  # noqa: E402
from core.extensions import db  # noqa: E402
from core.mail import OutgoingEmail  # noqa: E402
from core.models import utcnow  # noqa: E402
from core.site import external_url  # noqa: E402
from demo import DEMO_PASSWORD, seed_demo  # noqa: E402
from events.models import Event  # noqa: E402
from initiatives.models import Initiative  # noqa: E402
from notifications import mail as notification_mail  # noqa: E402
from notifications import services as notifications  # noqa: E402
from notifications.kinds import REQUEST_APPROVED  # noqa: E402
from notifications.models import Notification  # noqa: E402
from promotions.models import PromotionRequest  # noqa: E402
from search.index import search_index  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WIDTHS = (1280, 390)
LANGUAGES = ("en", "uk")
MAX_HEIGHT = 3600  # CSS px of a page kept; a longer page is cut there
ACCOUNTS = {
    "visitor": None,
    "employee": "employee@example.com",
    "leader": "olena@example.com",
    "smm": "smm@example.com",
    "admin": "admin@example.com",
}


@dataclass(frozen=True)
class Shot:
    name: str
    title: str
    role: str
    url: Callable[[], str]  # built in a request context, after the demo data exists


def _one(statement):
    return db.session.execute(statement.limit(1)).scalar_one()


def _pm() -> Community:
    return _one(select(Community).where(Community.name == "Project Managers"))


def _next_event() -> Event:
    return _one(
        select(Event)
        .where(Event.community_id == _pm().id, Event.starts_at > utcnow())
        .order_by(Event.starts_at)
    )


def _brief() -> PromotionRequest:
    return _one(select(PromotionRequest).where(PromotionRequest.title.like("Charity Book Sale%")))


def _pm_url(endpoint: str) -> Callable[[], str]:
    return lambda: url_for(endpoint, slug=_pm().slug)


def _brief_url(endpoint: str) -> Callable[[], str]:
    return lambda: url_for(endpoint, brief_id=_brief().id)


SHOTS = [
    Shot("start", "Start page", "visitor", lambda: url_for("core.index")),
    Shot("signin", "Sign in", "visitor", lambda: url_for("accounts.signin")),
    Shot("home", "Home", "employee", lambda: url_for("core.index")),
    Shot("directory", "Communities", "employee", lambda: url_for("community.directory")),
    Shot("community", "Community page", "leader", _pm_url("community.show")),
    Shot("members", "Members", "leader", _pm_url("community.members")),
    Shot("events", "Upcoming events", "employee", lambda: url_for("events.upcoming")),
    Shot("event", "Event page", "employee",
         lambda: url_for("events.show", event_id=_next_event().id)),
    Shot(
        "initiative",
        "Initiative page and catalog",
        "employee",
        lambda: url_for(
            "initiatives.show",
            initiative_id=_one(
                select(Initiative.id).where(Initiative.title == "Charity Book Sale")
            ),
        ),
    ),
    Shot(
        "conversations",
        "Conversations",
        "employee",
        lambda: url_for("conversations.posts", slug=_pm().slug),
    ),
    Shot(
        "post",
        "A conversation",
        "employee",
        lambda: url_for(
            "conversations.post",
            slug=_pm().slug,
            post_id=_one(select(Post.id).where(Post.community_id == _pm().id).order_by(Post.id)),
        ),
    ),
    Shot("queue", "Promotion briefs", "smm", lambda: url_for("promotions.queue")),
    Shot("brief", "Brief page", "smm", _brief_url("promotions.show")),
    Shot("outcome", "Outcome page", "smm", _brief_url("promotions.outcome")),
    Shot("calendar", "Content calendar", "smm", lambda: url_for("promotions.calendar")),
    Shot("report", "Community report", "leader", _pm_url("reports.community_report")),
    Shot("reports", "Communities side by side", "admin", lambda: url_for("reports.overview")),
    Shot("notifications", "Notifications", "leader", lambda: url_for("notifications.index")),
    Shot("settings", "Settings", "employee", lambda: url_for("accounts.profile")),
    Shot(
        "profile",
        "A person's profile",
        "employee",
        lambda: url_for("accounts.person", user_id=find_user_by_email(ACCOUNTS["leader"]).id),
    ),
    Shot("search", "Search results", "employee", lambda: url_for("search.results", q="Agile")),
    Shot("search-empty", "Search, nothing found", "employee",
         lambda: url_for("search.results", q="photgraphy")),
    Shot("admin", "Admin", "admin", lambda: url_for("core.admin")),
    Shot("people", "People (admin)", "admin", lambda: url_for("accounts.people")),
    Shot("audit", "Audit log (admin)", "admin", lambda: url_for("accounts.audit_log")),
    Shot("moderation", "Moderation (admin)", "admin",
         lambda: url_for("conversations.site_moderation_queue")),
]  # fmt: skip


MAIL = "mail"  # the name --only knows the e-mail by
MAIL_SHOTS = ((1280, "light"), (390, "light"), (390, "dark"))


def queue_mail(language: str) -> dict[str, OutgoingEmail]:
    """Message name → a message the site sends, queued for the demo leader in `language`
    through the code that sends it."""
    person = find_user_by_email(ACCOUNTS["leader"])
    person.locale = language
    reset = external_url("accounts.request_password_reset")
    queued = {
        "registration_confirmed": mail.email_user(
            person, "events", "registration_confirmed", event=_next_event()
        ),
        "password_reset": mail.email_user(person, "account", "password_reset", link=reset),
    }
    notifications.notify([person], REQUEST_APPROVED.name, _pm().name,
                         notifications.Link("community.show", {"slug": _pm().slug}))  # fmt: skip
    db.session.flush()
    queued["notification"] = _one(
        select(OutgoingEmail)
        .where(OutgoingEmail.kind == f"notification.{REQUEST_APPROVED.name}")
        .order_by(OutgoingEmail.id.desc())
    )
    told = select(Notification).where(Notification.recipient_id == person.id)
    told = db.session.execute(told.order_by(Notification.id.desc()).limit(4)).scalars()
    queued["notification_digest"] = notification_mail.email_digest(
        person, list(told)[::-1], utcnow().date()
    )
    return queued


MAIL_SITE_URL = "https://guildhall.example.com"  # not the server's passing port: same files


def take_mail(browser, app, out: Path) -> list[str]:
    files = []
    served, app.config["SITE_URL"] = app.config["SITE_URL"], MAIL_SITE_URL
    for language in LANGUAGES:
        with app.test_request_context():
            queued = queue_mail(language)
            messages = {name: (m.html_body, m.text_body) for name, m in queued.items()}
            db.session.rollback()  # shown, never sent
        for name, (html, text) in messages.items():
            (out / f"mail-{name}-{language}.txt").write_text(text, encoding="utf-8")
            for width, scheme in MAIL_SHOTS:
                context = browser.new_context(
                    viewport={"width": width, "height": 900}, color_scheme=scheme
                )
                page = context.new_page()
                page.set_content(html)
                dark = "-dark" if scheme == "dark" else ""
                file = f"mail-{name}-{width}-{language}{dark}.png"
                save(page.screenshot(full_page=True), out / file)
                files.append(file)
                context.close()
            print(f"{MAIL}: {name} ({language})", flush=True)
    app.config["SITE_URL"] = served
    return files


def demo_app(folder: Path):
    app = create_app(
        {
            "GUILDHALL_ENV": "development",
            "SECRET_KEY": "screenshots-only-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.sqlite'}",
            "SEARCH_INDEX_DIR": str(folder / "search-index"),
            "UPLOAD_DIR": str(folder / "uploads"),
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
            "FIGURES_CACHE_TYPE": "SimpleCache",
        }
    )
    with app.app_context():
        db.create_all()
        seed_demo(random.Random(2026))
        db.session.commit()
        search_index().rebuild()
    return app


def save(png: bytes, path: Path) -> None:
    """The screenshot cut at MAX_HEIGHT (device px = CSS px here) in 256 colours."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.height > MAX_HEIGHT:
        image = image.crop((0, 0, image.width, MAX_HEIGHT))
    image.quantize(256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def sign_in(page, email: str) -> None:
    page.goto("/signin")
    page.locator("input[name=email]").fill(email)  # by name: the labels are translated
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("input[name=password]").press("Enter")


def take(shots: list[Shot], out: Path, with_mail: bool) -> tuple[list, list[str]]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        app = demo_app(Path(folder))
        server = make_server("127.0.0.1", 0, app, threaded=True)
        base = f"http://127.0.0.1:{server.server_port}"
        app.config["SITE_URL"] = base
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with app.test_request_context():
            urls = {shot.name: shot.url() for shot in shots}
        taken = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
                )
                for shot in shots:
                    files = []
                    for language in LANGUAGES:
                        for width in WIDTHS:
                            context = browser.new_context(
                                base_url=base,
                                viewport={"width": width, "height": 900},
                                locale="uk-UA" if language == "uk" else "en-GB",
                                timezone_id="Europe/Kyiv",
                            )
                            page = context.new_page()
                            if ACCOUNTS[shot.role]:
                                sign_in(page, ACCOUNTS[shot.role])
                            page.goto(urls[shot.name])
                            page.wait_for_load_state("load")
                            name = f"{shot.name}-{width}-{language}.png"
                            save(page.screenshot(full_page=True), out / name)
                            files.append(name)
                            context.close()
                    taken.append((shot, files))
                    print(f"{shot.name}: {urls[shot.name]}", flush=True)
                mail_files = take_mail(browser, app, out) if with_mail else []
                browser.close()
        finally:
            server.shutdown()
            with app.app_context():
                db.engine.dispose()
    return taken, mail_files


def gallery(taken: list[tuple[Shot, list[str]]], mail_files: list[str]) -> str:
    lines = [
        "# Screenshots",
        "",
        "Every main page at 1280 and 390 px wide, in English and Ukrainian, with the demo",
        "data (`make screenshots` makes them again). Each row: the role signed in, then the",
        f"page. Pages longer than {MAX_HEIGHT} px are cut there.",
        "",
    ]
    for shot, files in taken:
        lines += [f"## {shot.title} ({shot.role})", ""]
        lines.append(" · ".join(f"[{file.removesuffix('.png')}]({file})" for file in files))
        wide = f'<img src="{shot.name}-1280-en.png" alt="{shot.title}, 1280 px" width="640">'
        narrow = f'<img src="{shot.name}-390-uk.png" alt="{shot.title}, 390 px" width="195">'
        lines += ["", f"{wide} {narrow}", ""]
    lines += [
        "## E-mail",
        "",
        "Messages queued for a demo leader, in each language: the HTML part as a mail client",
        "shows it (1280 px; 390 px; 390 px in a dark theme) and, linked, the text part.",
        "",
    ]
    for file in mail_files:
        if file.endswith("-1280-en.png") or file.endswith("-1280-uk.png"):
            stem = file.removesuffix(".png").replace("-1280-", "-")
            name, language = stem.removeprefix("mail-").rsplit("-", 1)
            shots = [f for f in mail_files if f.startswith(f"mail-{name}-") and language in f]
            links = " · ".join(f"[{f.removesuffix('.png')}]({f})" for f in shots)
            lines += [f"### {name} ({language})", "", f"{links} · [text]({stem}.txt)", ""]
            narrow = stem.replace(f"-{language}", f"-390-{language}")
            lines += [f'<img src="{file}" alt="{name}, 1280 px" width="480"> '
                      f'<img src="{narrow}.png" alt="{name}, 390 px" width="195"> '
                      f'<img src="{narrow}-dark.png" alt="{name}, 390 px, dark" width="195">',
                      ""]  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    for name in ("werkzeug", "guildhall.requests"):
        logging.getLogger(name).setLevel(logging.WARNING)  # one line per page is enough
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated page names, e.g. directory,event,mail")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    chosen = set(args.only.split(",")) if args.only else None
    shots = [shot for shot in SHOTS if chosen is None or shot.name in chosen]
    args.out.mkdir(parents=True, exist_ok=True)
    taken, mail_files = take(shots, args.out, with_mail=chosen is None or MAIL in chosen)
    if chosen is None:
        (args.out / "README.md").write_text(gallery(taken, mail_files) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
