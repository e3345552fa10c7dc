"""Guildhall's look: the palette's contrast, the page header, empty states, the icon."""

import re
from pathlib import Path

import pytest

from tests.conftest import make_user

CSS = Path(__file__).resolve().parents[1] / "static" / "css" / "guildhall.css"


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def palette() -> dict[str, str]:
    """The `--gh-*` colours the stylesheet defines."""
    return dict(re.findall(r"--gh-([a-z-]+):\s*(#[0-9a-f]{6})", CSS.read_text()))


# (text, ground, least ratio): text 4.5:1, focus rings and control borders 3:1 (WCAG 1.4.11).
PAIRS = [
    ("text", "canvas", 4.5),
    ("muted", "canvas", 4.5),
    ("muted", "#ffffff", 4.5),
    ("brand", "#ffffff", 4.5),
    ("brand", "canvas", 4.5),
    ("brand", "brand-tint", 4.5),
    ("brand", "#fff3cd", 4.5),  # links in warning alerts and at-risk rows
    ("#ffffff", "brand", 4.5),  # button text
    ("#ffffff", "brand-dark", 4.5),  # hovered button
    ("#ffffff", "header", 4.5),
    ("brass", "header", 3),  # focus ring in the header
    ("control-line", "#ffffff", 3),
    ("danger", "canvas", 4.5),  # outlined "Delete" buttons, field errors
    ("success", "canvas", 4.5),
    ("#ffffff", "danger", 4.5),
]


@pytest.mark.parametrize(("text", "ground", "least"), PAIRS)
def test_palette_meets_wcag_aa_contrast(text, ground, least):
    colours = palette()
    ratio = contrast(colours.get(text, text), colours.get(ground, ground))
    assert ratio >= least, f"{text} on {ground}: {ratio:.2f}:1"


def test_contrast_formula_matches_the_known_ratios():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_favicon_is_served_at_the_site_root_and_linked_from_every_page(client):
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200
        assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    html = client.get("/signin").text
    icons = re.findall(r'<link rel="(?:icon|apple-touch-icon)" href="([^"]+)"', html)
    assert [href.rsplit("/", 1)[-1].split("?")[0] for href in icons] == [
        "favicon.svg", "favicon-32.png", "apple-touch-icon.png"
    ]  # fmt: skip
    for href in icons:
        with client.get(href) as response:
            assert response.status_code == 200


def part(html: str, css_class: str) -> str:
    """The page from the element whose class is `css_class` up to the next section heading
    (or the end of the main content)."""
    start = html.index(f'<div class="{css_class}">')
    ends = [i for i in (html.find("<h2", start), html.find("</main>", start)) if i != -1]
    return html[start : min(ends)]


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_community_page_header_has_breadcrumb_title_and_actions(world, login):
    html = login(world.users["employee"]).get(f"/communities/{world.community.slug}").text
    assert html.count("<h1") == 1
    header = part(html, "page-header")
    assert '<h1 class="page-title">Project Managers</h1>' in header
    crumbs = re.search(
        r'<nav aria-label="Breadcrumb"[^>]*><ol class="breadcrumb">(.*?)</ol>', header, re.S
    )
    items = re.findall(r"<li ([^>]*)>(.*?)</li>", crumbs.group(1), re.S)
    assert [text(item) for _, item in items] == ["Communities", "Project Managers"]
    assert 'aria-current="page"' in items[-1][0] and "<a" not in items[-1][1]
    actions = header[header.index('class="page-actions') :]
    assert re.search(r'<button type="submit" class="btn btn-primary">Join</button>', actions)


def test_directory_without_communities_tells_an_admin_to_create_one(app, login):
    admin = make_user("admin@example.com", "Ada Admin", is_admin=True)
    html = login(admin).get("/communities/").text
    assert '<a class="btn btn-primary" href="/communities/new">New community</a>' in part(
        html, "page-header"
    )
    empty = part(html, "empty-state")
    assert "No communities here yet." in empty
    assert '<a class="btn btn-primary" href="/communities/new">Create a community</a>' in empty


def test_directory_without_communities_tells_an_employee_what_will_appear(app, login):
    employee = make_user("employee@example.com", "Emma Employee")
    html = login(employee).get("/communities/").text
    assert "page-actions" not in part(html, "page-header")
    empty = part(html, "empty-state")
    assert "appears here for you to join" in empty and "<a" not in empty


def test_empty_conversations_offer_members_to_start_one(world, login):
    slug = world.community.slug
    html = login(world.users["member"]).get(f"/communities/{slug}/posts").text
    new_post = f'<a class="btn btn-primary" href="/communities/{slug}/posts/new">'
    assert new_post + "New post</a>" in part(html, "page-header")
    assert new_post + "Start a conversation</a>" in part(html, "empty-state")


def test_leader_without_events_is_offered_new_event(world, login):
    slug = world.community.slug
    html = login(world.users["leader"]).get(f"/events?community={slug}").text
    empty = part(html, "empty-state")
    assert f'href="/communities/{slug}/events/new">New event</a>' in empty


def test_empty_notifications_say_what_arrives_in_ukrainian_too(world, login):
    client = login(world.users["employee"])
    client.post("/language", data={"language": "uk"})
    empty = part(client.get("/notifications").text, "empty-state")
    assert "Сюди надходять відповіді" in empty
    assert "Приєднатися до спільноти</a>" in empty
