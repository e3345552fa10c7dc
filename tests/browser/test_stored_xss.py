"""Stored XSS: a corpus of payloads in every free-text field comes back inert, and shown.

The whole matrix world is built (every feature's objects), then each free-text
column of every row is overwritten with the corpus (bypassing the forms, so the
pages' escaping and the Markdown sanitiser are what is tested, not the input
checks). Every HTML page of the permission matrix (and the search results) is
opened in chromium as the admin, a member, an employee and a visitor (who sees
the public initiative pages): no dialog may fire; no script, event handler or
javascript: link from the corpus may be in the DOM; no template syntax may be
evaluated; every page that shows a field must show each payload as visible text
(escaped, not dropped); and the page fixture fails on any Content-Security-Policy
violation (an inline handler that got through and was blocked). A route that
should open and does not (an error, an unexpected redirect) fails the test.
"""

import re

from flask import url_for
from sqlalchemy import String, cast, literal, select, update

from core.extensions import db
from core.text import markdown_columns, render_markdown
from search.index import search_index
from tests.browser.conftest import sign_in
from tests.matrix import ALLOWED, all_cases, build_matrix_world

TEMPLATE_PRODUCT = "50337"  # 7 * 7191: present only if a payload's template syntax ran
PAYLOADS = [
    '<script>alert("xss-script")</script>',
    '<img src=x onerror=alert("xss-img")>',
    '<svg onload=alert("xss-svg")>',
    '<svg><script>alert("xss-svg-script")</script></svg>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert("xss-mxss")>',
    '<details open ontoggle=alert("xss-details")>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<a href="javascript:alert(1)">xss-anchor</a>',
    '"><script>alert("xss-break-double")</script>',
    "'><img src=x onerror=alert('xss-break-single')>",
    '" autofocus onfocus="alert(1)" data-xss="double',
    "' onmouseover='alert(1)' data-xss='single",
    "</textarea><script>alert('xss-textarea')</script>",
    "</title><script>alert('xss-title')</script>",
    "[xss-md-link](javascript:alert(1))",
    "![xss-md-image](javascript:alert(1))",
    "[xss-md-data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[xss-md-ref][evil]\n\n[evil]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "{{ 7*7191 }} {% print(7*7191) %} ${7*7191} #{7*7191}",
    "javascript:alert(1)",
]
CORPUS = "\n\n".join(PAYLOADS)

# Every column that keeps text a person typed (names, titles, descriptions, notes…).
# Addresses, codes, file names on disk, enums and e-mail addresses are left alone:
# they are checked on the way in and never shown as markup.
FREE_TEXT = {
    "communities": ["name", "description"],
    "users": ["display_name"],
    "participants": ["name"],
    "events": ["title", "description", "place"],
    "external_channels": ["name"],
    "initiatives": ["title", "description", "goal", "beneficiary", "categories"],
    "catalog_items": ["title", "author", "category"],
    "promotion_channels": ["name", "requirements"],
    "promotion_requests": [
        "title",
        "key_message",
        "references",
        "backup_plan",
        "report_format",
        "status_reason",
        "report",
        "lessons",
    ],  # fmt: skip
    "planned_posts": ["notes"],
    "promotion_assets": ["filename"],
    "promotion_backup_actions": ["step", "note"],
    "promotion_comments": ["body"],
    "outgoing_emails": ["subject", "text_body"],
    "email_attachments": ["filename"],
    "audit_entries": ["detail"],
}
SEARCHES = ["xss", "script", "alert", "onerror", "javascript"]

# Run in the page: what the corpus would leave behind had any of it become markup.
FIND_INJECTIONS = """() => {
  const found = [];
  const bad = /^\\s*(javascript|vbscript|data):/i;
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toLowerCase();
    if (['iframe', 'object', 'embed', 'base', 'frame', 'frameset', 'math', 'mglyph']
        .includes(tag)) found.push(tag);
    if (tag === 'img' && el.getAttribute('src') === 'x') found.push('img[src=x]');
    if (tag === 'script' && (!el.src || !el.src.startsWith(location.origin) || el.text.trim()))
      found.push('script ' + (el.src || el.text.slice(0, 60)));
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(`${tag}[${name}]`);
      if (name === 'data-xss' || name === 'srcdoc') found.push(`${tag}[${name}]`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster'].includes(name)
          && bad.test(attr.value)) found.push(`${tag}[${name}=${attr.value.slice(0, 40)}]`);
    }
  }
  return found;
}"""


def fill_every_free_text_field() -> int:
    """The corpus (and the row's id, for unique names) into each free-text column."""
    fields = 0
    for table_name, columns in FREE_TEXT.items():
        table = db.metadata.tables[table_name]
        value = literal(CORPUS + " #") + cast(table.c.id, String)
        db.session.execute(update(table).values({column: value for column in columns}))
        _render_markdown_of(table, columns)
        fields += len(columns)
    db.session.commit()
    search_index().rebuild()  # the updates bypassed the session the index listens to
    return fields


def _render_markdown_of(table, columns: list[str]) -> None:
    """Store the HTML of the Markdown columns just overwritten, as saving them would."""
    for source, html in markdown_columns(table).items():
        if source in columns:
            for row_id, text in db.session.execute(select(table.c.id, table.c[source])).all():
                db.session.execute(
                    update(table).where(table.c.id == row_id).values({html: render_markdown(text)})
                )


ROLES_CHECKED = ("admin", "member", "employee", "visitor")
SIGNED_IN_HOME = {"core.home", "accounts.signup", "accounts.signin",
                  "accounts.check_inbox"}  # → the home page, which "/" serves  # fmt: skip
# (the matrix's reset token is a bad one; the old bell's page moved to /notifications)
REDIRECTS = {"links.follow", "accounts.reset_password", "promotions.notifications"}
# Routes that answer with a file, not a page: tests below download them.
FILES = {
    "accounts.download_my_data", "events.ics", "events.community_feed",
    "events.attendees_export", "initiatives.cover", "initiatives.leads_csv",
    "promotions.markdown", "promotions.asset", "promotions.final_report_markdown",
    "promotions.final_report_csv", "reports.overview_csv", "reports.community_report_csv",
    "reports.community_report_markdown",
    "conversations.people_to_mention",  # JSON for the mention suggestions
    "core.favicon",
    "community.picture", "conversations.post_image",  # a community's logo or cover, a post's image
}  # fmt: skip
# A community's public page sends people to the community page while it is off.
REDIRECT_WHILE_OFF = {"community.public_show"}
NO_FREE_TEXT = {
    "core.index",
    "accounts.signup",
    "accounts.signin",
    "accounts.request_password_reset",
    "accounts.confirm_email",  # shows the address only
    "notifications.unsubscribe_link",  # names a kind of e-mail, from the code
}  # fmt: skip  (a visitor's forms)


def routes_for(world, role: str) -> list[tuple[str, str]]:
    """(endpoint, path) of every GET route the matrix lets `role` open, and searches."""
    routes = [
        (case.endpoint, url_for(case.endpoint, **case.url_args(world)))
        for case in all_cases()
        if case.method == "GET" and case.expect[role] == ALLOWED
    ]
    if world.users[role] is not None:
        routes += [("search.results", url_for("search.results", q=word)) for word in SEARCHES]
    return list(dict.fromkeys(routes))


def expected_answer(endpoint: str, role: str) -> str:
    if endpoint in FILES:
        return "file"
    if endpoint in REDIRECTS or (role != "visitor" and endpoint in SIGNED_IN_HOME):
        return "redirect"
    return "page"


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def shown_payloads(page) -> int:
    """How many payloads the page shows as text (whitespace as the browser lays it out)."""
    text = _plain(page.evaluate("document.body.innerText"))
    return sum(_plain(payload) in text for payload in PAYLOADS)


def build_world_with_corpus(live_server):
    def world():
        built = build_matrix_world()
        with live_server.app.test_request_context():
            return {
                role: (built.users[role] and built.users[role].email, routes_for(built, role))
                for role in ROLES_CHECKED
            }

    routes = live_server.setup(world)
    fields = live_server.setup(fill_every_free_text_field)
    return routes, fields


def test_stored_xss_corpus_is_shown_as_text_and_inert_on_every_page(page, live_server, capsys):
    routes, fields = build_world_with_corpus(live_server)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"),
                                      dialog.dismiss()))  # fmt: skip
    problems: list[str] = []
    opened: dict[str, list[str]] = {}
    showing = 0
    for role, (email, role_routes) in routes.items():
        page.context.clear_cookies()
        if email:
            sign_in(page, email)
        opened[role] = []
        for endpoint, path in role_routes:
            expected = expected_answer(endpoint, role)
            if expected == "file":
                continue
            answer = page.request.get(path, max_redirects=0)
            is_html = "text/html" in answer.headers.get("content-type", "")
            if endpoint in REDIRECT_WHILE_OFF and answer.status in (301, 302, 303):
                continue
            if expected == "redirect":
                if answer.status not in (301, 302, 303):
                    problems.append(f"{role} {path}: {answer.status}, expected a redirect")
                continue
            if answer.status != 200 or not is_html:
                problems.append(f"{role} {path}: {answer.status} {answer.headers.get('location')}")
                continue
            page.goto(path)
            opened[role].append(endpoint)
            if injected := page.evaluate(FIND_INJECTIONS):
                problems.append(f"{role} {path}: {injected}")
            if TEMPLATE_PRODUCT in page.content():
                problems.append(f"{role} {path}: template syntax was evaluated")
            if endpoint not in NO_FREE_TEXT:
                showing += 1
                if (shown := shown_payloads(page)) != len(PAYLOADS):
                    problems.append(f"{role} {path}: {shown} of {len(PAYLOADS)} payloads shown")

    assert dialogs == []
    assert problems == []
    assert len(opened["admin"]) >= 30 and len(opened["member"]) >= 15
    assert "initiatives.public_show" in opened["visitor"]
    with capsys.disabled():
        counts = ", ".join(f"{role} {len(endpoints)}" for role, endpoints in opened.items())
        print(
            f"\nstored XSS: {len(PAYLOADS)} payloads × {fields} free-text fields = "
            f"{len(PAYLOADS) * fields} checked; pages opened: {counts} "
            f"({sum(map(len, opened.values()))} in all); every payload shown as text on each "
            f"of the {showing} pages that show a field; no dialog, nothing injected"
        )


# An admin's files (calendars, CSV, Markdown, covers, assets) must download with the
# corpus in them too, not fail.
def test_files_holding_the_corpus_still_download(page, live_server):
    routes, _fields = build_world_with_corpus(live_server)
    email, admin_routes = routes["admin"]
    sign_in(page, email)
    failed = [
        f"{path}: {answer.status}"
        for endpoint, path in admin_routes
        if expected_answer(endpoint, "admin") == "file"
        and (answer := page.request.get(path, max_redirects=0)).status != 200
    ]
    assert failed == []
