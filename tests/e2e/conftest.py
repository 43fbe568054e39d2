"""Playwright against pytest-django's live server, driving Debian's Chromium.

Playwright's own browser download cannot run here, so the browser is the system's
/usr/bin/chromium (`make test` and .ci/run install it with apt when it is missing).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told the caller knows what it does. The tests here
# only touch the ORM between browser steps, never from inside the loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("FACTCHECK_CHROMIUM", "/usr/bin/chromium"))
# Screenshots are CI artifacts under var/ (ignored by git), one file per page and width.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (`apt-get install -y chromium`; "
            "`make test` does this) or point FACTCHECK_CHROMIUM at a Chromium binary."
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def page(page):
    """The page, failing its test when the browser refused anything under the
    Content-Security-Policy (an inline script or style, a source from elsewhere)."""
    refused: list[str] = []

    def note(message) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", note)
    yield page
    assert refused == [], "the page broke its Content-Security-Policy"
