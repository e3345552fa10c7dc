"""The store of kept HTML (core/fragments.py): bounded by count and by length."""

from app import create_app
from core.fragments import LONGEST_KEPT, KeptHtml, digest
from tests.conftest import close_app, test_config


def test_the_store_drops_the_least_recently_used_beyond_its_count():
    store = KeptHtml(size=2)
    store.put("a", "<p>a</p>")
    store.put("b", "<p>b</p>")
    assert store.get("a") == "<p>a</p>"  # now the most recent
    store.put("c", "<p>c</p>")
    assert store.get("b") is None and store.get("a") and store.get("c")


def test_the_store_holds_at_most_its_characters_and_never_one_long_fragment():
    store = KeptHtml(size=1000, characters=10_000)
    for n in range(100):
        store.put(n, "x" * 1_000)
    assert sum(len(store.get(n) or "") for n in range(100)) <= 10_000
    assert store.get(99) and store.get(0) is None
    store.put("long", "y" * (LONGEST_KEPT + 1))
    assert store.get("long") is None


def test_a_fragment_kept_again_under_its_key_is_counted_once():
    store = KeptHtml(size=10, characters=3_000)
    for _ in range(10):
        store.put("same", "z" * 2_000)
    store.put("other", "w" * 900)
    assert store.get("same") and store.get("other")


def test_a_long_text_is_a_short_part_of_a_key():
    body = "<p>" + "я" * 20_000 + "</p>"
    assert len(digest(body)) == 16 and digest(body) == digest(str(body))
    assert digest(body) != digest(body.replace("я", "ю", 1))


def test_the_pages_links_and_scripts_are_kept_per_address_prefix(app):
    # base.html keeps its stylesheet, icon and script tags (the same on every page).
    app.extensions["kept_fragments"].clear()
    visitor = app.test_client()
    prefixed = visitor.get("/", environ_overrides={"SCRIPT_NAME": "/elsewhere"}).text
    assert 'href="/elsewhere/static/css/guildhall.css"' in prefixed
    assert 'src="/elsewhere/static/js/copy.js"' in prefixed
    page = visitor.get("/").text
    assert 'href="/static/css/guildhall.css"' in page and 'src="/static/js/copy.js"' in page
    assert "/elsewhere/" not in page
    assert page.count("bootstrap.min.css") == 1 and page.count("bootstrap.min.js") == 1


def test_an_untrusted_hosts_error_page_keeps_nothing_under_the_wrong_prefix(app, tmp_path):
    # Its links are built from SITE_URL (core/errors.py), here under /guildhall, while
    # the site is also served at the root: what it keeps must not reach the root's pages.
    config = test_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    config.update(TRUSTED_HOSTS=["localhost"], SITE_URL="http://localhost/guildhall")
    other = create_app(config)
    try:
        visitor = other.test_client()
        assert visitor.get("/", headers={"Host": "evil.example"}).status_code == 400
        page = visitor.get("/").text
        assert 'href="/static/css/guildhall.css"' in page and "/guildhall/" not in page
    finally:
        close_app(other)
