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
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
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


def free_port(taken=()):
    for port in PORTS:
        if port in taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail("no free port in 8500–8599")


def redis_or_skip():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.flushdb()
    except Exception as error:  # the test needs a real shared cache, whatever went wrong reaching it
        pytest.skip(f"two-server test needs Redis at {REDIS_URL}: {error}")


@pytest.fixture
def database_url(transactional_db, tmp_path):
    """A database both servers can reach: the test database on PostgreSQL, a file on SQLite."""
    if connection.vendor == "postgresql":
        base = urlsplit(os.environ["DATABASE_URL"])
        return base._replace(path="/" + connection.settings_dict["NAME"]).geturl()
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True, env=server_env(url))
    return url


def server_env(database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return {
        **env,
        "DATABASE_URL": database_url,
        "CACHE_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "glossary.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "two-servers-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        "WHITENOISE_USE_FINDERS": "1",
    }


class Server:
    def __init__(self, env, port):
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "glossary.wsgi"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    def wait_ready(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server exited: {self.process.stderr.read().decode()[-2000:]}")
            try:
                if self.get("/api/health/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"server at {self.base} did not start")

    def request(self, path, *, token=None, data=None):
        headers = {"Accept": "application/json" if path.startswith("/api/") else "text/html"}
        if token:
            headers["Authorization"] = f"Token {token}"
        body = None
        if data is not None:
            body, headers["Content-Type"] = json.dumps(data).encode(), "application/json"
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    get = request

    def engine(self, token):
        status, body = self.get("/api/graph/engine/", token=token)
        assert status == 200, body
        return json.loads(body)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def servers(database_url):
    redis_or_skip()
    env = server_env(database_url)
    setup = subprocess.run([sys.executable, "manage.py", "shell", "-c", SETUP], cwd=ROOT, env=env,
                           check=True, capture_output=True, text=True)
    token = setup.stdout.split()[-1]
    first = free_port()
    pair = [Server(env, first), Server(env, free_port({first}))]
    try:
        for server in pair:
            server.wait_ready()
        yield pair, token
    finally:
        for server in pair:
            server.stop()


READS = {
    "graph": "/api/graph/neighborhood/attention/?depth=1",
    "page": "/terms/attention/",
    "api": "/api/terms/attention/",
}


def shows_the_relation(read, body) -> bool:
    if read == "graph":
        return [(e["source"], e["key"], e["target"]) for e in json.loads(body)["edges"]] == [
            ("attention", "uses", "transformer")
        ]
    if read == "api":
        return [(r["type"], r["term"]["slug"]) for r in json.loads(body)["relations_out"]] == [("uses", "transformer")]
    return 'href="/terms/transformer/"' in body


def read_all(server) -> dict:
    """Every read at once, each in its own connection."""
    with ThreadPoolExecutor(len(READS)) as pool:
        answers = dict(zip(READS, pool.map(server.get, READS.values())))
    assert all(status == 200 for status, _ in answers.values()), answers
    return {read: shows_the_relation(read, body) for read, (_, body) in answers.items()}


def test_a_write_through_one_server_is_read_through_the_other_at_once_without_a_rebuild(servers):
    (writer, reader), token = servers
    for server in (writer, reader):  # each builds its graph; the pages land in the shared cache
        assert read_all(server) == dict.fromkeys(READS, False)
    before = {server.base: server.engine(token) for server in (writer, reader)}
    assert before[writer.base]["process"] != before[reader.base]["process"]
    assert all(counts["builds"]["public"] == 1 for counts in before.values())

    status, body = writer.request("/api/relations/", token=token,
                                  data={"source": "attention", "type": "uses", "target": "transformer"})
    assert status == 201, body
    assert read_all(reader) == dict.fromkeys(READS, True)

    after = reader.engine(token)
    assert after["builds"] == before[reader.base]["builds"]  # no rebuild…
    assert after["updates"]["public"] > before[reader.base]["updates"]["public"]  # …the change was applied
    assert writer.engine(token)["builds"] == before[writer.base]["builds"]
