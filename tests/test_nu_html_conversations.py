"""The conversation pages are valid HTML for the W3C Nu checker, with the demo data: the
list with each filter, a question with its accepted answer, an idea with its status, the
forms with their errors, the moderation queues and the watched words, for a member, a
leader and an admin, in English and Ukrainian."""

import re

import pytest
from sqlalchemy import select

from accounts.models import User
from community.models import Community
from conversations.models import ContentState, Post, PostKind, Reply
from core.extensions import db
from tests.nu_checker import describe, nu_errors

LANGUAGES = ("en", "uk")
FILTERS = ("all", "questions", "ideas", "announcements", "unanswered")


@pytest.fixture
def demo(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]* value="([^"]+)"', page).group(1)


def test_conversation_pages_are_valid_html(app, demo, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    managers = db.session.execute(
        select(Community).where(Community.slug == "project-managers")
    ).scalar_one()
    guild = db.session.execute(select(Community).where(Community.slug == "qa-guild")).scalar_one()
    posts = list(db.session.execute(select(Post).where(Post.community_id == managers.id)).scalars())
    question = next(p for p in posts if p.kind == PostKind.QUESTION and p.answer_accepted_at)
    idea = next(p for p in posts if p.kind == PostKind.IDEA and p.idea_status_reason)
    base = f"/communities/{managers.slug}/posts"
    leader = db.session.execute(select(User).where(User.email == "olena@example.com")).scalar_one()
    member = question.author if question.author_id != leader.id else idea.author
    admin = db.session.execute(select(User).where(User.is_admin)).scalars().first()
    paths = [f"{base}?filter={f}" for f in FILTERS]
    paths += [f"{base}/{question.id}", f"{base}/{idea.id}"]
    writing = [f"{base}/new"]
    held = db.session.execute(
        select(Post).where(Post.community_id == guild.id, Post.state == ContentState.HELD)
    ).scalar_one()
    deciding = [f"/communities/{guild.slug}/moderation/post/{held.id}/{decision}"
                for decision in ("reject", "spam")]  # fmt: skip
    answer = db.session.execute(
        select(Reply).where(Reply.post_id == question.id, Reply.is_accepted)
    ).scalar_one()
    pages = {}
    for role, user, extra in (
        ("member", member, [*writing, f"/communities/{managers.slug}/reply/{answer.id}/report"]),
        ("leader", leader, [*writing, f"/communities/{managers.slug}/moderation",
                            f"{base}/{idea.id}/status", f"/communities/{guild.slug}/moderation",
                            *deciding,
                            f"{base}/{question.id}/replies/{answer.id}/edit"]),
        ("admin", admin, ["/moderation", "/admin/watched-words",
                          f"/communities/{guild.slug}/moderation"]),
    ):  # fmt: skip
        client = app.test_client(user=user)
        for language in LANGUAGES:
            headers = {"Accept-Language": language}
            for path in paths + extra:
                response = client.get(path, headers=headers)
                assert response.status_code == 200, (role, path, response.status_code)
                pages[f"{language} {role} {path}"] = response.get_data(as_text=True)
            if role == "admin":  # admins moderate; they write where they are members
                continue
            token = csrf_token(pages[f"{language} {role} {base}/new"])
            response = client.post(
                f"{base}/new", data={"csrf_token": token, "kind": "idea", "title": ""},
                headers=headers,
            )  # fmt: skip
            assert response.status_code == 400
            pages[f"{language} {role} POST {base}/new"] = response.get_data(as_text=True)
            response = client.post(
                f"{base}/{question.id}/replies", data={"csrf_token": token, "body": ""},
                headers=headers,
            )  # fmt: skip
            pages[f"{language} {role} POST reply"] = response.get_data(as_text=True)

    errors = nu_errors(pages)
    assert not errors, f"{len(errors)} Nu HTML checker errors:\n{describe(errors)}"
