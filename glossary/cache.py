"""A Redis cache whose outage costs speed only.

The cache holds nothing that the database cannot give again (whole anonymous responses, throttle
counters), so when Redis refuses connections or stops answering, every read is a miss and every
write is dropped: pages are slower, never errors. Short socket timeouts (set in the settings)
bound what a silent Redis costs; after a failure the process leaves Redis alone for a few
seconds, so a silent Redis does not cost every request a timeout; and the outage is logged once
a minute per process, not once per request.
"""

import functools
import hashlib
import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("glossary.cache")

WARNING_INTERVAL = 60.0  # seconds between two "cache unavailable" warnings of one process
RETRY_AFTER = 5.0  # seconds a process serves without Redis after a failure before trying it again


class Outage:
    """What this process knows of the cache being down: when to try again, when it last warned."""

    def __init__(self, *, retry_after: float, warning_interval: float):
        self.retry_after = retry_after
        self.warning_interval = warning_interval
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._warned_at = None

    def skipping(self) -> bool:
        return time.monotonic() < self._down_until

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + self.retry_after
            if self._warned_at is not None and now - self._warned_at < self.warning_interval:
                return
            self._warned_at = now
        logger.warning("Cache unavailable (%s: %s); serving without it.", type(error).__name__, error)

    def reset(self) -> None:
        with self._lock:
            self._down_until, self._warned_at = 0.0, None


outage = Outage(retry_after=RETRY_AFTER, warning_interval=WARNING_INTERVAL)


def _degrades_to(fallback):
    """Run the cache operation; while Redis is down, or when it fails, return ``fallback(args)``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if outage.skipping():
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                outage.failed(error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _empty_dict(*args, **kwargs):
    return {}


def _all_keys_failed(data, *args, **kwargs):
    return list(data)


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, where Redis being down reads as a miss and drops writes."""

    get = _degrades_to(_default)(RedisCache.get)
    get_many = _degrades_to(_empty_dict)(RedisCache.get_many)
    has_key = _degrades_to(_false)(RedisCache.has_key)
    set = _degrades_to(_nothing)(RedisCache.set)
    set_many = _degrades_to(_all_keys_failed)(RedisCache.set_many)
    add = _degrades_to(_false)(RedisCache.add)
    touch = _degrades_to(_false)(RedisCache.touch)
    delete = _degrades_to(_false)(RedisCache.delete)
    delete_many = _degrades_to(_nothing)(RedisCache.delete_many)
    clear = _degrades_to(_false)(RedisCache.clear)


# What renders a response: our apps' code, templates and static files.
BUILD_SOURCES = ("glossary", "graphviz_app")
BUILD_SUFFIXES = (".py", ".html")


def digest_of_files(paths) -> str:
    """One digest of the given files' places and contents, whatever order they are given in."""
    digest = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@functools.cache
def build_token() -> str:
    """The code this process serves with, as a short digest: our apps' Python, templates and
    static files, and the collected files' manifest (the hashed names pages link to).

    Kept values and whole cached responses carry it in their keys: after a deploy, the cache
    (Redis, or the file cache beside ``make run``) no longer serves pages rendered by the code it
    replaced — whose HTML names static files by hashes the new deploy may not have. Read once per
    process (about 180 files, a few milliseconds).
    """
    base = Path(settings.BASE_DIR)
    paths = [
        path for app in BUILD_SOURCES for path in (base / app).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
        and (path.suffix in BUILD_SUFFIXES or "static" in path.relative_to(base / app).parts)
    ]
    manifest = Path(settings.STATIC_ROOT or base / "staticfiles") / "staticfiles.json"
    if manifest.is_file():
        paths.append(manifest)
    return digest_of_files(paths)
