"""A real PostgreSQL for tests: Debian's `postgresql` binaries, a cluster made by initdb in a temporary folder,
run by an unprivileged user (PostgreSQL refuses to run as root) on a free loopback port, thrown away afterwards.

    from tests.postgres_server import postgres  # noqa: F401  (the fixture: a server URL, one per test module)

    def test_something(postgres: PostgresServer) -> None:
        url = postgres.new_database("mine")   # postgresql+psycopg://crossbrief@127.0.0.1:PORT/mine

Missing binaries skip the test with a reason, or fail it under CI=true (scripts/test installs them when root).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import free_port, missing_prerequisite

SUPERUSER = "crossbrief"


def postgres_bin() -> Path | None:
    """The folder holding initdb and postgres: Debian's newest /usr/lib/postgresql/N/bin, else the PATH's."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name)
                      if p.parent.parent.name.isdigit() else 0)
    if versions:
        return versions[-1].parent
    found = shutil.which("postgres")
    return Path(found).parent if found and shutil.which("initdb") else None


def postgres_bin_or_skip() -> Path:
    found = postgres_bin()
    if found is None:
        missing_prerequisite("PostgreSQL is not installed (Debian: apt-get install postgresql; scripts/test does it "
                             "as root)")
    return found


def _run_as() -> list[str]:
    """A prefix that runs a command as an unprivileged user when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return []
    for user in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(user)
        except KeyError:
            continue
        # setpriv execs (no forked parent in between), so terminating the process stops PostgreSQL itself
        return ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}", "--clear-groups", "--"]
    pytest.fail("running as root with neither a postgres nor a nobody user to run PostgreSQL as")


class PostgresServer:
    """One PostgreSQL cluster; `url` reaches its `postgres` database as the superuser, over TCP on loopback."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.prefix = _run_as()
        self.root = Path(tempfile.mkdtemp(prefix="crossbrief-pg-"))  # /tmp: reachable by the unprivileged user
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        if self.prefix:
            os.chown(self.root, int(self.prefix[1].split("=")[1]), int(self.prefix[2].split("=")[1]))
        init = subprocess.run([*self.prefix, str(bin_dir / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                               "--auth=trust", "-E", "UTF8", "--no-sync"], capture_output=True, text=True)
        if init.returncode != 0:
            self.stop()
            pytest.fail(f"initdb failed: {init.stderr[-800:]}")

    def start(self, attempts: int = 5) -> None:
        """Starts on a free port; another process may take the port between our probe and the bind, so a
        failed bind is retried on a new port."""
        for _ in range(attempts):
            self.port = free_port()
            with open(self.log, "ab") as log:
                self.process = subprocess.Popen(
                    [*self.prefix, str(self.bin_dir / "postgres"), "-D", str(self.data), "-p", str(self.port),
                     "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.root}",
                     "-c", "fsync=off", "-c", "max_connections=100"],
                    stdout=log, stderr=subprocess.STDOUT)
            if self._ready():
                return
            self._terminate()
        pytest.fail("PostgreSQL did not start: " + self.log.read_text(errors="replace")[-800:])

    def _ready(self, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                return False
            probe = subprocess.run([str(self.bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                                   capture_output=True)
            if probe.returncode == 0:
                return True
            time.sleep(0.1)
        return False

    @property
    def url(self) -> str:
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    def new_database(self, name: str) -> str:
        """Creates an empty database `name` and returns its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)

    def _terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # "fast" shutdown: SIGTERM ("smart") waits for every client
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def stop(self) -> None:
        self._terminate()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer(postgres_bin_or_skip())
    try:
        server.start()
        yield server
    finally:
        server.stop()
