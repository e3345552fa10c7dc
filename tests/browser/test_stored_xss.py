"""Stored XSS: a corpus of payloads in every free-text field comes back inert on every page.

The whole matrix world is built (every feature's objects), then each free-text
column of every row is overwritten with the corpus (bypassing the forms, so the
pages' escaping and the Markdown sanitiser are what is tested, not the input
checks). Every HTML page of the permission matrix, the search results and the
admin's pages are opened in chromium as the admin, who sees the most: no dialog
may fire, no script, event handler or javascript: link from the corpus may be in
the DOM, no template syntax may be evaluated, and the page fixture fails on any
Content-Security-Policy violation (an inline handler that got through and was
blocked).
"""

from flask import url_for
from sqlalchemy import String, cast, literal, update

from core.extensions import db
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
    if (['iframe', 'object', 'embed', 'base', 'frame', 'frameset'].includes(tag)) found.push(tag);
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
        fields += len(columns)
    db.session.commit()
    search_index().rebuild()  # the updates bypassed the session the index listens to
    return fields


def pages_to_open(world) -> list[str]:
    paths = []
    for case in all_cases():
        if case.method == "GET" and case.expect["admin"] == ALLOWED:
            paths.append(url_for(case.endpoint, **case.url_args(world)))
    paths += [url_for("search.results", q=word) for word in SEARCHES]
    return list(dict.fromkeys(paths))


def test_stored_xss_corpus_comes_back_inert_on_every_page(page, live_server, capsys):
    def world():
        built = build_matrix_world()
        with live_server.app.test_request_context():
            return built.users["admin"].email, pages_to_open(built)

    admin_email, paths = live_server.setup(world)
    fields = live_server.setup(fill_every_free_text_field)

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"),
                                      dialog.dismiss()))  # fmt: skip
    sign_in(page, admin_email)
    problems, opened = [], 0
    for path in paths:
        answer = page.request.get(path, max_redirects=0)
        if "text/html" not in answer.headers.get("content-type", "") or answer.status != 200:
            continue  # files (CSV, .ics, images) and redirects: not pages that render the text
        page.goto(path)
        opened += 1
        if injected := page.evaluate(FIND_INJECTIONS):
            problems.append(f"{path}: {injected}")
        if TEMPLATE_PRODUCT in page.content():
            problems.append(f"{path}: template syntax was evaluated")

    assert dialogs == []
    assert problems == []
    assert opened >= 30
    with capsys.disabled():
        print(
            f"\nstored XSS: {len(PAYLOADS)} payloads × {fields} free-text fields = "
            f"{len(PAYLOADS) * fields} checked on {opened} pages; no dialog, nothing injected"
        )
