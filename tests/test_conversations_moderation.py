"""Screening new content: posting bans, posting limits, watched words, first posts held."""

from datetime import timedelta

import pytest
from flask import current_app

from community import services as communities
from conversations import watched_words
from conversations.models import ContentState, PostingBan, WatchedWordAction
from conversations.moderation import screen_new_content
from core.errors import DomainError
from core.extensions import db
from tests.conftest import make_community, make_user
from tests.test_conversations_moderation_factories import make_post, make_reply, post_screened


@pytest.fixture
def people(app):
    leader = make_user("leader@example.com", "Lena Leader")
    admin = make_user("admin@example.com", "Ada Admin", is_admin=True)
    member = make_user("member@example.com", "Max Member")
    community = make_community(leader)
    communities.join_community(member, community)
    db.session.commit()
    return leader, admin, member, community


def watch(admin, phrase: str, action: WatchedWordAction):
    word = watched_words.add_watched_word(admin, phrase, action)
    db.session.commit()
    return word


def screen(author, community, text="Hello there", *, is_post=True):
    """Screen as a page posting does (in a request: the limits hold there)."""
    with current_app.test_request_context("/communities/x/posts", method="POST"):
        return screen_new_content(author, community, text, is_post=is_post)


def test_ordinary_content_is_visible(people):
    _leader, _admin, member, community = people
    assert screen(member, community) == (ContentState.VISIBLE, None)


def test_a_person_removed_as_spam_cannot_post(people):
    leader, _admin, member, community = people
    db.session.add(PostingBan(community_id=community.id, user_id=member.id))
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        screen(member, community)
    assert refused.value.field == "body"


# --- watched words ------------------------------------------------------------------------


def test_a_refusing_word_refuses_without_naming_it(people):
    _leader, admin, member, community = people
    watch(admin, "Casino", WatchedWordAction.REFUSE)
    with pytest.raises(DomainError) as refused:
        screen(member, community, "Best CASINO bonuses here")
    assert refused.value.field == "body"
    assert "casino" not in refused.value.message.lower()


def test_a_holding_word_holds_with_a_reason(people):
    _leader, admin, member, community = people
    watch(admin, "crypto", WatchedWordAction.HOLD)
    state, reason = screen(member, community, "Let's talk about Crypto.")
    assert state == ContentState.HELD
    assert reason and "crypto" not in reason.lower()


def test_refuse_wins_over_hold(people):
    _leader, admin, member, community = people
    watch(admin, "crypto", WatchedWordAction.HOLD)
    watch(admin, "casino", WatchedWordAction.REFUSE)
    with pytest.raises(DomainError):
        screen(member, community, "crypto casino")


def test_watched_words_match_cyrillic_whole_words_in_any_case(people):
    _leader, admin, member, community = people
    watch(admin, "Знижка", WatchedWordAction.HOLD)
    assert screen(member, community, "Велика ЗНИЖКА сьогодні!")[0] == ContentState.HELD
    assert screen(member, community, "Знижками не цікавлюсь")[0] == ContentState.VISIBLE


def test_watched_words_match_whole_words_only(people):
    _leader, admin, member, community = people
    watch(admin, "sale", WatchedWordAction.HOLD)
    assert screen(member, community, "Wholesale prices")[0] == ContentState.VISIBLE
    assert screen(member, community, "Charity book (sale)")[0] == ContentState.HELD


def test_a_watched_phrase_matches_across_spacing_and_case(people):
    _leader, admin, member, community = people
    watch(admin, "free  money", WatchedWordAction.REFUSE)
    assert watched_words.list_watched_words()[0].phrase == "free money"
    with pytest.raises(DomainError):
        screen(member, community, "Get FREE\n money now")
    assert screen(member, community, "free lunch, no money")[0] == ContentState.VISIBLE


def test_matching_a_long_text_against_many_phrases_stays_fast(people):
    import time

    _leader, admin, member, community = people
    for n in range(200):
        phrase = " ".join(["a"] * (n % 8) + [f"w{n}"])
        db.session.add(watched_words.WatchedWord(phrase=phrase, action=WatchedWordAction.HOLD))
    db.session.commit()
    text = "a " * 50_000
    started = time.process_time()
    assert screen(member, community, text)[0] == ContentState.VISIBLE
    assert time.process_time() - started < 2


def test_adding_a_watched_word_is_bounded_and_audited(people):
    from core.audit import AuditEntry

    _leader, admin, _member, _community = people
    watch(admin, "spam", WatchedWordAction.HOLD)
    for bad in ("", "!!!", "x" * 101, " ".join(["w"] * 9), "SPAM"):
        with pytest.raises(DomainError) as refused:
            watched_words.add_watched_word(admin, bad, WatchedWordAction.HOLD)
        assert refused.value.field == "phrase"
        db.session.rollback()
    word = watched_words.list_watched_words()[0]
    watched_words.delete_watched_word(admin, word)
    db.session.commit()
    watched = AuditEntry.action.startswith("watched_word")
    actions = [
        e.action
        for e in db.session.execute(
            db.select(AuditEntry).where(watched).order_by(AuditEntry.id)
        ).scalars()
    ]
    assert actions == ["watched_word.add", "watched_word.delete"]


# --- posting limits -----------------------------------------------------------------------


def test_posts_per_minute_are_limited_per_person_with_when_to_try_again(app, people, monkeypatch):
    _leader, _admin, member, community = people
    monkeypatch.setitem(app.config, "POSTS_PER_MINUTE", 2)
    make_post(member, community, ago=timedelta(seconds=50))
    make_post(member, community, ago=timedelta(seconds=10))
    with pytest.raises(DomainError) as refused:
        screen(member, community)
    assert refused.value.field == "body"
    assert "again at" in refused.value.message
    # Replies count apart, and other people are not limited by this person's posts.
    assert screen(member, community, is_post=False)[0] == ContentState.VISIBLE
    other = make_user("other@example.com")
    communities.join_community(other, community)
    assert screen(other, community)[0] == ContentState.VISIBLE


def test_older_posts_leave_the_minute_but_count_for_the_day(app, people, monkeypatch):
    _leader, _admin, member, community = people
    monkeypatch.setitem(app.config, "POSTS_PER_MINUTE", 2)
    monkeypatch.setitem(app.config, "POSTS_PER_DAY", 3)
    make_post(member, community, ago=timedelta(minutes=5))
    make_post(member, community, ago=timedelta(minutes=3))
    assert screen(member, community)[0] == ContentState.VISIBLE
    make_post(member, community, ago=timedelta(minutes=2))
    with pytest.raises(DomainError):
        screen(member, community)


def test_replies_per_minute_are_limited(app, people, monkeypatch):
    leader, _admin, member, community = people
    monkeypatch.setitem(app.config, "REPLIES_PER_MINUTE", 1)
    post = make_post(leader, community)
    make_reply(member, post)
    with pytest.raises(DomainError) as refused:
        screen(member, community, is_post=False)
    assert "reply again" in refused.value.message


def test_a_limit_of_zero_is_off(app, people, monkeypatch):
    _leader, _admin, member, community = people
    monkeypatch.setitem(app.config, "POSTS_PER_MINUTE", 0)
    for _ in range(5):
        make_post(member, community)
    assert screen(member, community)[0] == ContentState.VISIBLE


# --- first posts held ---------------------------------------------------------------------


def test_a_community_holds_new_members_first_posts(people):
    leader, _admin, member, community = people
    community.hold_first_posts = 2
    db.session.commit()
    first = post_screened(member, community)
    assert first.state == ContentState.HELD
    assert first.state_reason_text == "New members' first posts wait for a leader's approval."
    post = make_post(leader, community)
    state, _reason = screen(member, community, is_post=False)
    assert state == ContentState.HELD  # a reply counts as one of the first items
    reply = make_reply(member, post, state=state)
    # Held ones let nothing through (a spammer's many at once stay held) until approved.
    assert screen(member, community)[0] == ContentState.HELD
    first.state = reply.state = ContentState.VISIBLE
    db.session.commit()
    assert screen(member, community)[0] == ContentState.VISIBLE


def test_refused_content_does_not_count_as_a_first_post(people):
    _leader, admin, member, community = people
    community.hold_first_posts = 1
    watch(admin, "casino", WatchedWordAction.REFUSE)
    with pytest.raises(DomainError):
        screen(member, community, "casino")
    assert screen(member, community)[0] == ContentState.HELD


def test_leaders_and_admins_are_never_held_as_new_members(people):
    leader, admin, _member, community = people
    community.hold_first_posts = 5
    db.session.commit()
    assert screen(leader, community)[0] == ContentState.VISIBLE
    assert screen(admin, community)[0] == ContentState.VISIBLE


def test_first_posts_are_counted_per_community(people):
    leader, _admin, member, community = people
    other = make_community(leader, "QA Guild")
    communities.join_community(member, other)
    other.hold_first_posts = 1
    db.session.commit()
    make_post(member, community)
    assert screen(member, other)[0] == ContentState.HELD


def test_scripts_and_the_demo_are_not_limited(app, people, monkeypatch):
    _leader, _admin, member, community = people
    monkeypatch.setitem(app.config, "POSTS_PER_MINUTE", 1)
    make_post(member, community)
    state, _reason = screen_new_content(member, community, "Seeded", is_post=True)
    assert state == ContentState.VISIBLE
