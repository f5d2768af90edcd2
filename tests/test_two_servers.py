"""Two app servers on one database and one Redis cache: a write through one is read through the
other at once — graph API, term page and API — and neither rebuilds its graph for it.

The servers are real gunicorn processes with production settings (DEBUG off), as behind a load
balancer. Each reports its graph builds and updates at /api/graph/engine/ (staff only).
"""

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from urllib.parse import urlsplit

import pytest
from django.db import connection

from tests.servers import PRODUCTION_LIKE_ENV, ROOT, app_server

PORTS = range(8500, 8600)
REDIS_URL = "redis://127.0.0.1:6379/7"

SETUP = """
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from glossary import services
user = User.objects.create_superuser("ops", "ops@example.com", "ops-pass-123456")
services.relation_type_create(slug="uses", label="uses", inverse_label="is used by")
services.term_create(name="Attention", short_definition="Weighing parts of the input.")
services.term_create(name="Transformer", short_definition="A network built on attention.")
print(Token.objects.create(user=user).key)
"""
READS = {
    "graph": "/api/graph/neighborhood/attention/?depth=1",
    "page": "/terms/attention/",
    "api": "/api/terms/attention/",
}


def free_ports(count):
    ports = []
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        ports.append(port)
        if len(ports) == count:
            return ports
    pytest.fail("no free ports in 8500–8599")


def redis_or_skip():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()
    except Exception as error:  # the test needs a real shared cache, whatever went wrong reaching it
        pytest.skip(f"two-server test needs Redis at {REDIS_URL}: {error}")


@pytest.fixture
def env(transactional_db, tmp_path):
    """What both servers share: a database (the test database on PostgreSQL, a file on SQLite) and Redis."""
    redis_or_skip()
    if connection.vendor == "postgresql":
        url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + connection.settings_dict["NAME"]).geturl()
    else:
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    shared = {"DATABASE_URL": url, "CACHE_URL": REDIS_URL}
    manage_env = {**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}, **PRODUCTION_LIKE_ENV,
                  **shared, "DJANGO_SETTINGS_MODULE": "glossary.settings"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True, env=manage_env)
    setup = subprocess.run([sys.executable, "manage.py", "shell", "-c", SETUP], cwd=ROOT, env=manage_env,
                           check=True, capture_output=True, text=True)
    return shared, setup.stdout.split()[-1]


class Client:
    def __init__(self, base, token):
        self.base, self.token = base, token

    def request(self, path, *, data=None, signed_in=False):
        headers = {"Accept": "application/json" if path.startswith("/api/") else "text/html"}
        if signed_in:
            headers["Authorization"] = f"Token {self.token}"
        body = None
        if data is not None:
            body, headers["Content-Type"] = json.dumps(data).encode(), "application/json"
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def engine(self):
        status, body = self.request("/api/graph/engine/", signed_in=True)
        assert status == 200, body
        return json.loads(body)

    def read_all(self) -> dict:
        """Every read at once, each in its own connection: whether it shows the new relation."""
        with ThreadPoolExecutor(len(READS)) as pool:
            answers = dict(zip(READS, pool.map(self.request, READS.values())))
        assert all(status == 200 for status, _ in answers.values()), answers
        return {read: shows_the_relation(read, body) for read, (_, body) in answers.items()}


def shows_the_relation(read, body) -> bool:
    if read == "graph":
        edges = json.loads(body)["edges"]
        return [(e["source"], e["key"], e["target"]) for e in edges] == [("attention", "uses", "transformer")]
    if read == "api":
        relations = json.loads(body)["relations_out"]
        return [(r["type"], r["term"]["slug"]) for r in relations] == [("uses", "transformer")]
    return 'href="/terms/transformer/"' in body


def test_a_write_through_one_server_is_read_through_the_other_at_once_without_a_rebuild(env):
    shared, token = env
    with ExitStack() as servers:
        writer, reader = (Client(servers.enter_context(app_server(shared, port=port)), token)
                          for port in free_ports(2))
        for server in (writer, reader):  # each builds its graph; the pages land in the shared cache
            assert server.read_all() == dict.fromkeys(READS, False)
        before = {server.base: server.engine() for server in (writer, reader)}
        assert before[writer.base]["process"] != before[reader.base]["process"]
        assert all(counts["builds"]["public"] == 1 for counts in before.values())

        status, body = writer.request("/api/relations/", signed_in=True,
                                      data={"source": "attention", "type": "uses", "target": "transformer"})
        assert status == 201, body
        assert reader.read_all() == dict.fromkeys(READS, True)

        after = reader.engine()
        assert after["builds"] == before[reader.base]["builds"]  # no rebuild…
        assert after["updates"]["public"] > before[reader.base]["updates"]["public"]  # …the change was applied
        assert writer.engine()["builds"] == before[writer.base]["builds"]
