"""Reports and the leaders' decisions: approve, reject, hide, restore, remove as spam."""

from contextlib import contextmanager

import pytest

from community import services as communities
from conversations import decisions, reporting
from conversations.models import ContentReport, ContentState, PostingBan
from conversations.moderation import screen_new_content
from core import commands
from core.audit import AuditEntry
from core.errors import DomainError
from core.extensions import db
from core.signals import content_moderated, content_reported, post_published, reply_published
from tests.conftest import make_community, make_user
from tests.test_conversations_moderation_factories import make_post, make_reply


@pytest.fixture
def people(app):
    leader = make_user("leader@example.com", "Lena Leader")
    admin = make_user("admin@example.com", "Ada Admin", is_admin=True)
    author = make_user("author@example.com", "Oleh Author")
    community = make_community(leader)
    members = [make_user(f"m{n}@example.com", f"Member {n}") for n in range(4)]
    for person in [author, *members]:
        communities.join_community(person, community)
    db.session.commit()
    return leader, admin, author, members, community


@contextmanager
def heard(signal):
    calls = []

    def listen(sender, **kwargs):
        calls.append((sender, kwargs))

    signal.connect(listen)
    try:
        yield calls
    finally:
        signal.disconnect(listen)


def command(action):
    with commands.transaction():
        return action()


def audit_actions() -> list[str]:
    rows = db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars()
    return [a for a in rows if a.startswith("conversations.")]


# --- reports ------------------------------------------------------------------------------


def test_reports_from_three_people_hide_a_post_once(people):
    _leader, _admin, author, members, community = people
    post = make_post(author, community)
    with heard(content_reported) as reported:
        for member in members[:3]:
            command(lambda m=member: reporting.report_content(m, post, "Spam link"))
    db.session.refresh(post)
    assert post.state == ContentState.HIDDEN
    assert [kwargs["hidden"] for _s, kwargs in reported] == [False, False, True]
    with pytest.raises(DomainError):  # hidden: nothing more to report
        command(lambda: reporting.report_content(members[3], post, "Also spam"))


def test_a_person_reports_an_item_once(people):
    _leader, _admin, author, members, community = people
    post = make_post(author, community)
    command(lambda: reporting.report_content(members[0], post, "Rude"))
    with pytest.raises(DomainError):
        command(lambda: reporting.report_content(members[0], post, "Rude again"))
    assert db.session.execute(db.select(db.func.count(ContentReport.id))).scalar_one() == 1


def test_a_report_needs_a_bounded_reason(people):
    _leader, _admin, author, members, community = people
    post = make_post(author, community)
    for reason in ("", "   ", "x" * 501):
        with pytest.raises(DomainError) as refused:
            command(lambda r=reason: reporting.report_content(members[0], post, r))
        assert refused.value.field == "reason"


def test_hiding_a_reply_by_reports_recounts_the_post(app, people, monkeypatch):
    leader, _admin, author, members, community = people
    post = make_post(leader, community)
    reply = make_reply(author, post)
    assert post.reply_count == 1
    monkeypatch.setitem(app.config, "REPORTS_TO_HIDE", 1)
    command(lambda: reporting.report_content(members[0], reply, "Off topic"))
    db.session.refresh(post)
    assert post.reply_count == 0


# --- decisions ----------------------------------------------------------------------------


def test_approving_held_content_publishes_it(people):
    leader, _admin, author, _members, community = people
    post = make_post(author, community, state=ContentState.HELD, state_reason="New member")
    reply = make_reply(author, make_post(leader, community), state=ContentState.HELD)
    with heard(post_published) as posts, heard(reply_published) as replies:
        command(lambda: decisions.approve(leader, post))
        command(lambda: decisions.approve(leader, reply))
    db.session.refresh(post)
    db.session.refresh(reply)
    assert (post.state, post.state_reason) == (ContentState.VISIBLE, None)
    assert reply.state == ContentState.VISIBLE and reply.post.reply_count == 1
    assert posts[0][0] == post and posts[0][1]["actor"] == author
    assert replies[0][0] == reply
    assert audit_actions() == ["conversations.approve", "conversations.approve"]


def test_approving_visible_content_without_reports_is_refused(people):
    leader, _admin, author, _members, community = people
    post = make_post(author, community)
    with pytest.raises(DomainError):
        command(lambda: decisions.approve(leader, post))


def test_approving_a_reported_item_keeps_it_and_resolves_its_reports(people):
    leader, _admin, author, members, community = people
    post = make_post(author, community)
    for member in members[:2]:
        command(lambda m=member: reporting.report_content(m, post, "Hmm"))
    command(lambda: decisions.approve(leader, post))
    reports = db.session.execute(db.select(ContentReport)).scalars().all()
    assert {(r.resolution, r.resolved_by_id) for r in reports} == {("kept", leader.id)}
    assert post.state == ContentState.VISIBLE


def test_rejecting_needs_a_reason_the_author_reads(people):
    leader, _admin, author, _members, community = people
    post = make_post(author, community, state=ContentState.HELD)
    with pytest.raises(DomainError) as refused:
        command(lambda: decisions.reject(leader, post, "  "))
    assert refused.value.field == "reason"
    with heard(content_moderated) as told:
        command(lambda: decisions.reject(leader, post, "Please post job offers in #jobs"))
    db.session.refresh(post)
    assert post.state == ContentState.REMOVED
    assert post.state_reason == "Please post job offers in #jobs"
    assert told[0][1]["decision"] == "rejected" and told[0][1]["actor"] == leader


def test_hiding_resolves_every_report_together_and_tells_the_author(people):
    leader, _admin, author, members, community = people
    post = make_post(author, community)
    for member in members[:2]:
        command(lambda m=member: reporting.report_content(m, post, "Rude"))
    with heard(content_moderated) as told:
        command(lambda: decisions.hide(leader, post))
    open_reports = db.select(ContentReport).where(ContentReport.resolved_at.is_(None))
    assert db.session.execute(open_reports).first() is None
    assert post.state == ContentState.HIDDEN
    assert told[0][1]["decision"] == "hidden"
    with pytest.raises(DomainError):
        command(lambda: decisions.hide(leader, post))


def test_restoring_a_hidden_reply_counts_it_again(people):
    leader, _admin, author, _members, community = people
    post = make_post(leader, community)
    reply = make_reply(author, post)
    command(lambda: decisions.hide(leader, reply))
    assert post.reply_count == 0
    command(lambda: decisions.restore(leader, reply))
    db.session.refresh(post)
    assert reply.state == ContentState.VISIBLE and post.reply_count == 1
    with pytest.raises(DomainError):
        command(lambda: decisions.restore(leader, reply))
    assert audit_actions() == ["conversations.hide", "conversations.restore"]


# --- remove as spam -----------------------------------------------------------------------


def test_remove_as_spam_removes_everything_the_person_wrote_there_and_bans_them(
    app, people, monkeypatch
):
    monkeypatch.setitem(
        app.config, "POSTS_PER_MINUTE", 0
    )  # the spammer wrote fast; only the ban counts here
    leader, _admin, author, members, community = people
    elsewhere = make_community(leader, "QA Guild")
    communities.join_community(author, elsewhere)
    spam = make_post(author, community, title="Cheap watches")
    held = make_post(author, community, state=ContentState.HELD)
    thread = make_post(leader, community)
    replies = [make_reply(author, thread), make_reply(author, thread)]
    kept_reply = make_reply(members[0], thread)
    other_community_post = make_post(author, elsewhere)
    command(lambda: reporting.report_content(members[0], spam, "Spam"))

    removed = command(lambda: decisions.remove_as_spam(leader, spam))

    assert removed == 4
    for item in (spam, held, *replies):
        db.session.refresh(item)
        assert item.state == ContentState.REMOVED
    db.session.refresh(thread)
    db.session.refresh(other_community_post)
    assert thread.reply_count == 1 and kept_reply.state == ContentState.VISIBLE
    assert other_community_post.state == ContentState.VISIBLE
    assert db.session.execute(db.select(ContentReport.resolution)).scalar_one() == "spam"
    ban = db.session.execute(db.select(PostingBan)).scalar_one()
    assert (ban.user_id, ban.community_id) == (author.id, community.id)
    with pytest.raises(DomainError):
        screen_new_content(author, community, "Hello", is_post=True)
    assert screen_new_content(author, elsewhere, "Hello", is_post=True)[0] == ContentState.VISIBLE
    assert "conversations.remove_as_spam" in audit_actions()
    assert author.active


def test_remove_as_spam_twice_keeps_one_ban(people):
    leader, _admin, author, _members, community = people
    first = make_post(author, community)
    command(lambda: decisions.remove_as_spam(leader, first))
    assert command(lambda: decisions.remove_as_spam(leader, first)) == 0
    assert len(db.session.execute(db.select(PostingBan)).scalars().all()) == 1


def test_an_admin_may_also_deactivate_the_spammer(people):
    _leader, admin, author, _members, community = people
    post = make_post(author, community)
    command(lambda: decisions.remove_as_spam(admin, post, deactivate=True))
    db.session.refresh(author)
    assert not author.active
    actions = db.session.execute(db.select(AuditEntry.action)).scalars().all()
    assert "account.deactivate" in actions


def test_nobody_removes_themselves_as_spam(people):
    leader, _admin, _author, _members, community = people
    post = make_post(leader, community)
    with pytest.raises(DomainError):
        command(lambda: decisions.remove_as_spam(leader, post))


def _co_leader(leader, community):
    co_leader = make_user("co@example.com", "Cora Co-leader")
    membership = communities.join_community(co_leader, community)
    communities.set_member_role(leader, membership, communities.MembershipRole.LEADER)
    db.session.commit()
    return co_leader


def test_a_leader_cannot_remove_a_co_leader_as_spam_but_an_admin_can(people):
    leader, admin, _author, _members, community = people
    co_leader = _co_leader(leader, community)
    post = make_post(co_leader, community)
    with pytest.raises(DomainError, match="Only an admin can remove a leader"):
        command(lambda: decisions.remove_as_spam(leader, post))
    db.session.refresh(post)
    assert post.state == ContentState.VISIBLE
    assert db.session.execute(db.select(PostingBan)).first() is None
    assert command(lambda: decisions.remove_as_spam(admin, post)) == 1
