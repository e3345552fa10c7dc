"""The message that sends a signed-out person to "Sign in" reads in their language."""

from flask import get_flashed_messages


def test_the_sign_in_message_is_in_the_readers_language(app, world):
    client = app.test_client()
    with client:
        response = client.get(
            "/communities/project-managers/posts/new", headers={"Accept-Language": "uk"}
        )
        assert response.status_code == 302
        assert get_flashed_messages() == ["Увійдіть, щоб відкрити цю сторінку."]
