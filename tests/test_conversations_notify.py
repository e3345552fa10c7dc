"""Conversations tell people: replies, mentions, announcements, ideas' statuses, reports
and moderation (notifications/conversation_kinds.py), each once, only to readers."""

from sqlalchemy import select

from community import services as communities
from conversations.models import IdeaStatus, IdeaVote, PostKind, PostRead
from core import commands
from core.extensions import db
from core.mail import OutgoingEmail
from core.signals import (
    content_moderated,
    content_reported,
    idea_status_changed,
    reply_published,
)
from notifications import services
from notifications.conversation_kinds import (
    ANNOUNCEMENT,
    CONTENT_MODERATED,
    CONTENT_REPORTED,
    IDEA_STATUS,
    MENTION,
    REPLY,
    THREAD_REPLY,
)
from notifications.mail import target_url, text_of
from notifications.models import Delivery
from tests.conversations_notify_support import new_post, new_reply, person, told


def join(user, community):
    communities.join_community(user, community)
    db.session.commit()


def choose(user, kind: str, delivery: Delivery) -> None:
    services.set_deliveries(user, {kind: delivery.value})
    db.session.commit()


# --- replies ----------------------------------------------------------------------------


def test_a_reply_tells_the_post_author_and_leads_to_the_reply(world, app):
    leader, member = world.users["leader"], world.users["member"]
    post = new_post(leader, world.community, title="PMBOK 7?")
    reply = new_reply(member, post)

    [note] = told(leader, REPLY.name)
    assert text_of(note) == "New reply to PMBOK 7?"
    with app.test_request_context():
        url = target_url(note)
    # The page of the thread that ends with the reply (replies are paged), at the reply.
    assert url == (
        f"/communities/{world.community.slug}/posts/{post.id}"
        f"?before={reply.id + 1}#reply-{reply.id}"
    )
    assert told(member) == []  # the replier is never told of their own reply


def test_a_reply_tells_earlier_repliers_except_those_who_muted_the_post(world):
    leader, member = world.users["leader"], world.users["member"]
    quiet, third = person("Quiet Person"), person("Third Person")
    for someone in (quiet, third):
        join(someone, world.community)
    post = new_post(leader, world.community)
    new_reply(member, post)
    new_reply(quiet, post)
    with commands.transaction():
        db.session.add(PostRead(user_id=quiet.id, post_id=post.id, muted=True))
    new_reply(third, post)

    assert len(told(member, THREAD_REPLY.name)) == 2  # quiet's reply, then third's
    assert told(quiet, THREAD_REPLY.name) == []  # muted
    assert told(third, THREAD_REPLY.name) == []  # wrote the newest one
    assert len(told(leader, REPLY.name)) == 3 and told(leader, THREAD_REPLY.name) == []


def test_a_muted_post_does_not_tell_its_author_of_replies(world):
    leader, member = world.users["leader"], world.users["member"]
    post = new_post(leader, world.community)
    with commands.transaction():
        db.session.add(PostRead(user_id=leader.id, post_id=post.id, muted=True))
    new_reply(member, post)
    assert told(leader) == []


def test_a_reply_signal_sent_twice_tells_once(world):
    leader, member = world.users["leader"], world.users["member"]
    post = new_post(leader, world.community)
    reply = new_reply(member, post)
    with commands.transaction():
        reply_published.send(reply, actor=member)
    assert len(told(leader, REPLY.name)) == 1


def test_someone_who_left_an_approval_community_is_not_told_of_replies(world):
    leader, member = world.users["leader"], world.users["member"]
    qa = world.approval_community
    post = new_post(leader, qa)
    membership = communities.join_community(member, qa)
    db.session.commit()
    communities.approve_request(leader, membership)
    db.session.commit()
    new_reply(member, post)
    communities.leave_community(member, qa)
    db.session.commit()
    new_reply(leader, post)
    assert told(member, THREAD_REPLY.name) == []


# --- mentions ---------------------------------------------------------------------------


def test_a_mention_tells_the_person_named_once(world):
    leader = world.users["leader"]
    olena = person("Olena Kovalenko")
    new_post(leader, world.community, body="@Olena Kovalenko, and again @olena kovalenko!")
    [note] = told(olena, MENTION.name)
    assert text_of(note) == "You were mentioned in Що почитати про лідерство?"


def test_the_longest_name_wins_whatever_its_case_cyrillic_too(world):
    leader = world.users["leader"]
    olena, olena_k = person("Олена"), person("Олена Коваленко")
    new_post(leader, world.community, body="Питання до @олена коваленко: що порадите?")
    assert len(told(olena_k, MENTION.name)) == 1
    assert told(olena, MENTION.name) == []


def test_a_mention_tells_only_people_who_may_read_the_post(world):
    leader, employee = world.users["leader"], world.users["employee"]
    post = new_post(leader, world.approval_community, body="@Emma Employee, see this")
    assert post.id and told(employee) == []  # not a member of the approval community


def test_mentioning_oneself_tells_nobody(world):
    member = world.users["member"]
    new_post(member, world.community, body="Note to self, @Max Member")
    assert told(member) == []


def test_a_mention_in_a_reply_replaces_the_reply_notice(world):
    leader, member = world.users["leader"], world.users["member"]
    post = new_post(leader, world.community)
    new_reply(member, post, body="@Lena Leader what do you think?")
    assert len(told(leader, MENTION.name)) == 1 and told(leader, REPLY.name) == []


def test_mentions_are_bounded_per_item(world):
    from conversations.mentions import MAX_MENTIONS, mentioned_people

    people = [person(f"Reader {chr(ord('A') + i)}") for i in range(MAX_MENTIONS + 3)]
    text = " ".join(f"@{p.display_name}" for p in people)
    found = mentioned_people(text, world.community)
    assert [p.id for p in found] == [p.id for p in people[:MAX_MENTIONS]]


def test_an_email_address_is_not_a_mention(world):
    from conversations.mentions import mentioned_people

    person("Example")
    assert mentioned_people("write to olena@Example.com", world.community) == []


# --- announcements ----------------------------------------------------------------------


def test_an_announcement_tells_every_member_as_each_chose(world):
    leader, member = world.users["leader"], world.users["member"]
    digest, off, gone = person("Digest Reader"), person("Quiet Reader"), person("Gone Reader")
    for someone in (digest, off, gone):
        join(someone, world.community)
    choose(digest, ANNOUNCEMENT.name, Delivery.DAILY_DIGEST)
    choose(off, ANNOUNCEMENT.name, Delivery.OFF)
    gone.active = False
    db.session.commit()

    post = new_post(leader, world.community, title="Charity Book Sale", kind=PostKind.ANNOUNCEMENT)

    [note] = told(member, ANNOUNCEMENT.name)
    assert text_of(note) == "Announcement in Project Managers: Charity Book Sale"
    assert note.delivery == Delivery.EMAIL_NOW
    assert told(digest)[0].delivery == Delivery.DAILY_DIGEST
    assert told(off) == [] and told(gone) == [] and told(leader) == []
    assert told(world.users["employee"]) == []  # not a member
    [mail] = db.session.execute(select(OutgoingEmail)).scalars()
    assert mail.to_address == member.email and mail.subject == text_of(note)
    assert "Hello Max Member," in mail.text_body and "Hello Max Member," in mail.html_body
    assert f"/communities/{world.community.slug}/posts/{post.id}" in mail.text_body
    assert services.unread_count(member) == 1


def test_an_announcement_sent_twice_tells_and_mails_once(world):
    from core.signals import post_published

    leader, member = world.users["leader"], world.users["member"]
    post = new_post(leader, world.community, kind=PostKind.ANNOUNCEMENT)
    with commands.transaction():
        post_published.send(post, actor=leader)
    assert len(told(member, ANNOUNCEMENT.name)) == 1
    assert len(db.session.execute(select(OutgoingEmail)).scalars().all()) == 1


def test_a_member_names_in_html_mail_are_escaped(world):
    leader = world.users["leader"]
    odd = person("<b>Odd</b>")
    join(odd, world.community)
    new_post(leader, world.community, kind=PostKind.ANNOUNCEMENT)
    [mail] = db.session.execute(
        select(OutgoingEmail).where(OutgoingEmail.to_address == odd.email)
    ).scalars()
    assert "&lt;b&gt;Odd&lt;/b&gt;" in mail.html_body and "<b>Odd</b>" not in mail.html_body


# --- ideas, reports, moderation ---------------------------------------------------------


def test_a_new_idea_status_tells_its_voters_with_the_reason(world):
    leader, member = world.users["leader"], world.users["member"]
    idea = new_post(member, world.community, title="Charity Book Sale", kind=PostKind.IDEA)
    ukrainian = person("Оксана Українка")
    ukrainian.locale = "uk"
    join(ukrainian, world.community)
    with commands.transaction():
        for voter in (member, ukrainian, leader):
            db.session.add(IdeaVote(post_id=idea.id, user_id=voter.id))
    for _ in range(2):  # sent twice, told once
        with commands.transaction():
            idea.idea_status = IdeaStatus.PLANNED
            idea_status_changed.send(idea, actor=leader, status=IdeaStatus.PLANNED,
                                     reason="In May, at the office")  # fmt: skip

    [note] = told(member, IDEA_STATUS.name)
    assert text_of(note) == (
        "An idea you voted for has a new status: Charity Book Sale — Planned: In May, at the office"
    )
    [note_uk] = told(ukrainian, IDEA_STATUS.name)
    assert "Запланована" in note_uk.subject
    assert told(leader) == []


def test_a_report_tells_the_leaders(world):
    from conversations.models import ContentReport

    leader, member = world.users["leader"], world.users["member"]
    post = new_post(leader, world.community, title="Buy cheap pills")
    with commands.transaction():
        report = ContentReport(community_id=world.community.id, user_id=member.id,
                               post_id=post.id, reason="Spam")  # fmt: skip
        db.session.add(report)
        db.session.flush()
        content_reported.send(post, report=report, hidden=True)
    [note] = told(leader, CONTENT_REPORTED.name)
    assert text_of(note) == (
        "Reported for moderation: “Buy cheap pills” (Project Managers) — Spam"
        " · hidden until a leader decides"
    )
    assert told(member) == []  # the reporter


def test_reports_that_hide_a_post_tell_its_author_once(world):
    from conversations.models import ContentReport, ContentState

    leader, member = world.users["leader"], world.users["member"]
    reporter = person("Rita Reporter")
    join(reporter, world.community)
    post = new_post(member, world.community, title="Buy cheap pills")
    with commands.transaction():
        report = ContentReport(community_id=world.community.id, user_id=reporter.id,
                               post_id=post.id, reason="Spam")  # fmt: skip
        db.session.add(report)
        post.state, post.state_reason = ContentState.HIDDEN, "Hidden after members' reports."
        db.session.flush()
        content_reported.send(post, report=report, hidden=True)
        content_reported.send(post, report=report, hidden=True)  # sent twice: told once
    [note] = told(member, CONTENT_MODERATED.name)
    assert text_of(note) == (
        "A leader took down “Buy cheap pills” — hidden: Hidden after members' reports."
    )
    assert len(told(leader, CONTENT_REPORTED.name)) == 1


def test_taking_down_a_reply_tells_its_author_why(world):
    leader, member = world.users["leader"], world.users["member"]
    post = new_post(leader, world.community, title="Books")
    reply = new_reply(member, post, body="spam spam")
    with commands.transaction():
        content_moderated.send(reply, actor=leader, decision="removed", reason="Advertising")
    [note] = told(member, CONTENT_MODERATED.name)
    assert text_of(note) == "A leader took down a reply in “Books” — removed: Advertising"


def test_a_reply_tells_a_long_thread_at_a_fixed_cost(world, count_queries):
    leader = world.users["leader"]
    post = new_post(leader, world.community)

    def statements_for_a_reply(repliers: int) -> int:
        people = [person(f"Replier {len(told(leader))}-{n}") for n in range(repliers)]
        for someone in people:
            join(someone, world.community)
            new_reply(someone, post, body="+1")
        with count_queries() as statements:
            new_reply(world.users["member"], post, body="@Lena Leader, and everyone: thanks")
        return len(statements)

    few, many = statements_for_a_reply(2), statements_for_a_reply(25)
    assert few == many <= 18, many  # 15: the reply, its recount and index, each kind once


def test_approving_a_held_reply_in_a_hidden_post_tells_nobody(world):
    from conversations import decisions
    from conversations.models import ContentState, Reply

    leader, member = world.users["leader"], world.users["member"]
    watcher, named = person("Wanda Watcher"), person("Olena Kovalenko")
    for someone in (watcher, named):
        join(someone, world.community)
    post = new_post(member, world.community, title="Books")
    new_reply(watcher, post)  # an earlier replier, who hears of later replies
    with commands.transaction():
        held = Reply(post=post, author=leader, body="Ask @Olena Kovalenko",
                     state=ContentState.HELD)  # fmt: skip
        db.session.add(held)
    with commands.transaction():
        decisions.hide(leader, post, "Off topic")
    before = {who.id: len(told(who)) for who in (member, watcher, named)}
    mails = db.session.execute(select(db.func.count(OutgoingEmail.id))).scalar_one()

    with commands.transaction():
        decisions.approve(leader, held)

    assert db.session.get(Reply, held.id).state == ContentState.VISIBLE
    assert {who.id: len(told(who)) for who in (member, watcher, named)} == before
    assert db.session.execute(select(db.func.count(OutgoingEmail.id))).scalar_one() == mails
