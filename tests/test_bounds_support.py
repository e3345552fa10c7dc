"""The people the bounds tests act as, and numbers past the database's columns."""

import pytest

from tests.conftest import make_community, make_user

HUGE = "99999999999999999999"  # beyond 64 bits
JUST_PAST_INTEGER = str(2**31)  # fits 64 bits, not PostgreSQL's INTEGER


@pytest.fixture(name="people")
def people_fixture(app):
    leader = make_user("lena@example.com", "Lena Leader")
    smm = make_user("sam@example.com", "Sam Smm", is_smm=True)
    admin = make_user("ada@example.com", "Ada Admin", is_admin=True)
    community = make_community(leader)
    return leader, smm, admin, community
