"""Rendered descriptions are kept by their text: an edit shows at once, safely."""

from core.text import _sanitised_html, render_markdown


def test_the_same_description_is_rendered_once_and_stays_sanitised():
    text = "**Hello** <script>alert(1)</script> [site](https://example.com)"
    _sanitised_html.cache_clear()
    first = render_markdown(text)
    second = render_markdown(text)
    assert first == second
    assert "<strong>Hello</strong>" in second and "<script>" not in second
    assert 'rel="noopener noreferrer nofollow"' in second
    assert _sanitised_html.cache_info().hits == 1


def test_an_edited_description_is_rendered_afresh():
    assert "<em>old</em>" in render_markdown("*old*")
    edited = render_markdown("*new*")
    assert "<em>new</em>" in edited and "old" not in edited


def test_no_description_renders_as_nothing():
    assert render_markdown(None) == render_markdown("") == ""
