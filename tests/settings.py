"""Settings for the test suite: the real settings, with test-only environment defaults."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "0")
os.environ.setdefault("WHITENOISE_USE_FINDERS", "1")
# The test client and live server speak plain HTTP.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# Playwright's sync API runs an event loop in the test thread; the ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from glossary.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Static files come from the app folders (WHITENOISE_USE_FINDERS); there is no collectstatic output.
STATIC_ROOT = None
