"""No English left on a Ukrainian page: every page, as every role, in `uk`."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import has_request_context, url_for
from flask_babel import get_locale

from tests.matrix import ALLOWED, ROLES, all_cases, build_matrix_world

CATALOG = Path(__file__).resolve().parents[1] / "translations" / "uk" / "LC_MESSAGES"


def test_the_ukrainian_catalog_translates_every_string():
    with (CATALOG / "messages.po").open("rb") as po:
        catalog = read_po(po, locale="uk")
    untranslated = [
        message.id for message in catalog
        if message.id and not (message.string if isinstance(message.string, str)
                               else all(message.string))
    ]  # fmt: skip
    assert untranslated == [], f"{len(untranslated)} strings lack a Ukrainian translation"


def test_ukrainian_plural_forms_follow_the_numbers():
    translations = Translations.load(CATALOG.parent.parent, ["uk"])
    forms = [translations.ngettext("%(num)s member", "%(num)s members", n) % {"num": n}
             for n in (1, 2, 5, 21)]  # fmt: skip
    assert forms == ["1 учасник", "2 учасники", "5 учасників", "21 учасник"]


def _ukrainian_request() -> bool:
    return has_request_context() and str(get_locale()) == "uk"


@pytest.fixture
def missing_translations(monkeypatch):
    """Records every string looked up in the Ukrainian catalog that it does not have."""
    missing: set[str] = set()
    original_gettext, original_ngettext = Translations.gettext, Translations.ngettext

    def gettext(self, message):
        if _ukrainian_request() and message not in self._catalog:
            missing.add(message)
        return original_gettext(self, message)

    def ngettext(self, singular, plural, n):
        if _ukrainian_request() and (singular, 0) not in self._catalog:
            missing.add(singular)
        return original_ngettext(self, singular, plural, n)

    for name, replacement in [("gettext", gettext), ("ugettext", gettext),
                              ("ngettext", ngettext), ("ungettext", ngettext)]:  # fmt: skip
        monkeypatch.setattr(Translations, name, replacement)
    return missing


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_fully_ukrainian_for_every_role(app, role, missing_translations):
    world = build_matrix_world()
    client = world.client_for(app, role)
    client.post("/language", data={"language": "uk"})
    pages = 0
    for case in all_cases():
        if case.method != "GET" or case.expect[role] != ALLOWED:
            continue
        with app.test_request_context():
            path = url_for(case.endpoint, **case.url_args(world))
        response = client.get(path, headers={"Accept-Language": "uk"})
        assert response.status_code < 500
        if response.mimetype == "text/html" and response.status_code == 200:
            pages += 1
            assert '<html lang="uk">' in response.get_data(as_text=True), path
    assert pages > 0
    assert sorted(missing_translations) == []


def test_a_persons_name_is_labelled_as_a_persons_in_ukrainian(world, login):
    # "Name" alone reads "Назва", a thing's name; a person's is "Ім'я" (context "person").
    uk = {"Accept-Language": "uk"}
    settings = login(world.users["employee"]).get("/me", headers=uk).get_data(as_text=True)
    assert 'for="display_name">Ім\'я<' in settings
    members = login(world.users["leader"]).get("/communities/project-managers/members", headers=uk)
    assert '<th scope="col">Ім\'я</th>' in members.get_data(as_text=True)
    assert "Назва" not in settings
