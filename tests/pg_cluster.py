"""A throwaway PostgreSQL cluster for the tests: Debian's server binaries, a temporary folder, a free port.

    cluster = Cluster.start()          # initdb + pg_ctl start (as user postgres when run as root)
    url = cluster.new_database()       # a fresh, migrated database (copied from a template)
    cluster.drop_database(url)         # gone again (the test is over)
    cluster.stop()                     # pg_ctl stop, folder removed

The cluster lives in memory (/dev/shm) where there is room: copying the template there takes some
15 ms instead of 150-300 ms on disk, where each copy's checkpoint waits for the disk.

Nothing is downloaded: without Debian's postgresql package the tests say how to install it
(scripts/test.sh installs it in CI).
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

INSTALL_HINT = "PostgreSQL tests need Debian's postgresql: sudo apt-get install -y postgresql"
TEMPLATE = "lotse_template"


class NoServer(Exception):
    """initdb/pg_ctl are not installed, or the server did not start."""


def verdict(error: NoServer, environ: Mapping[str, str]) -> tuple[str, str]:
    """("skip" | "fail", message) for a run without a PostgreSQL server: CI (CI=true) must fail."""
    message = str(error) if INSTALL_HINT in str(error) else f"{error} ({INSTALL_HINT})"
    if environ.get("CI", "").lower() == "true":
        return "fail", f"CI must run the PostgreSQL tests: {message}"
    return "skip", message


def server_bin() -> Path | None:
    """The folder of Debian's newest installed initdb and pg_ctl."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


SHM = Path("/dev/shm")
SHM_ROOM = 2 * 1024**3  # bytes free in /dev/shm before the cluster goes there (tests drop their databases)


def cluster_parent() -> str | None:
    """Where the cluster's folder goes: /dev/shm (memory) if it is there, writable and roomy,
    otherwise the system's temporary folder (None)."""
    try:
        roomy = SHM.is_dir() and os.access(SHM, os.W_OK) and shutil.disk_usage(SHM).free >= SHM_ROOM
    except OSError:
        roomy = False
    return str(SHM) if roomy else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    folder: Path
    port: int
    bin: Path
    owner: str | None  # the system user the server runs as (None: the current user)
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def socket_dir(self) -> str:
        return str(self.folder)

    def url(self, database: str) -> str:
        """A URL every process on this machine can use (TCP on localhost, trust authentication)."""
        return f"postgresql://lotse@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> subprocess.CompletedProcess:
        if self.owner:
            command = ("runuser", "-u", self.owner, "--", *command)
        return subprocess.run(command, capture_output=True, text=True, timeout=120)

    @classmethod
    def start(cls) -> "Cluster":
        bindir = server_bin()
        if bindir is None:
            raise NoServer(INSTALL_HINT)
        owner = None
        if os.geteuid() == 0:  # the server refuses to run as root
            try:
                owner = pwd.getpwnam("postgres").pw_name
            except KeyError as error:
                raise NoServer("running as root needs the system user 'postgres' (Debian's package creates it)") from error
        for attempt in range(3):  # parallel test workers start a cluster each: a port may be taken meanwhile
            folder = Path(tempfile.mkdtemp(prefix="lotse-pg-", dir=cluster_parent()))
            if owner:
                shutil.chown(folder, owner)
            cluster = cls(folder, free_port(), bindir, owner)
            try:
                cluster._init_and_start()
                return cluster
            except NoServer as error:
                if attempt == 2 or "already in use" not in str(error):
                    raise
        raise AssertionError("unreachable")

    def _init_and_start(self) -> None:
        data = str(self.folder / "data")
        done = self._run(str(self.bin / "initdb"), "-D", data, "-U", "lotse", "-A", "trust", "-E", "UTF8",
                         "--locale=C.UTF-8", "--no-sync")
        if done.returncode != 0:
            raise NoServer(f"initdb failed: {done.stderr.strip()}")
        options = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
                   " -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
                   " -c max_wal_size=4GB -c checkpoint_timeout=1h")
        done = self._run(str(self.bin / "pg_ctl"), "-D", data, "-o", options, "-l", str(self.folder / "server.log"),
                         "-w", "-t", "60", "start")
        if done.returncode != 0:
            log = (self.folder / "server.log").read_text(errors="replace") if (self.folder / "server.log").exists() else ""
            self.remove()
            raise NoServer(f"the PostgreSQL server did not start: {done.stderr.strip()} {log[-2000:]}")

    def admin(self, sql: str) -> None:
        """Run SQL as the cluster's superuser in its maintenance database (CREATE/DROP DATABASE)."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql.encode())

    def prepare_template(self) -> None:
        """A migrated database that new_database() copies (much faster than migrating each time)."""
        from progress import prepared_store

        self.admin(f"CREATE DATABASE {TEMPLATE}")
        prepared_store(self.url(TEMPLATE)).close()

    def new_database(self, empty: bool = False) -> str:
        """The URL of a fresh database: migrated (a copy of the template), or empty.

        FILE_COPY copies the template's files (in memory: fast) instead of writing every page of
        it to the WAL, PostgreSQL 15's default; older servers know only the file copy."""
        name = f"lotse_{next(self._numbers)}"
        strategy = " STRATEGY FILE_COPY" if self.version >= 15 else ""
        self.admin(f"CREATE DATABASE {name}" + ("" if empty else f" TEMPLATE {TEMPLATE}{strategy}"))
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Remove a database new_database made, closing what is still connected to it."""
        name = url.rsplit("/", 1)[1]
        if not name.startswith("lotse_") or not name.removeprefix("lotse_").isdigit():
            raise ValueError(f"not a database of this cluster: {url}")
        self.admin(f"DROP DATABASE IF EXISTS {name}" + (" WITH (FORCE)" if self.version >= 13 else ""))

    @property
    def version(self) -> int:
        """The server's major version, from Debian's folder (/usr/lib/postgresql/<major>/bin)."""
        return int(self.bin.parent.name)

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        self.remove()

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
