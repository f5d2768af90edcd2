"""A Redis cache whose outage costs speed only.

The cache holds nothing that the database cannot give again (whole anonymous responses, throttle
counters), so when Redis refuses connections or stops answering, every read is a miss and every
write is dropped: pages are slower, never errors. Short socket timeouts (set in the settings)
bound what a silent Redis costs; after a failure the process leaves Redis alone for a few
seconds, so a silent Redis does not cost every request a timeout; and the outage is logged once
a minute per process, not once per request.
"""

import functools
import logging
import threading
import time

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
