"""One Playwright driver and one Chromium per test process (decision 0280): a test that drives no
browser, between two that do, sets the browser aside instead of stopping it, and sees no event
loop running in its thread, as if no browser had been started."""

import asyncio
import os

import pytest
from asgiref.sync import async_to_sync

pytestmark = pytest.mark.browser


async def _answer() -> int:
    return 42


def test_a_browser_set_aside_for_a_test_without_one_is_taken_up_again_as_it_was(chromium):
    browser = chromium.get()
    launches = chromium.launches
    page = browser.new_page()
    try:
        page.set_content("<p>kept</p>")  # between its calls Playwright's loop counts as running

        chromium.set_aside()  # what a test that drives no browser does first

        with pytest.raises(RuntimeError):
            asyncio.get_running_loop()
        assert async_to_sync(_answer)() == 42
        assert "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ
        assert chromium.get() is browser
        assert chromium.launches == launches
        assert page.text_content("p") == "kept"
    finally:
        page.close()
