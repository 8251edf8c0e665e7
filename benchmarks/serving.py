"""Shared helpers for benchmarks and the load test: fresh databases, gunicorn on loopback,
and a tiny HTTP client that keeps cookies and reads form tokens."""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_available() -> bool:
    try:
        engine = create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available here"
        return False


@contextmanager
def fresh_database(kind: str) -> Iterator[str]:
    """A new, migrated database of the given kind ("sqlite" or "postgresql"); removed after."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{folder}/bench.sqlite3"
            migrate(url)
            yield url
        return
    name = f"cx_bench_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


PASSWORD = "correct horse battery staple"
SECRET_KEY = "bench-" + "x" * 32


def create_accounts(database_url: str, emails: list[str], password: str = PASSWORD) -> None:
    """Accounts for simulated users, made with the app's own function: signing up finishes by
    an emailed link, which a benchmark cannot open."""
    from assessment import create_app
    from assessment.extensions import db
    from assessment.store import accounts

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY,
                      "LOG_LEVEL": "WARNING"})
    with app.app_context():
        for email in emails:
            accounts.create_user(email, password)
        db.session.commit()
        db.engine.dispose()


def app_env(database_url: str, **extra: str) -> dict[str, str]:
    # Many simulated users sign up from one address: lift the sign-in throttle for them.
    return os.environ | {"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY,
                         "LOG_LEVEL": "WARNING", "SIGN_IN_RATE_LIMIT": "100000 per minute",
                         "REDIS_URL": ""} | extra


def migrate(database_url: str) -> None:
    flask(database_url, "db", "upgrade")


def flask(database_url: str, *args: str) -> str:
    result = subprocess.run([str(VENV_BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT,
                            env=app_env(database_url), capture_output=True, text=True, check=True)
    return result.stdout


@contextmanager
def gunicorn(database_url: str, app: str = "wsgi:app", workers: int = 4,
             cwd: Path = ROOT, extra_env: dict[str, str] | None = None,
             log: Path | None = None, start_seconds: float = 60) -> Iterator[str]:
    """gunicorn with our config file on a free loopback port; yields its base URL. With a log
    path, its log (access lines and the app's warnings and errors) is written there."""
    port = free_port()
    env = app_env(database_url, BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY=str(workers),
                  GUNICORN_MAX_REQUESTS="0", **(extra_env or {}))
    with open(log or os.devnull, "w") as output:
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), app],
            cwd=cwd, env=env, stdout=output, stderr=subprocess.PIPE if log is None else output,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, process, start_seconds)
            yield base
        finally:
            stop(process)


@contextmanager
def plan_worker(database_url: str, extra_env: dict[str, str],
                log: Path | None = None) -> Iterator[subprocess.Popen]:
    """`flask plan-worker` (renders plans queued on REDIS_URL), until the block ends."""
    with open(log or os.devnull, "w") as output:
        process = subprocess.Popen(
            [str(VENV_BIN / "flask"), "--app", "wsgi", "plan-worker"], cwd=ROOT,
            env=app_env(database_url, **extra_env), stdout=output, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def redis_available(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means "not available here"
        return False


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = process.stderr.read()[-2000:] if process.stderr else "see its log"
            raise RuntimeError(f"gunicorn stopped: {said}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):  # busy machine: retry
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer at {base} within {seconds} s")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


class Browser:
    """One simulated user: keeps cookies, never follows redirects, records every status."""

    TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')

    def __init__(self, base: str, timeout: float = 30):
        self.base, self.timeout = base, timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
        self.statuses: list[int] = []

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=self.timeout) as reply:
                status, text, location = reply.status, reply.read().decode(), ""
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
            location = error.headers.get("Location", "")
        self.statuses.append(status)
        return status, text, location

    def download(self, path: str) -> tuple[int, bytes]:
        """GET a file: its status and its bytes (a PDF is not text)."""
        try:
            with self.opener.open(self.base + path, timeout=self.timeout) as reply:
                status, body = reply.status, reply.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        self.statuses.append(status)
        return status, body

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        """Sign in and stay signed in (every assessment page needs it)."""
        status, _, _ = self.request("/sign-in", {"csrf_token": self.token("/sign-in"),
                                                 "email": email, "password": password})
        if status != 302:
            raise RuntimeError(f"signing in as {email} gave {status}")

    def cookie_header(self) -> str:
        """The session cookie, for tools such as wrk that send a fixed header."""
        jar = next(h for h in self.opener.handlers
                   if isinstance(h, urllib.request.HTTPCookieProcessor)).cookiejar
        return "; ".join(f"{c.name}={c.value}" for c in jar)

    def token(self, path: str) -> str:
        status, text, _ = self.request(path)
        match = self.TOKEN.search(text)
        if status != 200 or not match:
            raise RuntimeError(f"GET {path} gave {status} and no form token")
        return match.group(1)
