"""Markdown is rendered once, when saved, in time that grows with the text alone."""

import time

import pytest
from sqlalchemy import update

import core.text
from community.models import Community
from core.extensions import db
from core.text import MAX_QUOTE_DEPTH, render_markdown
from initiatives import editing
from promotions import results
from promotions import services as promotions
from promotions.models import BriefStatus
from tests.test_events_factories import make_event
from tests.test_promotions_factories import brief_in

LONGEST = 20000  # the forms' limit for a description

PATHOLOGICAL = {
    "open brackets": "[" * LONGEST,
    "image brackets": "![" * (LONGEST // 2),
    "unclosed links": "[a](" * (LONGEST // 4),
    "nested quotes": ">" * LONGEST,
    "spaced quotes": "> " * (LONGEST // 2),
    "quotes after a bullet": "- " + ">" * (LONGEST - 2),
    "quotes after a carriage return": "x\r" + ">" * (LONGEST - 2),
    "quotes and lists": "> - " * (LONGEST // 4),
    "quotes after a fence in an HTML block": "<!--\n\n```\n-->\n" + ">" * (LONGEST - 14),
    "stars": "*" * LONGEST,
    "underscores": "_" * LONGEST,
    "emphasis runs": "*a " * (LONGEST // 3),
    "open angles": "<" * LONGEST,
    "open tags": "<a " * (LONGEST // 3),
    "backticks": "`" * LONGEST,
    "backtick runs": "".join("`" * n + "a" for n in range(1, 199)),
    "table pipes": "|" * 5000 + "\n" + "-|" * 5000 + "\n" + "|" * 5000,
    "reference bomb": "".join(f"[{i}]: /u{i}\n" for i in range(600))
    + "".join(f"[x][{i}]" for i in range(600)),
    "entities": "&" * LONGEST,
    # The HTML parser re-opens every formatting tag left open at each new paragraph.
    "open formatting tags before paragraphs": "".join(f"<b a{i}>" for i in range(900))
    + "<p>x" * 2500,
    "a few open tags before many paragraphs": "x"
    + "".join(f"<b a{i}>" for i in range(20))
    + "\n\nx" * 6000,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_markdown_renders_in_well_under_a_second(text):
    assert len(text) <= LONGEST + 100
    started = time.process_time()
    html = render_markdown(text)
    assert time.process_time() - started < 0.5
    assert "<script" not in html
    assert len(html) <= 10 * len(text) + 10_000  # stored, and sent with every page view


def test_a_table_padding_short_rows_with_empty_cells_is_not_stored_whole():
    text = "|a" * 1000 + "\n" + "|-" * 1000 + "\n" + "x\n" * 7000  # 500,000 empty cells
    started = time.process_time()
    html = render_markdown(text)
    assert time.process_time() - started < 2  # cmark itself needs ~0.5 s to pad them
    assert len(html) <= 10 * len(text) + 10_000 and "x" in html


def test_raw_html_past_its_budget_is_left_out_and_the_words_stay():
    html = render_markdown("".join(f"<b a{i}>" for i in range(900)) + "<p>word" * 2500)
    assert "<b>" not in html and html.count("word") == 2500


def test_quotes_nest_no_deeper_than_the_limit_and_keep_their_text():
    html = render_markdown(">" * 500 + " deep words")
    assert html.count("<blockquote>") == MAX_QUOTE_DEPTH and "deep words" in html
    assert render_markdown("> > quoted twice").count("<blockquote>") == 2


def test_code_in_a_fence_keeps_its_quote_marks_and_quotes_stay_capped_elsewhere():
    for fence in ("```", "~~~~", "  ```python"):
        html = render_markdown(f"{fence}\n{'>' * 25} code\n{fence.strip().split('p')[0]}\n")
        assert "&gt;" * 25 + " code" in html and "<blockquote>" not in html, fence
    html = render_markdown("```\n" + ">" * 25 + "\n```\n" + ">" * 500 + " deep")
    assert "&gt;" * 25 in html and html.count("<blockquote>") == MAX_QUOTE_DEPTH
    html = render_markdown("<!--\n\n```\n-->\n" + ">" * 500 + " deep")  # no fence after all
    assert html.count("<blockquote>") == MAX_QUOTE_DEPTH and "deep" in html


def test_markdown_keeps_what_pages_use_and_stays_sanitised():
    html = render_markdown(
        "## Agenda\n\n**Bold** <abbr>PMI</abbr> <script>alert(1)</script> "
        "[site](https://example.com) [bad](javascript:alert(2)) <img src=x onerror=alert(3)>\n\n"
        "| Book | Donation |\n|---|---|\n| Drive | 300 |\n\n- one\n- two\n\n`code`"
    )
    assert "<h2>Agenda</h2>" in html and "<strong>Bold</strong>" in html
    assert "<abbr>PMI</abbr>" in html and "<code>code</code>" in html
    assert "<td>Drive</td>" in html and "<li>one</li>" in html
    assert 'href="https://example.com" rel="noopener noreferrer nofollow"' in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html


def test_no_markdown_renders_as_nothing():
    assert render_markdown(None) == render_markdown("") == ""


def test_the_html_is_stored_when_the_markdown_is_saved_and_again_when_edited(world):
    community = world.community
    assert community.description_html == "<p>We <em>lead</em> projects.</p>\n"
    community.description = "*edited*"
    assert community.description_html == "<p><em>edited</em></p>\n"
    db.session.commit()
    db.session.expire_all()
    assert community.description_html == "<p><em>edited</em></p>\n"


@pytest.fixture
def everything_written(world):
    """A community, event, initiative and closed brief with every Markdown field set."""
    leader, smm = world.users["leader"], world.users["smm"]
    event = make_event(leader, world.community, description="**Event** text")
    initiative = editing.create_initiative(
        leader, world.community, title="Book sale", kind="catalog", status="active",
        description="**Initiative** text", is_public=True,
    )  # fmt: skip
    brief = brief_in(BriefStatus.RUNNING, leader, smm, world.community)
    promotions.add_comment(smm, brief, "**Comment** text")
    db.session.commit()  # report_results locks the brief first in its transaction
    results.report_results(smm, brief, "**Report** text", "**Lessons** text")
    for channel in brief.channels:
        channel.requirements = "**Requirements** text"
    db.session.commit()
    return event, initiative, brief


def test_a_page_view_never_renders_markdown(everything_written, world, login, monkeypatch):
    event, initiative, brief = everything_written

    def refuse(*args, **kwargs):
        raise AssertionError("Markdown rendered while showing a page")

    monkeypatch.setattr(core.text, "render_markdown", refuse)
    monkeypatch.setattr(core.text.cmarkgfm, "markdown_to_html_with_extensions", refuse)
    admin = login(world.users["admin"])
    pages = {
        f"/communities/{event.community.slug}": "<em>lead</em>",
        f"/events/{event.id}": "<strong>Event</strong>",
        f"/initiatives/{initiative.id}": "<strong>Initiative</strong>",
        f"/public/initiatives/{initiative.id}": "<strong>Initiative</strong>",
        f"/promotions/{brief.id}": "<strong>Comment</strong>",
        f"/promotions/{brief.id}/results": "<strong>Lessons</strong>",
        "/promotions/channels": "<strong>Requirements</strong>",
    }
    for path, shown in pages.items():
        response = admin.get(path)
        assert response.status_code == 200, path
        assert shown in response.get_data(as_text=True), path


def test_the_rerender_command_remakes_stale_html_and_keeps_the_rest(world, runner):
    community = world.community
    stale = '<p>We <em>lead</em> projects.</p><p><img src="x" onerror="alert(1)"></p>'
    db.session.execute(
        update(Community).where(Community.id == community.id).values(description_html=stale)
    )  # as a sanitiser before a fix might have stored it
    db.session.commit()
    result = runner.invoke(args=["markdown", "rerender", "--batch", "1"])
    assert result.exit_code == 0, result.output
    assert "communities.description: 1 of" in result.output
    db.session.expire_all()
    assert community.description_html == "<p>We <em>lead</em> projects.</p>\n"
    again = runner.invoke(args=["markdown", "rerender"])
    assert "communities.description: 0 of" in again.output  # nothing left to change
