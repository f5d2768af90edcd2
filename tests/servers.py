"""Real servers for the tests that need one: the app under gunicorn, and a peer that never answers."""

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")

# DEBUG off, as deployed; static files from the apps (no collectstatic), plain HTTP.
PRODUCTION_LIKE_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "test-server-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_STATIC_MANIFEST": "0",
    "WHITENOISE_USE_FINDERS": "1",
    "DJANGO_LOG_LEVEL": "ERROR",
}


READY_PATH = "/static/glossary/favicon.svg"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def silent_peer():
    """A TCP port that accepts connections and never says a word: a hung server, seen from outside."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except (TimeoutError, OSError):
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()


@contextmanager
def app_server(env: dict, *, workers: int = 1, port: int | None = None):
    """The app under gunicorn on a free local port (or ``port``), with ``env`` on top of a
    production-like one.

    Yields the base URL once the app answers; the server is stopped afterwards.
    """
    port = port or free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CACHE_"))}
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        [str(GUNICORN), "glossary.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "60", "--access-logfile", "/dev/null"],
        cwd=ROOT, env={**clean, **PRODUCTION_LIKE_ENV, **env},
        stdout=subprocess.DEVNULL, stderr=log, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"gunicorn stopped: {log.read()}")
            try:
                # A static file answers without the database, once a worker has loaded the app.
                urlopen(f"http://127.0.0.1:{port}{READY_PATH}", timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
