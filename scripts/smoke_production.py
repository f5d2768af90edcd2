#!/usr/bin/env python
"""Production smoke test: deploy as the README says, then request every page type and API endpoint.

On a throwaway seeded database (SQLite in a temporary folder, or SMOKE_DATABASE_URL): migrate,
load the seed, `collectstatic` with the hashed manifest storage into a temporary STATIC_ROOT,
serve with gunicorn and DEBUG off, then crawl — as an anonymous reader and as a signed-in
curator — every web page type, every GET operation of the OpenAPI schema (path parameters
filled from the lists), the exports, the admin, and every static file the pages link to.
Any 5xx, any unreachable static file or any traceback in the server log fails the run.

    .venv/bin/python scripts/smoke_production.py        (also: make smoke)
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urljoin, urlsplit
from urllib.request import HTTPCookieProcessor, Request, build_opener

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GUNICORN = str(Path(PY).with_name("gunicorn"))
ADMIN_PASSWORD = secrets.token_urlsafe(16)

# Two terms of the seed glossary (fixtures/llm_glossary.json), and a release made of it.
TERM, OTHER_TERM = "large-language-model", "hallucination"
RELEASE = "smoke-1"

WEB_PAGES = [
    "/", "/terms/", "/terms/?letter=L", "/terms/?q=model", f"/terms/{TERM}/", "/categories/",
    "/search/?q=transformer", "/search/?q=tranformer", "/graph/", "/graph/?layout=hierarchical",
    f"/graph/{TERM}/", f"/graph/{TERM}/?depth=2&direction=out", f"/graph/path/?from={TERM}&to={OTHER_TERM}",
    "/graph/path/", f"/terms/{TERM}/path/?to=Hallucination", "/no-such-page/", "/terms/no-such-term/",
    "/admin/login/", "/api/", "/api/docs/", "/api/schema/", "/api/schema/?format=json", "/api/health/",
    "/api/export/", "/api/export/?format=skos", "/api/export/?format=skos&skos_format=xml",
    "/api/export/?format=skos&skos_format=json-ld", "/api/export/?format=graphml",
    f"/api/graph/path/?from={TERM}&to={OTHER_TERM}", "/api/terms/autocomplete/?q=lar",
    f"/api/graph/hierarchy/{TERM}/?type=is-a", "/api/terms/?search=model&ordering=-updated_at",
    "/changes/", "/changes/?from=2020-01-01&lang=fi", "/changes/feed/", "/changes/feed/?category=concept",
    f"/terms/{TERM}/?lang=de", f"/graph/{TERM}/?lang=de", "/hierarchy/?lang=fr",
    "/api/changes/?since=2020-01-01T00:00:00Z", "/api/changes/?since=not-a-time",
    "/releases/", f"/releases/{RELEASE}/", f"/releases/{RELEASE}/diff/current/", "/quality/", "/quality/?lang=fr",
    f"/api/releases/{RELEASE}/export/?format=csv",
]
# Beside every changelist and add page the admin index links to, and one change page of each.
ADMIN_PAGES = ["/admin/", "/admin/glossary/", "/admin/glossary/term/?q=model", "/admin/glossary/term/import/",
               "/admin/password_change/"]


class Crawler:
    def __init__(self, base: str):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))
        self.seen: dict[str, int] = {}
        self.failures: list[str] = []

    def get(self, path: str, *, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str, dict]:
        url = urljoin(self.base, path)
        request = Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as response:
                status, body, response_headers = response.status, response.read(), response.headers
        except HTTPError as error:
            status, body, response_headers = error.code, error.read(), error.headers
        except URLError as error:
            self.failures.append(f"{path}: no answer ({error.reason})")
            return 0, "", {}
        self.seen[path] = status
        if status >= 500:
            self.failures.append(f"{path}: {status}")
        text = body.decode("utf-8", "replace")
        if response_headers.get("Content-Type", "").startswith("text/html") and "</html>" not in text[-100:].lower():
            # Read up to its Content-Length, as a browser does: a stale length cuts the page short.
            self.failures.append(f"{path}: the page ends before </html> ({len(body)} bytes read)")
        return status, text, response_headers

    def static_links(self, html: str) -> set[str]:
        return {m for m in re.findall(r'(?:src|href)="(/static/[^"]+)"', html)}


def run(*args, env, **kwargs):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, process) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("smoke: gunicorn stopped during start-up")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("smoke: gunicorn did not start within 60 s")


def fill(path: str, crawler: Crawler) -> str | None:
    """A schema path with its parameters filled from the list it belongs to, or from the seed."""
    names = re.findall(r"{(\w+)}", path)
    if not names:
        return path
    list_path = path.split("{", 1)[0]
    status, body, _ = crawler.get(list_path)
    value = None
    if status == 200:
        results = json.loads(body)
        items = results.get("results", results) if isinstance(results, dict) else results
        if isinstance(items, list) and items and isinstance(items[0], dict):
            value = items[0].get(names[0])
    if value is None and names[0] == "slug":
        value = TERM
    return None if value is None else re.sub(r"{\w+}", str(value), path)


def crawl(base: str) -> list[str]:
    anonymous = Crawler(base)
    statics: set[str] = set()
    for path in WEB_PAGES:
        _status, body, _headers = anonymous.get(path)
        statics |= anonymous.static_links(body)
    schema = json.loads(anonymous.get("/api/schema/?format=json")[1])
    operations = [path for path, methods in schema["paths"].items() if "get" in methods]
    for path in operations:
        filled = fill(path, anonymous)
        if filled is None:
            anonymous.failures.append(f"{path}: no value to fill its parameters")
        else:
            anonymous.get(filled)
    # Category pages: one per category of the seed.
    for category in json.loads(anonymous.get("/api/categories/?page_size=200")[1])["results"]:
        anonymous.get(urlsplit(category["url"]).path)

    curator = Crawler(base)
    _status, login_page, _headers = curator.get("/admin/login/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    form = urlencode({"username": "smoke-admin", "password": ADMIN_PASSWORD,
                      "csrfmiddlewaretoken": csrf, "next": "/admin/"}).encode()
    status, _body, _headers = curator.get("/admin/login/?next=/admin/", data=form, headers={"Referer": base + "/admin/login/"})
    if "/admin/login/" in curator.seen and status != 200:
        curator.failures.append(f"admin login: {status}")
    index = curator.get("/admin/")[1]
    listed = sorted(set(re.findall(r'href="(/admin/\w+/\w+/(?:add/)?)"', index)))
    if len(listed) < 10:
        curator.failures.append(f"the admin index links to {len(listed)} admin pages; is the curator signed in?")
    changes = []
    for changelist in (path for path in listed if not path.endswith("/add/")):
        change = re.search(rf'href="({re.escape(changelist)}\d+/change/)', curator.get(changelist)[1])
        changes += [change.group(1)] if change else []
    for path in ADMIN_PAGES + listed + changes:
        status, body, _headers = curator.get(path)
        if status != 200:
            curator.failures.append(f"{path}: {status} for a signed-in curator")
        statics |= curator.static_links(body)
    for path in operations:
        filled = fill(path, curator)
        if filled:
            curator.get(filled)

    for path in sorted(statics):
        status, _body, _headers = anonymous.get(path)
        if status != 200:
            anonymous.failures.append(f"{path}: static file answered {status}")
    print(f"smoke: {len(anonymous.seen) + len(curator.seen)} requests "
          f"({len(operations)} API operations, {len(statics)} static files)")
    return anonymous.failures + curator.failures


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="glossary-smoke-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_"))}
    env.update({
        "DATABASE_URL": os.environ.get("SMOKE_DATABASE_URL") or f"sqlite:///{workdir / 'smoke.sqlite3'}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        # Served over plain HTTP on the loopback: the local deploy mode (see README, Production).
        "DJANGO_HTTPS": "0",
        "DJANGO_LOG_LEVEL": "ERROR",
    })
    server = None
    log = workdir / "server.log"
    try:
        run("migrate", "--noinput", "-v0", env=env)
        run("load_seed_if_empty", "-v0", env=env, stdout=subprocess.DEVNULL)
        run("shell", "-v0", "-c", "from django.contrib.auth.models import User; "
            f"User.objects.create_superuser('smoke-admin', 'smoke@example.com', {ADMIN_PASSWORD!r}); "
            f"from glossary import services; services.release_create(name={RELEASE!r}, user=None)", env=env)
        run("collectstatic", "--noinput", "-v0", env=env)
        port = free_port()
        with open(log, "w") as log_file:
            server = subprocess.Popen(
                [GUNICORN, "glossary.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                 "--access-logfile", "/dev/null"],
                cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
            )
        wait_for(port, server)
        failures = crawl(f"http://127.0.0.1:{port}")
        server_log = log.read_text()
        if "Traceback" in server_log:
            failures.append("the server logged a traceback:\n" + server_log)
    except subprocess.CalledProcessError as error:
        failures = [f"deploy step failed: {' '.join(map(str, error.cmd[1:]))}"]
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    for failure in failures:
        print(f"smoke: FAIL {failure}")
    print("smoke: " + ("passed" if not failures else f"{len(failures)} failure(s)"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
