"""Whole-response cache for anonymous reads, keyed by the position of the change log.

Anonymous readers all see the same thing (published and deprecated terms), so a rendered page
or API response can be served again until the glossary changes. The key holds the key of the
change-log entries visible (`glossary.changelog`), which every committed write changes, so a
cached response is never stale — whichever process or machine made the write — and nothing
needs invalidating; and the build (`glossary.cache.build_token`), so a deploy does not serve
pages the code it replaced rendered. A hit costs one small query instead of the view's queries and its rendering.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse

from glossary.cache import build_token
from glossary.changelog import changes_pinned, changes_position
from glossary.language import resolve_reader_language

CACHE_SECONDS = 600
MESSAGE_COOKIE_NAME = CookieStorage.cookie_name
# Never cached: the admin, sign-in, exports (streamed, possibly large), the health probe (it
# must answer for this process), and autocomplete — one indexed query already, asked with a
# different prefix at nearly every keystroke.
UNCACHED_PREFIXES = ("/admin/", "/api/auth/", "/api/export/", "/api/health/", "/api/terms/autocomplete/")


READ_METHODS = ("GET", "HEAD")


def _cacheable_request(request) -> bool:
    """For a read (`READ_METHODS`): whether its response may come from, and go to, the cache."""
    return (
        not request.path.startswith(UNCACHED_PREFIXES)
        # Signed-in readers (session or token) may see drafts; they always get a fresh answer.
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        # A pending message (cookie storage; session storage needs the session cookie above) must
        # be shown on this very page, which therefore is neither served from nor stored in the cache.
        and MESSAGE_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        # Conditional requests are answered (304) by the views that support them.
        and "HTTP_IF_NONE_MATCH" not in request.META
        and "HTTP_IF_MODIFIED_SINCE" not in request.META
    )


def _cacheable_response(response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


class AnonymousReadCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in READ_METHODS:
            return self.get_response(request)
        # A read writes nothing to the glossary: one look at the log, when first needed, serves
        # the whole request — the cache key, the graphs, the kept counts and the ETag — signed in
        # or not (a signed-in term page looked four times).
        with changes_pinned():
            if not _cacheable_request(request):
                return self.get_response(request)
            return self._cached_response(request)

    def _cached_response(self, request):
        key = self._key(request)
        cached = cache.get(key)
        if cached is not None:
            status, content, headers = cached
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = self.get_response(request)
        if _cacheable_response(response):
            cache.set(key, (response.status_code, response.content, list(response.items())), CACHE_SECONDS)
        return response

    @staticmethod
    def _key(request) -> str:
        # The absolute URL: pagination links and canonical URLs carry scheme and host.
        # The reader's language, not the raw Accept-Language header: one entry per language served.
        # The build: a deploy does not serve what the code it replaced rendered.
        parts = (build_token(), changes_position().token, request.build_absolute_uri(),
                 request.META.get("HTTP_ACCEPT", ""), resolve_reader_language(request))
        return "anon-read:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
