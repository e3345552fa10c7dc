"""Every form on every page, for every role, takes hostile input without a 500
and without touching another community's data (property-based, with Hypothesis).

The other community is a second complete world (events, initiatives, books,
briefs, posts, assets…): its ids are among the values tried in every field, and
each field that carries ids (a select of ids, the attendance checkboxes) is also
sent every one of them on top of an otherwise valid submission.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.extensions import db
from tests.matrix import ALLOWED, ROLES, all_cases
from tests.two_communities import (
    build_two_worlds,
    changed_tables,
    object_ids,
    rows_of_communities,
)

EXAMPLES_PER_FORM = 12
NEVER_SUBMITTED = {"csrf_token"}
# Forms that end the session would sign the fuzzing role out for the rest of the run.
SKIPPED_ACTIONS = ("/signout", "/signout/everywhere")
# Admins' site-wide pages list every community's items by design (the site-wide moderation
# queue); their forms are the community pages' own, fuzzed from there.
SITE_WIDE_PAGES = {"conversations.site_moderation_queue"}

HOSTILE_TEXT = [
    "", " ", "\t\r\n", "x" * 100_000, "\u202egnp.exe", "👩‍💻🦄" * 50, "\u0007\u001b[31m",
    "' OR 1=1 --", "'; DROP TABLE users; --", "{{ 7*7 }}", "{% raw %}", "${7*7}",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
    "-1", "0", "1e309", "NaN", "99999999999999999999999", "2026-02-31", "9999-12-31T23:59",
    "../../etc/passwd", "%00", "\\x00", "Лідерство", "null", "[]", "{}",
]  # fmt: skip


class FormFinder(HTMLParser):
    """Collects each POST form's action and the names (and options) of its fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": {}}
        elif self._form is None or not attrs.get("name"):
            return
        elif tag in ("input", "textarea"):
            self._form["fields"].setdefault(attrs["name"], [])
            if attrs.get("value"):
                self._form["fields"][attrs["name"]].append(attrs["value"])
        elif tag == "select":
            self._select = attrs["name"]
            self._form["fields"].setdefault(attrs["name"], [])
        if tag == "option" and self._select and attrs.get("value"):
            self._form["fields"][self._select].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None


def forms_on(html: str, page_path: str) -> list[dict]:
    finder = FormFinder()
    finder.feed(html)
    for form in finder.forms:
        form["action"] = urlsplit(form["action"] or page_path).path
    return finder.forms


def field_values(known: list[str], foreign_ids: list[str]):
    choices = HOSTILE_TEXT + foreign_ids + known
    return st.one_of(st.sampled_from(choices), st.text(max_size=300), st.integers().map(str))


def carries_ids(name: str, known: list[str]) -> bool:
    return name.endswith("id") or (bool(known) and all(value.isdigit() for value in known))


def submit_foreign_ids(client, form: dict, foreign_ids: list[str]) -> int:
    """Valid values everywhere but the id fields, which get the foreign ids: all at
    once (checkbox lists) and one by one. Returns the number of submissions."""
    id_fields = [name for name, known in form["fields"].items() if carries_ids(name, known)]
    if not id_fields:
        return 0
    valid = {name: known[:1] for name, known in form["fields"].items()
             if name not in NEVER_SUBMITTED}  # fmt: skip
    numeric = [value for value in foreign_ids if value.isdigit()]
    submissions = [dict.fromkeys(id_fields, numeric)] + [
        dict.fromkeys(id_fields, [value]) for value in numeric
    ]
    for ids in submissions:
        response = client.post(form["action"], data={**valid, **ids})
        assert response.status_code < 500, (form["action"], ids)
        db.session.rollback()
    return len(submissions)


def fuzz(client, form: dict, foreign_ids: list[str]) -> None:
    names = [name for name in form["fields"] if name not in NEVER_SUBMITTED]
    values = st.fixed_dictionaries(
        {name: field_values(form["fields"][name], foreign_ids) for name in names}
    )

    @settings(max_examples=EXAMPLES_PER_FORM, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(data=values)
    def submit(data):
        response = client.post(form["action"], data=data)
        assert response.status_code < 500, (form["action"], data)
        db.session.rollback()

    submit()


@pytest.mark.parametrize("role", ROLES)
def test_every_form_survives_hostile_input(app, role, capsys):
    worlds = build_two_worlds()
    world = worlds.own
    foreign_ids = object_ids(worlds.foreign)
    before = rows_of_communities(worlds.foreign_community_ids)

    client = world.client_for(app, role)
    forms: dict[tuple, dict] = {}
    for case in all_cases():
        if case.method != "GET" or case.expect[role] != ALLOWED or case.endpoint in SITE_WIDE_PAGES:
            continue
        with app.test_request_context():
            path = url_for(case.endpoint, **case.url_args(world))
        response = client.get(path)
        if response.mimetype != "text/html":
            continue
        for form in forms_on(response.get_data(as_text=True), path):
            if not form["action"].endswith(SKIPPED_ACTIONS):
                forms.setdefault((form["action"], tuple(sorted(form["fields"]))), form)

    foreign_id_submissions = 0
    for form in forms.values():
        fuzz(client, form, foreign_ids)
        foreign_id_submissions += submit_foreign_ids(client, form, foreign_ids)

    assert forms, f"no forms found for {role}"
    db.session.expire_all()
    assert changed_tables(before, rows_of_communities(worlds.foreign_community_ids)) == []
    with capsys.disabled():
        print(
            f"\nhostile input, {role}: {len(forms)} forms × {EXAMPLES_PER_FORM} examples, "
            f"{foreign_id_submissions} submissions of {len(foreign_ids)} foreign ids"
        )
