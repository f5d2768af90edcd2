"""Checks of the services the app depends on, for /api/health/."""

import logging
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection

logger = logging.getLogger("glossary.health")

PROBE_KEY = "health-probe"


def database_status() -> dict:
    """``{"status": "ok"}`` when a query answers, else ``"unavailable"``."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Health: database unavailable (%s).", error)
        return {"status": "unavailable"}
    return {"status": "ok"}


def cache_status() -> dict:
    """``{"status": "ok"}`` when a value written to the cache reads back, else ``"unavailable"``."""
    token = uuid.uuid4().hex
    cache.set(PROBE_KEY, token, 10)
    return {"status": "ok" if cache.get(PROBE_KEY) == token else "unavailable"}
