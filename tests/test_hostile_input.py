"""Every form on every page, for every role, takes hostile input without a 500
and without touching another community's data (property-based, with Hypothesis).
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from community.models import JoinPolicy
from core.extensions import db
from tests.conftest import make_community, make_user
from tests.matrix import ALLOWED, ROLES, all_cases, build_matrix_world

EXAMPLES_PER_FORM = 12
NEVER_SUBMITTED = {"csrf_token"}
# Forms that end the session would sign the fuzzing role out for the rest of the run.
SKIPPED_ACTIONS = ("/signout",)

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


def foreign_rows(community_id: int) -> dict:
    """Every row that belongs to the foreign community (by community_id), and the community."""
    rows = {}
    for table in db.metadata.sorted_tables:
        if "community_id" in table.c:
            query = select(table).where(table.c.community_id == community_id)
        elif table.name == "communities":
            query = select(table).where(table.c.id == community_id)
        else:
            continue
        rows[table.name] = sorted(map(tuple, db.session.execute(query).all()), key=repr)
    return rows


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
def test_every_form_survives_hostile_input(app, role):
    world = build_matrix_world()
    foreign_leader = make_user("foreign.leader@example.com", "Foreign Leader")
    foreign = make_community(foreign_leader, "Foreign Guild", join_policy=JoinPolicy.APPROVAL)
    foreign_ids = [str(foreign.id), foreign.slug]
    before = foreign_rows(foreign.id)

    client = world.client_for(app, role)
    forms: dict[tuple, dict] = {}
    for case in all_cases():
        if case.method != "GET" or case.expect[role] != ALLOWED:
            continue
        with app.test_request_context():
            path = url_for(case.endpoint, **case.url_args(world))
        response = client.get(path)
        if response.mimetype != "text/html":
            continue
        for form in forms_on(response.get_data(as_text=True), path):
            if not form["action"].endswith(SKIPPED_ACTIONS):
                forms.setdefault((form["action"], tuple(sorted(form["fields"]))), form)

    for form in forms.values():
        fuzz(client, form, foreign_ids)

    assert forms, f"no forms found for {role}"
    db.session.expire_all()
    assert foreign_rows(foreign.id) == before
