"""The axe-core check the browser tests rely on really fails on violations."""

import pytest

from tests.browser.conftest import check_accessibility

BROKEN = '<html lang="en"><title>x</title><body><main><img src="x.png"></main></body>'


def test_a_critical_violation_is_caught_on_load_and_fails_the_check(page):
    page.set_content(BROKEN)
    # The page fixture checks every document it loads, and fails the test at its end.
    for _ in range(50):  # the load handler runs while Playwright waits
        if page.axe_violations:
            break
        page.wait_for_timeout(100)
    assert any("image-alt" in problem for problem in page.axe_violations)
    page.axe_violations.clear()  # expected here; anywhere else it fails the test
    with pytest.raises(AssertionError, match="image-alt"):
        check_accessibility(page)
