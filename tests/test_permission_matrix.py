"""Every route × every role gets the answer the matrix says (tests/matrix/)."""

import pytest
from flask import url_for

from tests.matrix import ALLOWED, LOGIN, ROLES, all_cases, build_matrix_world
from tests.matrix_world import matrix_world

CASES = all_cases()
IGNORED_ENDPOINTS = {"static", "bootstrap.static"}


def test_every_route_is_in_the_matrix(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in IGNORED_ENDPOINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(case.endpoint, case.method) for case in CASES}
    assert routes - covered == set(), "add these routes to tests/matrix/"
    assert covered - routes == set(), "the matrix names routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_route_answers_role_as_the_matrix_says(app, case, role):
    world = matrix_world(build_matrix_world)  # as built, restored from a snapshot
    with app.test_request_context():
        url = url_for(case.endpoint, **case.url_args(world))
    client = world.client_for(app, role)
    response = client.open(url, method=case.method, data=case.data)

    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    signed_out = response.status_code == 302 and "/signin" in response.location
    expected = case.expect[role]
    if expected == LOGIN:
        assert signed_out, f"{case.id} as {role}: {response.status_code}"
    elif expected == ALLOWED:
        # A success or a redirect: a 400 is not "let in", it is a refusal of another kind.
        assert 200 <= response.status_code < 400 and not signed_out, (
            f"{case.id} as {role}: {response.status_code} {response.location}"
        )
    else:
        assert response.status_code == expected, f"{case.id} as {role}: {response.status_code}"
