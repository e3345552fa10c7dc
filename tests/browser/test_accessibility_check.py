"""The axe-core check the browser tests rely on really fails on violations."""

import pytest

from tests.browser.conftest import check_accessibility


def test_accessibility_check_fails_on_a_critical_violation(page):
    page.set_content('<html lang="en"><title>x</title><body><main><img src="x.png"></main></body>')
    with pytest.raises(AssertionError, match="image-alt"):
        check_accessibility(page)
