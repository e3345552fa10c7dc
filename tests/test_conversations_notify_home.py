"""Home's "New in my communities" shows conversations' posts: newest first, paged, only
visible ones, only in communities the person is in, at a fixed number of statements."""

from conversations.models import ContentState
from tests.conftest import make_community
from tests.conversations_notify_support import add_posts, new_post, statements_of_page


def news_of(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return page[page.index("New in my communities") : page.index("You might join")]


def test_my_communities_posts_are_news_newest_first(world, login):
    member, leader = world.users["member"], world.users["leader"]
    new_post(leader, world.community, title="Старіший допис")
    new_post(member, world.community, title="Newer post")
    new_post(leader, world.community, title="Held post", state=ContentState.HELD, publish=False)
    new_post(leader, world.approval_community, title="Not my community")
    other = make_community(leader, "Other Guild")
    new_post(leader, other, title="Elsewhere")

    news = news_of(login(member))
    assert news.index("Newer post") < news.index("Старіший допис")
    assert f'href="/communities/{world.community.slug}/posts/' in news
    assert "Held post" not in news and "Not my community" not in news
    assert "Elsewhere" not in news
    assert ">Max Member</a>" in news  # the author, linked to their profile


def test_posts_in_the_news_are_paged(world, login):
    add_posts(world.users["leader"], world.community, 25, title="Post {n:02}")
    client = login(world.users["member"])
    first = news_of(client)
    assert "Post 24" in first and "Post 14" not in first and "page=2" in first
    page = client.get("/?page=3").get_data(as_text=True)
    third = page[page.index("New in my communities") : page.index("You might join")]
    assert "Post 04" in third and "Post 00" in third and "Post 05" not in third


def test_home_with_posts_costs_the_same_at_two_sizes(world, login, count_queries, same_minute):
    leader = world.users["leader"]
    client = login(world.users["member"])

    def statements_with(posts: int) -> int:
        add_posts(leader, world.community, posts, title="P{n}")
        return statements_of_page(client, "/", count_queries)

    assert statements_with(3) == statements_with(300)
