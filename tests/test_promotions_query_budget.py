"""Queue, calendar and brief cost a fixed number of SQL statements, whatever the data size."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import insert, select

from core.extensions import db
from core.models import utcnow
from promotions.models import PlannedPost, PromotionRequest, brief_channels
from tests.conftest import make_community, make_user
from tests.test_promotions_factories import channel

BUDGET = 10


def bulk_briefs(size: int):
    """`size` submitted briefs, each on two channels with a planned post; and where the posts are.

    The posts fill ten days from the second of this month: the calendars are asked for
    that week and that month (`start`), so every post is on them whatever today is (from
    today, they would run into next month in the month's last days).
    """
    leader = make_user("lena@example.com", "Lena Leader")
    smm = make_user("sam@example.com", "Sam Smm", is_smm=True)
    community = make_community(leader)
    channels = [channel("Instagram"), channel("Facebook")]
    now = utcnow()
    today = now.date()
    start = today.replace(day=2)
    first_post = datetime.combine(start, time(12), UTC)
    db.session.execute(
        insert(PromotionRequest),
        [
            {"community_id": community.id, "created_by_id": leader.id, "assignee_id": smm.id,
             "subject_kind": "achievement", "subject_id": community.id, "title": f"Brief {i}",
             "status": "scheduled", "content_deadline": today + timedelta(days=i % 10 - 3),
             "currency": "UAH", "key_message": "", "references": "", "backup_plan": "",
             "report_format": "", "status_reason": "", "report": "", "created_at": now,
             "updated_at": now}
            for i in range(size)
        ],
    )  # fmt: skip
    ids = list(db.session.execute(select(PromotionRequest.id)).scalars())
    db.session.execute(
        insert(brief_channels),
        [{"request_id": i, "channel_id": c.id} for i in ids for c in channels],
    )
    db.session.execute(
        insert(PlannedPost),
        [
            {"request_id": i, "channel_id": c.id, "format": "story", "status": "planned",
             "scheduled_at": first_post + timedelta(hours=n), "notes": "", "published_url": "",
             "created_at": now}
            for n, (i, c) in enumerate((i, c) for i in ids for c in channels)
        ],
    )  # fmt: skip
    db.session.commit()
    return leader, smm, ids[0], start


@pytest.mark.parametrize("size", [5, 120])
@pytest.mark.parametrize("role", ["leader", "smm"])
@pytest.mark.parametrize(
    "path",
    ["/promotions/", "/promotions/?due=week&status=scheduled", "/promotions/calendar?start={start}",
     "/promotions/calendar?view=month&start={start}", "/promotions/{first}",
     "/promotions/{first}/brief.md"],
)  # fmt: skip
def test_promotion_pages_stay_within_the_query_budget(login, count_queries, size, role, path):
    leader, smm, first, start = bulk_briefs(size)
    client = login(leader if role == "leader" else smm)
    path = path.format(first=first, start=start.isoformat())
    client.get(path)  # warm-up: the first request also counts the kept figures
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200
    assert len(statements) <= BUDGET, "\n".join(statements)
    if size == 120 and "calendar" in path and "month" in path:
        assert response.get_data(as_text=True).count("Brief ") >= 100
