"""Templates' translations are kept for the request, yet follow every change of locale."""

from flask import render_template_string
from flask_babel import force_locale, refresh

PAGE = "{{ _('Communities') }} · {{ ngettext('%(num)s member', '%(num)s members', 5) }}"


def test_a_mail_in_another_language_mid_request_is_translated_and_the_page_stays(app):
    with app.test_request_context("/", headers={"Accept-Language": "uk"}):
        assert render_template_string(PAGE) == "Спільноти · 5 учасників"
        with force_locale("en"):
            assert render_template_string(PAGE) == "Communities · 5 members"
        assert render_template_string(PAGE) == "Спільноти · 5 учасників"


def test_a_language_chosen_during_the_request_is_used_from_then_on(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}) as context:
        assert render_template_string(PAGE) == "Communities · 5 members"
        context.session["locale"] = "uk"
        refresh()
        assert render_template_string(PAGE) == "Спільноти · 5 учасників"


def test_outside_a_request_templates_are_in_english(app):
    with app.app_context():
        assert render_template_string(PAGE) == "Communities · 5 members"
