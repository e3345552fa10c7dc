"""The demo data gives each demo person a home with something in its sections."""

import pytest
from sqlalchemy import select

from accounts.models import User
from core.extensions import db

EMPTY = {
    "Needs you": "Nothing waits for you",
    "Coming up": "Nothing coming up.",
    "New in my communities": "Nothing new yet",
    "You might join": "You are in every community of your kinds.",
}


@pytest.fixture
def demo(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0


def home_of(app, email: str) -> str:
    user = db.session.execute(select(User).where(User.email == email)).scalar_one()
    response = app.test_client(user=user).get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "email", ["admin@example.com", "smm@example.com", "olena@example.com", "andrii@example.com"]
)
def test_demo_leaders_and_smm_have_something_in_every_section(app, demo, email):
    page = home_of(app, email)
    assert [section for section, empty in EMPTY.items() if empty in page] == []


def test_demo_employee_has_something_coming_new_and_to_join(app, demo):
    page = home_of(app, "employee@example.com")
    assert "Nothing needs you" in page  # she leads nothing and is not SMM
    assert [s for s, empty in EMPTY.items() if s != "Needs you" and empty in page] == []
