"""The pages the benchmark measures, chosen on the biggest objects of the data set.

Each page names the SQL that finds its URL's parts (standard SQL, so that the
smoke test can run it on SQLite) and who looks at it: an ordinary employee who
belongs to the biggest community, or SMM staff for the brief queue.
"""

from dataclasses import dataclass

from sqlalchemy import create_engine, text

# The biggest community, by current members.
BIGGEST = """
    SELECT c.id FROM communities c JOIN memberships m ON m.community_id = c.id
    WHERE m.status = 'active' AND c.archived_at IS NULL
    GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1"""


@dataclass(frozen=True)
class Page:
    name: str
    sql: str | None  # gives the URL's parts; None for a fixed URL
    url: str  # a format string for the row the SQL gives
    role: str = "employee"  # employee | smm
    endpoint: str | None = None  # skipped with a message while the app lacks this route


PAGES = [
    Page("community directory", None, "/communities/"),
    Page("community page", f"SELECT slug FROM communities WHERE id = ({BIGGEST})",
         "/communities/{}"),
    Page("event page", f"""
        SELECT e.id FROM events e JOIN registrations r ON r.event_id = e.id
        WHERE e.community_id = ({BIGGEST})
        GROUP BY e.id ORDER BY count(*) DESC, e.id LIMIT 1""", "/events/{}"),
    Page("catalog page", f"""
        SELECT i.id FROM initiatives i JOIN catalog_items ci ON ci.initiative_id = i.id
        WHERE i.status = 'active' AND i.community_id = ({BIGGEST})
        GROUP BY i.id ORDER BY count(*) DESC, i.id LIMIT 1""", "/initiatives/{}"),
    Page("brief queue (SMM)", None, "/promotions/", role="smm"),
    Page("outcome page (SMM)", """
        SELECT p.id FROM promotion_requests p LEFT JOIN planned_posts pp ON pp.request_id = p.id
        WHERE p.status IN ('running', 'reported', 'closed')
        GROUP BY p.id ORDER BY count(pp.id) DESC, p.id LIMIT 1""", "/promotions/{}/outcome",
         role="smm", endpoint="promotions.outcome"),
    Page("search", None, "/search?q=leadership"),
    Page("home", None, "/"),
    Page("conversation list", f"SELECT slug FROM communities WHERE id = ({BIGGEST})",
         "/communities/{}/posts", endpoint="conversations.posts"),
    Page("1,000-reply thread", f"""
        SELECT c.slug, p.id FROM posts p JOIN communities c ON c.id = p.community_id
        WHERE p.community_id = ({BIGGEST}) AND p.state = 'visible'
        ORDER BY p.reply_count DESC, p.id LIMIT 1""", "/communities/{}/posts/{}",
         endpoint="conversations.post"),
]  # fmt: skip


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    role: str


def people(database_url: str) -> dict[str, int]:
    """Who signs in for each role: an employee of the biggest community, and SMM staff."""
    with create_engine(database_url).connect() as conn:
        employee = conn.execute(text(f"""
            SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
            WHERE m.community_id = ({BIGGEST}) AND m.status = 'active' AND m.role = 'member'
              AND NOT u.is_admin AND NOT u.is_smm AND u.active
            ORDER BY m.user_id LIMIT 1""")).scalar_one()  # fmt: skip
        smm = conn.execute(
            text("SELECT id FROM users WHERE is_smm AND active ORDER BY id LIMIT 1")
        ).scalar_one()
    return {"employee": employee, "smm": smm}


def resolve(database_url: str, endpoints: set[str]) -> tuple[list[Target], list[str]]:
    """The pages to measure, and a note for each page that is skipped."""
    targets, skipped = [], []
    engine = create_engine(database_url)
    with engine.connect() as conn:
        for page in PAGES:
            if page.endpoint and page.endpoint not in endpoints:
                skipped.append(f"{page.name}: skipped, the site has no {page.endpoint} route yet")
                continue
            row = conn.execute(text(page.sql)).first() if page.sql else ()
            if row is None:
                skipped.append(f"{page.name}: skipped, the data set has nothing to show there")
                continue
            targets.append(Target(page.name, page.url.format(*row), page.role))
    engine.dispose()
    return targets, skipped
