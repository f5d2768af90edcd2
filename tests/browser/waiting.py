"""Waiting for a page's state under the site's Content-Security-Policy.

Playwright's `wait_for_function` polls with an `eval` inside the page, which a policy without
'unsafe-eval' blocks; `page.evaluate` goes through the DevTools protocol and is not blocked.
"""

import time


def wait_until(page, expression: str, timeout: float = 10.0):
    """Evaluate ``expression`` in the page until it is truthy; its value, or AssertionError."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)
