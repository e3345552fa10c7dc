"""What a leader reads after "Remove as spam", counted in words that fit the number."""

from flask import get_flashed_messages

from tests.conversations_support import make_post, post_url


def test_removing_one_post_as_spam_says_one_post(app, world):
    post = make_post(world.users["member"], world.community)
    client = app.test_client(user=world.users["leader"])
    with client:
        response = client.post(f"/communities/project-managers/moderation/post/{post.id}/spam")
        assert response.status_code == 302
        assert get_flashed_messages() == [
            "Removed as spam: 1 post or reply; Max Member can no longer post here."
        ]


def test_a_person_removed_as_spam_is_told_why_there_is_no_new_post_or_reply(app, world, login):
    member, leader = world.users["member"], world.users["leader"]
    spam = make_post(member, world.community, title="Cheap watches")
    post = make_post(leader, world.community)
    assert (
        app.test_client(user=leader)
        .post(f"/communities/project-managers/moderation/post/{spam.id}/spam")
        .status_code
        == 302
    )
    client = login(member)
    for url in ("/communities/project-managers/posts", post_url(post)):
        page = client.get(url).get_data(as_text=True)
        assert "You can no longer post in this community." in page
        assert "/posts/new" not in page and 'name="submit_token"' not in page
    assert "no longer post" not in login(world.users["employee"]).get(post_url(post)).get_data(
        as_text=True
    )
