"""Why the site held, hid or removed something is kept as a code and worded in the reader's
language when shown: the author's page, the leaders' queue, notifications, e-mail and the
digest; a reason a leader typed is shown as typed. Notifications about an idea's status or
a moderation decision keep their parameters, not a sentence in one language."""

from datetime import date
from html import unescape

from flask_babel import force_locale
from sqlalchemy import select

from community import services as communities
from conversations import decisions, reporting, services
from conversations.models import ContentState, IdeaVote, Post, PostKind, WatchedWordAction
from conversations.reasons import ReasonCode
from conversations.watched_words import add_watched_word
from core import commands
from core.extensions import db
from core.mail import OutgoingEmail
from notifications import digest
from notifications import services as notifications
from notifications.conversation_kinds import CONTENT_MODERATED, IDEA_STATUS
from notifications.mail import text_of
from notifications.models import Delivery
from tests.conftest import make_user
from tests.conversations_notify_support import told

HELD_UK = "Тут є слово чи фраза, які лідер перевіряє, перш ніж інші зможуть це прочитати."
HELD_EN = "It contains a word or phrase that a leader checks before others can read it."
REPORTED_UK = "Приховано після скарг учасників, доки лідер не вирішить."
REPORTED_EN = "Hidden after members' reports, until a leader decides."


def speaker(email: str, name: str, locale: str | None, community):
    person = make_user(email, name)
    person.locale = locale
    communities.join_community(person, community)
    db.session.commit()
    return person


def post_url(post) -> str:
    return f"/communities/{post.community.slug}/posts/{post.id}"


def test_a_hold_decided_in_english_reads_in_ukrainian_to_its_ukrainian_author(world, login):
    with commands.transaction():
        add_watched_word(world.users["admin"], "crypto", WatchedWordAction.HOLD)
    author = speaker("olena@example.com", "Олена Автор", "uk", world.community)
    with force_locale("en"), commands.transaction():
        post = services.create_post(author, world.community.id, PostKind.DISCUSSION,
                                    "Crypto payouts", "Best crypto deals")  # fmt: skip
    assert (post.state, post.state_reason_code, post.state_reason) == (
        ContentState.HELD, ReasonCode.WATCHED_WORD, None,
    )  # fmt: skip
    page = login(author).get(post_url(post)).get_data(as_text=True)
    page = unescape(page)
    assert HELD_UK in page and HELD_EN not in page
    queue = login(world.users["leader"]).get(f"/communities/{world.community.slug}/moderation")
    assert HELD_EN in unescape(queue.get_data(as_text=True))  # and in English to the English leader


def test_members_reports_in_ukrainian_read_in_english_to_an_english_author(world, login):
    author = world.users["member"]
    reporters = [speaker(f"r{n}@example.com", f"Репортер {n}", "uk", world.community)
                 for n in range(3)]  # fmt: skip
    post = services_post(author, world)
    for reporter in reporters:
        with force_locale("uk"), commands.transaction():
            reporting.report_content(reporter, db.session.get(Post, post.id), "Спам")
    db.session.refresh(post)
    assert (post.state, post.state_reason_code) == (ContentState.HIDDEN, ReasonCode.REPORTED)
    page = login(author).get(post_url(post)).get_data(as_text=True)
    page = unescape(page)
    assert REPORTED_EN in page and REPORTED_UK not in page
    [note] = told(author, CONTENT_MODERATED.name)
    with force_locale("en"):
        assert text_of(note).endswith(f"— hidden: {REPORTED_EN}")


def services_post(author, world):
    with commands.transaction():
        return services.create_post(author, world.community.id, PostKind.DISCUSSION, "Books")


def test_removed_as_spam_is_told_in_the_readers_language_when_shown_and_mailed(world, login):
    author = speaker("spammer@example.com", "Спамер", "uk", world.community)
    post = services_post(author, world)
    with force_locale("en"), commands.transaction():
        decisions.remove_as_spam(world.users["leader"], db.session.get(Post, post.id))
    [note] = told(author, CONTENT_MODERATED.name)
    assert note.params["reason_code"] == ReasonCode.SPAM
    mail = db.session.execute(
        select(OutgoingEmail).where(OutgoingEmail.to_address == author.email)
    ).scalar_one()
    assert "Вилучено як спам." in mail.text_body  # e-mail at once, in the author's language
    listing = login(author).get("/notifications").get_data(as_text=True)
    assert "Вилучено як спам." in listing
    author.locale = "en"  # the author switches to English: the same notification follows
    db.session.commit()
    listing = login(author).get("/notifications").get_data(as_text=True)
    assert "Removed as spam." in listing and "Вилучено" not in listing


def test_a_typed_reason_stays_as_the_leader_typed_it(world):
    author = world.users["member"]
    post = services_post(author, world)
    with commands.transaction():
        decisions.hide(world.users["leader"], db.session.get(Post, post.id), "Off topic here")
    db.session.refresh(post)
    assert (post.state_reason_code, post.state_reason) == (None, "Off topic here")
    with force_locale("uk"):
        assert post.state_reason_text == "Off topic here"
        [note] = told(author, CONTENT_MODERATED.name)
        assert text_of(note).endswith(": Off topic here")


def test_an_idea_status_reads_in_each_voters_language_now_and_in_the_digest(world):
    leader = world.users["leader"]
    voter = speaker("voter@example.com", "Віра Виборець", "uk", world.community)
    with commands.transaction():
        notifications.set_deliveries(voter, {IDEA_STATUS.name: Delivery.DAILY_DIGEST.value})
    idea = post_of_kind(world.users["member"], world, PostKind.IDEA)
    with commands.transaction():
        db.session.add(IdeaVote(post_id=idea.id, user_id=voter.id))
    with force_locale("en"), commands.transaction():
        from conversations import engagement

        engagement.set_idea_status(leader, idea.id, "planned", "In May")
    [note] = told(voter, IDEA_STATUS.name)
    assert note.params == {"title": "Charity Book Sale", "status": "planned", "reason": "In May"}
    with force_locale("uk"):
        assert "Charity Book Sale — Запланована: In May" in text_of(note)
    with force_locale("en"):
        assert "Charity Book Sale — Planned: In May" in text_of(note)
    voter.locale = "en"  # changed before the day's digest went: the digest is in English
    db.session.commit()
    with commands.transaction():
        assert digest.send_digest_to(voter.id, date(2026, 12, 6))
    mail = db.session.execute(
        select(OutgoingEmail).where(OutgoingEmail.to_address == voter.email)
    ).scalar_one()
    assert "Planned: In May" in mail.text_body and "Запланована" not in mail.text_body


def post_of_kind(author, world, kind):
    with commands.transaction():
        return services.create_post(author, world.community.id, kind, "Charity Book Sale")
