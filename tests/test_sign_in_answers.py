"""Sign-in tells nobody whether an address has an account: the same page, in similar time."""

import statistics
import time

from tests.conftest import make_user

ROUNDS = 7


def test_unknown_email_and_wrong_password_get_the_same_page_in_similar_time(
    app, client, monkeypatch
):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")  # production's cost
    make_user("ann@example.com")
    tries = {"ann@example.com": [], "nobody@example.com": []}
    pages = {}
    for _ in range(ROUNDS):  # interleaved, so load on the machine falls on both alike
        for email, seconds in tries.items():
            started = time.perf_counter()
            response = client.post("/signin", data={"email": email, "password": "not it at all"})
            seconds.append(time.perf_counter() - started)
            page = response.get_data(as_text=True).replace(email, "")
            pages[email] = (response.status_code, page)

    assert pages["ann@example.com"] == pages["nobody@example.com"]
    known, unknown = (statistics.median(seconds) for seconds in tries.values())
    assert 0.5 < known / unknown < 2, (known, unknown)
