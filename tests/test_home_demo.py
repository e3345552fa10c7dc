"""The demo data gives each demo person a home with something in each of its sections
(Needs you only for those who lead a community or work in SMM)."""

import re

import pytest
from sqlalchemy import select

from accounts.models import User
from core.extensions import db

SECTIONS = {
    "Needs you": "needs-heading",
    "Coming up": "coming-heading",
    "New in my communities": "news-heading",
    "You might join": "join-heading",
}


@pytest.fixture
def demo(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0


def home_of(app, email: str) -> str:
    user = db.session.execute(select(User).where(User.email == email)).scalar_one()
    response = app.test_client(user=user).get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def filled_sections(page: str) -> list[str]:
    """The home's sections that list at least one thing."""
    sections = dict(re.findall(r'<section aria-labelledby="([^"]+)"(.*?)</section>', page, re.S))
    return [name for name, heading in SECTIONS.items()
            if 'class="list-group-item' in sections.get(heading, "")]  # fmt: skip


@pytest.mark.parametrize(
    "email", ["admin@example.com", "smm@example.com", "olena@example.com", "andrii@example.com"]
)
def test_demo_leaders_and_smm_have_something_in_every_section(app, demo, email):
    assert filled_sections(home_of(app, email)) == list(SECTIONS)


def test_demo_employee_has_something_coming_new_and_to_join(app, demo):
    page = home_of(app, "employee@example.com")
    assert "Nothing needs you" in page  # she leads nothing and is not SMM
    assert filled_sections(page) == ["Coming up", "New in my communities", "You might join"]
