"""Moderation pages: the queues, "Report", the confirmation pages, watched words, and the
community form's hold on first posts."""

import pytest
from flask import g, render_template
from flask_babel import force_locale

from community import services as communities
from conversations import reporting
from conversations.models import ContentReport, ContentState, WatchedWord
from core import commands
from core.extensions import db
from tests.conftest import make_community, make_user
from tests.test_conversations_moderation_factories import make_post, make_reply


@pytest.fixture
def scene(world):
    """A held post and a reported reply in the world's community."""
    community, member = world.community, world.users["member"]
    newcomer = make_user("new@example.com", "Nina Newcomer")
    communities.join_community(newcomer, community)
    db.session.commit()
    held = make_post(newcomer, community, title="Хто тестує API?", state=ContentState.HELD,
                     state_reason="New members' first posts wait")  # fmt: skip
    thread = make_post(world.users["leader"], community, title="PMBOK 7")
    reply = make_reply(newcomer, thread, body="Buy cheap watches")
    with commands.transaction():
        reporting.report_content(member, reply, "Advertising, not an answer")
    world.objects.update(held=held, thread=thread, reply=reply, newcomer=newcomer)
    return world


def url(world, name, kind="post", item=None, **extra):
    item = item or world.objects["held"]
    return f"/communities/{world.community.slug}/moderation/{kind}/{item.id}/{name}" + (
        "?" + "&".join(f"{k}={v}" for k, v in extra.items()) if extra else ""
    )


def test_leaders_find_the_queue_from_the_community_page(app, scene):
    page = scene.client_for(app, "leader").get(f"/communities/{scene.community.slug}")
    assert b">Moderation</a>" in page.data
    page = scene.client_for(app, "member").get(f"/communities/{scene.community.slug}")
    assert b">Moderation</a>" not in page.data


def test_the_queue_shows_held_and_reported_items_with_reports_and_history(app, scene):
    page = scene.client_for(app, "leader").get(f"/communities/{scene.community.slug}/moderation")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Хто тестує API?" in text and "Awaiting approval" in text
    assert "Reply to “PMBOK 7”" in text and "Advertising, not an answer" in text
    assert "Max Member" in text  # the reporter
    assert "2 posts and replies by this person here" in text
    for button in ("Approve", "Reject", "Hide", "Remove as spam"):
        assert f">{button}</button>" in text


def test_approve_from_the_queue(app, scene):
    client = scene.client_for(app, "leader")
    response = client.post(url(scene, "approve"))
    assert response.status_code == 302
    assert response.location.endswith(f"/communities/{scene.community.slug}/moderation")
    db.session.refresh(scene.objects["held"])
    assert scene.objects["held"].state == ContentState.VISIBLE


def test_hide_returns_to_a_safe_next_page_only(app, scene):
    client = scene.client_for(app, "leader")
    response = client.post(url(scene, "hide", "reply", scene.objects["reply"]),
                           data={"next": "https://evil.example/"})  # fmt: skip
    assert response.location.endswith("/moderation")
    db.session.refresh(scene.objects["reply"])
    assert scene.objects["reply"].state == ContentState.HIDDEN
    response = client.post(url(scene, "restore", "reply", scene.objects["reply"]),
                           data={"next": "/communities/"})  # fmt: skip
    assert response.location.endswith("/communities/")


def test_reject_asks_for_a_reason_on_a_page_first(app, scene):
    client = scene.client_for(app, "leader")
    confirm = client.get(url(scene, "reject"))
    assert confirm.status_code == 200 and b"Reason" in confirm.data
    assert scene.objects["held"].state == ContentState.HELD  # a GET writes nothing
    refused = client.post(url(scene, "reject"), data={"reason": ""})
    assert refused.status_code == 400 and b"Tell the author why." in refused.data
    done = client.post(url(scene, "reject"), data={"reason": "Please use the QA Guild"})
    assert done.status_code == 302
    db.session.refresh(scene.objects["held"])
    assert scene.objects["held"].state == ContentState.REMOVED


def test_only_admins_are_offered_to_deactivate_a_spammer(app, scene):
    leader_page = scene.client_for(app, "leader").get(url(scene, "spam"))
    assert leader_page.status_code == 200 and b"Also deactivate" not in leader_page.data
    admin = scene.client_for(app, "admin")
    assert b"Also deactivate the account" in admin.get(url(scene, "spam")).data
    response = admin.post(url(scene, "spam"), data={"deactivate": "y"})
    assert response.status_code == 302
    newcomer = scene.objects["newcomer"]
    db.session.refresh(newcomer)
    assert not newcomer.active
    db.session.refresh(scene.objects["reply"])
    assert scene.objects["reply"].state == ContentState.REMOVED


def test_a_leader_asking_to_deactivate_is_not_obeyed(app, scene):
    response = scene.client_for(app, "leader").post(url(scene, "spam"), data={"deactivate": "y"})
    assert response.status_code == 302
    db.session.refresh(scene.objects["newcomer"])
    assert scene.objects["newcomer"].active


def test_bogus_and_foreign_ids_are_not_found(app, scene):
    client = scene.client_for(app, "leader")
    other = make_community(scene.users["admin"], "Running Club")
    foreign = make_post(scene.users["admin"], other)
    assert client.post(url(scene, "approve", item=foreign)).status_code == 404
    base = f"/communities/{scene.community.slug}/moderation"
    assert client.post(f"{base}/post/99999/approve").status_code == 404
    assert client.post(f"{base}/post/99999999999999/approve").status_code == 404
    assert client.post(f"{base}/comment/1/approve").status_code == 404
    assert client.get(f"{base}?page=99999999999999999999").status_code == 200


def test_members_report_on_a_page_with_a_reason(app, scene):
    client = scene.client_for(app, "member")
    thread = scene.objects["thread"]
    report_url = f"/communities/{scene.community.slug}/post/{thread.id}/report"
    page = client.get(report_url)
    assert page.status_code == 200 and b"Reason" in page.data
    refused = client.post(report_url, data={"reason": ""})
    assert refused.status_code == 400 and b"Say what is wrong with it." in refused.data
    too_long = client.post(report_url, data={"reason": "x" * 501})
    assert too_long.status_code == 400
    done = client.post(report_url, data={"reason": "Wrong place", "next": "/communities/"})
    assert done.status_code == 302 and done.location.endswith("/communities/")
    again = client.post(report_url, data={"reason": "Again"}, follow_redirects=True)
    assert b"You have already reported this" in again.data
    assert db.session.execute(db.select(db.func.count(ContentReport.id))).scalar_one() == 2


def test_nobody_reports_a_held_post_or_their_own(app, scene):
    held = scene.objects["held"]
    report_url = f"/communities/{scene.community.slug}/post/{held.id}/report"
    assert scene.client_for(app, "member").get(report_url).status_code == 404
    own = f"/communities/{scene.community.slug}/post/{scene.objects['thread'].id}/report"
    assert scene.client_for(app, "leader").get(own).status_code == 403


def test_the_site_queue_is_for_admins(app, scene):
    other = make_community(scene.users["admin"], "Running Club")
    make_post(scene.objects["newcomer"], other, title="Ранкова пробіжка", state=ContentState.HELD)
    page = scene.client_for(app, "admin").get("/moderation")
    assert page.status_code == 200
    assert "Ранкова пробіжка" in page.get_data(as_text=True) and b"Running Club" in page.data
    assert scene.client_for(app, "leader").get("/moderation").status_code == 403
    assert b'href="/moderation"' in scene.client_for(app, "admin").get("/communities/").data


def test_the_queue_costs_the_same_statements_at_two_sizes(app, scene, count_queries):
    client = scene.client_for(app, "leader")
    queue = f"/communities/{scene.community.slug}/moderation"
    client.get(queue)
    with count_queries() as small:
        client.get(queue)
    reporters = [make_user(f"rep{n}@example.com") for n in range(6)]
    for n in range(12):
        author = make_user(f"a{n}@example.com")
        post = make_post(author, scene.community, state=ContentState.HELD)
        make_reply(author, post, state=ContentState.HELD)
    thread = scene.objects["thread"]
    for n, person in enumerate(reporters):
        communities.join_community(person, scene.community)
        db.session.commit()
        with commands.transaction():
            reporting.report_content(person, make_reply(scene.users["member"], thread), f"r{n}")
    client.get(queue)
    with count_queries() as large:
        page = client.get(queue)
    assert page.status_code == 200
    assert len(large) == len(small)


# --- the controls beside a post or reply --------------------------------------------------


def render_actions(app, user, item, community, language="en") -> str:
    with app.test_request_context("/communities/x/posts/1"), force_locale(language):
        g._login_user = user
        return render_template(
            "conversations/_moderation_actions.html", item=item, community=community
        )


def test_members_see_report_and_leaders_see_their_decisions(app, scene):
    thread, held = scene.objects["thread"], scene.objects["held"]
    member_view = render_actions(app, scene.users["member"], thread, scene.community)
    assert ">Report</button>" in member_view and "Hide" not in member_view
    leader_view = render_actions(app, scene.users["admin"], thread, scene.community)
    for button in ("Hide", "Remove as spam"):
        assert f">{button}</button>" in leader_view
    assert ">Report</button>" not in leader_view
    # "Report" here is a complaint ("Поскаржитися"), not the community's monthly "Звіт".
    ukrainian = render_actions(app, scene.users["member"], thread, scene.community, "uk")
    assert ">Поскаржитися</button>" in ukrainian and "Звіт" not in ukrainian
    author_view = render_actions(app, scene.objects["newcomer"], held, scene.community)
    assert "Report" not in author_view  # (state_note beside the title says "Awaiting approval")
    hidden = scene.objects["reply"]
    hidden.state = ContentState.HIDDEN
    assert ">Restore</button>" in render_actions(
        app, scene.users["leader"], hidden, scene.community
    )


# --- watched words and the community setting ----------------------------------------------


def test_admins_keep_the_watched_words(app, world):
    client = world.client_for(app, "admin")
    page = client.get("/admin/watched-words")
    assert page.status_code == 200
    for name in (b"Word or phrase", b"Action", b">Hold<", b">Refuse<", b"Add"):
        assert name in page.data
    added = client.post("/admin/watched-words", data={"phrase": "Казино", "action": "refuse"})
    assert added.status_code == 302
    word = db.session.execute(db.select(WatchedWord)).scalar_one()
    assert (word.phrase, word.action.value) == ("казино", "refuse")
    again = client.post("/admin/watched-words", data={"phrase": "КАЗИНО", "action": "hold"})
    assert again.status_code == 400 and b"already on the list" in again.data
    bogus = client.post("/admin/watched-words", data={"phrase": "x", "action": "explode"})
    assert bogus.status_code == 400
    assert client.post(f"/admin/watched-words/{word.id}/delete").status_code == 302
    assert db.session.execute(db.select(WatchedWord)).first() is None
    assert client.post("/admin/watched-words/424242/delete").status_code == 404
    assert world.client_for(app, "leader").get("/admin/watched-words").status_code == 403


def test_leaders_set_how_many_first_posts_are_held(app, world):
    client = world.client_for(app, "leader")
    edit = f"/communities/{world.community.slug}/edit"
    assert "Hold new members' first posts for approval" in client.get(edit).get_data(as_text=True)
    form = {"name": world.community.name, "kind": "practice", "description": "",
            "join_policy": "open"}  # fmt: skip
    refused = client.post(edit, data={**form, "hold_first_posts": "11"})
    assert refused.status_code == 400 and b"from 0 to 10" in refused.data
    assert client.post(edit, data={**form, "hold_first_posts": "2"}).status_code == 302
    db.session.refresh(world.community)
    assert world.community.hold_first_posts == 2


def test_moderators_see_which_watched_word_held_a_post(app, scene):
    from conversations import watched_words
    from conversations.models import WatchedWordAction

    with commands.transaction():
        watched_words.add_watched_word(scene.users["admin"], "Криптовалюта", WatchedWordAction.HOLD)
    make_post(scene.objects["newcomer"], scene.community, title="Інвестиції",
              body="Купуйте криптовалюту? Ні: КРИПТОВАЛЮТА", state=ContentState.HELD)  # fmt: skip
    page = scene.client_for(app, "leader").get(f"/communities/{scene.community.slug}/moderation")
    assert "Watched words: <mark>криптовалюта</mark>" in page.get_data(as_text=True)


def test_the_queue_reads_in_ukrainian(app, scene):
    leader = scene.users["leader"]
    leader.locale = "uk"
    db.session.commit()
    page = scene.client_for(app, "leader").get(f"/communities/{scene.community.slug}/moderation")
    text = page.get_data(as_text=True)
    assert "Модерація" in text and "Чекає на схвалення" in text and "Схвалити" in text


def test_leaving_the_hold_empty_keeps_it(app, world):
    world.community.hold_first_posts = 3
    db.session.commit()
    edit = f"/communities/{world.community.slug}/edit"
    form = {"name": world.community.name, "kind": "practice", "join_policy": "open"}
    response = world.client_for(app, "leader").post(edit, data={**form, "hold_first_posts": ""})
    assert response.status_code == 302
    db.session.refresh(world.community)
    assert world.community.hold_first_posts == 3
    bad = world.client_for(app, "leader").post(edit, data={**form, "hold_first_posts": "lots"})
    assert bad.status_code == 400


def test_a_held_reply_is_not_found_by_those_who_may_not_see_it(app, scene):
    held_reply = make_reply(scene.objects["newcomer"], scene.objects["thread"],
                            state=ContentState.HELD)  # fmt: skip
    report_url = f"/communities/{scene.community.slug}/reply/{held_reply.id}/report"
    assert scene.client_for(app, "member").get(report_url).status_code == 404


def test_a_leader_is_not_offered_and_is_refused_to_remove_a_co_leader_as_spam(app, scene):
    leader = scene.users["leader"]
    co_leader = make_user("co@example.com", "Cora Co-leader")
    membership = communities.join_community(co_leader, scene.community)
    communities.set_member_role(leader, membership, communities.MembershipRole.LEADER)
    db.session.commit()
    post = make_post(co_leader, scene.community, title="Leaders' corner")
    leader_view = render_actions(app, leader, post, scene.community)
    assert ">Hide</button>" in leader_view and "Remove as spam" not in leader_view
    client = scene.client_for(app, "leader")
    for response in (client.get(url(scene, "spam", item=post)),
                     client.post(url(scene, "spam", item=post))):  # fmt: skip
        assert response.status_code == 403
        assert "Only an admin can remove a leader of this community as spam." in (
            response.get_data(as_text=True)
        )
    db.session.refresh(post)
    assert post.state == ContentState.VISIBLE
    assert "Remove as spam" in render_actions(app, scene.users["admin"], post, scene.community)
    assert scene.client_for(app, "admin").post(url(scene, "spam", item=post)).status_code == 302
    db.session.refresh(post)
    assert post.state == ContentState.REMOVED
