"""A real server process on a fresh database, for concurrency tests.

`live_site()` creates an empty database (a temporary SQLite file, or a
`practica_conc_<random>` PostgreSQL database when PRACTICA_DATABASE=postgres),
migrates it, runs a seed script through `manage.py shell -c`, starts gunicorn
(4 workers x 2 threads) on a free loopback port and yields a `LiveSite`; on exit
it stops the server and drops the database. `Session` is a tiny HTTP client with
its own cookie jar that logs in like a browser (CSRF token, then credentials).
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
STARTUP_SECONDS = 60.0  # a loaded 2-core CI machine boots gunicorn slowly
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class LiveSite:
    base_url: str
    env: Mapping[str, str]

    def run_script(self, code: str) -> str:
        """Run Python in `manage.py shell` against the site's database."""
        return run_script(self.env, code)

    def count_rows(self, sql: str) -> int:
        return count_rows(self.env, sql)

    def query_rows(self, sql: str) -> list[tuple[object, ...]]:
        return query_rows(self.env, sql)


@dataclass(frozen=True)
class Reply:
    status: int
    body: str
    location: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Session:
    """One browser: cookies kept between requests, redirects not followed."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def _open(self, request: urllib.request.Request) -> Reply:
        try:
            with self.opener.open(request, timeout=60) as response:
                return Reply(
                    response.status,
                    response.read().decode(),
                    response.headers.get("Location", ""),
                )
        except urllib.error.HTTPError as error:
            return Reply(
                error.code,
                error.read().decode(errors="replace"),
                error.headers.get("Location", ""),
            )

    def get(self, path: str) -> Reply:
        return self._open(urllib.request.Request(self.base_url + path))

    def post(self, path: str, data: Mapping[str, str]) -> Reply:
        fields = {"csrfmiddlewaretoken": self.csrf_token(), **data}
        body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base_url + path, data=body)
        request.add_header("Referer", self.base_url + path)
        return self._open(request)

    def csrf_token(self) -> str:
        for cookie in self.cookies:
            if cookie.name == "csrftoken":
                return cookie.value or ""
        return ""

    def log_in(self, email: str, password: str) -> None:
        page = self.get("/accounts/login/")
        match = _CSRF_FIELD.search(page.body)
        if page.status != 200 or match is None:  # pragma: no cover - set-up failure
            raise RuntimeError(f"log-in page answered {page.status}")
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": match.group(1),
                "email": email,
                "password": password,
                "next": "/",
            }
        ).encode()
        reply = self._open(
            urllib.request.Request(self.base_url + "/accounts/login/", data=body)
        )
        if reply.status != 302:  # pragma: no cover - set-up failure
            raise RuntimeError(f"log-in answered {reply.status}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _base_env() -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PRACTICA_", "DJANGO_", "PYTEST_"))
    }
    env.update(
        {
            # The main settings with the test overrides (a fast password
            # hasher): a dozen log-ins must not cost a dozen PBKDF2 rounds.
            "DJANGO_SETTINGS_MODULE": "practica.config.settings_test",
            "PRACTICA_DEBUG": "1",
            "PRACTICA_SECURE": "0",
            "PRACTICA_LOG_LEVEL": "WARNING",
        }
    )
    for key in ("PRACTICA_PG_HOST", "PRACTICA_PG_PORT", "PRACTICA_PG_USER"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def _pg_admin(env: Mapping[str, str]) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(
        host=env.get("PRACTICA_PG_HOST", "127.0.0.1"),
        port=int(env.get("PRACTICA_PG_PORT", "5432")),
        user=env.get("PRACTICA_PG_USER", "postgres"),
        dbname="postgres",
        autocommit=True,
    )


@contextlib.contextmanager
def fresh_database() -> Iterator[dict[str, str]]:
    """Environment for the subprocesses, pointing at a new empty database."""
    env = _base_env()
    if os.environ.get("PRACTICA_DATABASE") == "postgres":
        name = f"practica_conc_{secrets.token_hex(6)}"
        env["PRACTICA_DATABASE"] = "postgres"
        env["PRACTICA_PG_NAME"] = name
        env["PRACTICA_PG_CONN_MAX_AGE"] = "0"
        with _pg_admin(env) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield env
        finally:
            with _pg_admin(env) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        with tempfile.TemporaryDirectory(prefix="practica-conc-") as folder:
            env["PRACTICA_SQLITE_PATH"] = str(Path(folder) / "db.sqlite3")
            yield env


def manage(env: Mapping[str, str], *args: str) -> str:
    result = subprocess.run(  # fixed argv, no shell
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:  # pragma: no cover - set-up failure
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def run_script(env: Mapping[str, str], code: str) -> str:
    return manage(env, "shell", "-c", code)


def count_rows(env: Mapping[str, str], sql: str) -> int:
    """Run a counting query straight against the site's database."""
    rows = query_rows(env, sql)
    assert rows
    return int(str(rows[0][0]))


def query_rows(env: Mapping[str, str], sql: str) -> list[tuple[object, ...]]:
    """Run a query straight against the site's database; all its rows."""
    if env.get("PRACTICA_DATABASE") == "postgres":
        with psycopg.connect(
            host=env.get("PRACTICA_PG_HOST", "127.0.0.1"),
            port=int(env.get("PRACTICA_PG_PORT", "5432")),
            user=env.get("PRACTICA_PG_USER", "postgres"),
            dbname=env["PRACTICA_PG_NAME"],
        ) as connection:
            return list(connection.execute(sql).fetchall())
    with contextlib.closing(sqlite3.connect(env["PRACTICA_SQLITE_PATH"])) as connection:
        return [tuple(row) for row in connection.execute(sql).fetchall()]


def _wait_until_up(process: subprocess.Popen[bytes], base_url: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:  # pragma: no cover - set-up failure
            raise RuntimeError("gunicorn exited during start-up")
        try:
            with urllib.request.urlopen(base_url + "/accounts/login/", timeout=10):
                return
        except OSError:  # refused while booting, or a slow first request
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer in time")  # pragma: no cover


@contextlib.contextmanager
def running_server(env: Mapping[str, str]) -> Iterator[str]:
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(  # fixed argv, no shell
        [
            GUNICORN,
            "practica.config.wsgi",
            "-w",
            "4",
            "--threads",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--preload",
        ],
        cwd=ROOT,
        env=dict(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(process, base_url)
        yield base_url
    finally:
        process.send_signal(signal.SIGINT)  # quick shutdown
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - stuck server
            process.kill()
            process.wait(timeout=10)


@contextlib.contextmanager
def live_site(seed: str) -> Iterator[tuple[LiveSite, str]]:
    """A migrated, seeded database behind gunicorn; yields the site and the
    seed script's output (for ids it prints)."""
    with fresh_database() as env:
        manage(env, "migrate", "--noinput")
        seeded = run_script(env, seed)
        with running_server(env) as base_url:
            yield LiveSite(base_url=base_url, env=env), seeded
