"""A throwaway PostgreSQL + PostGIS cluster for the test session.

The cluster is made with Debian's ``initdb``/``pg_ctl`` (``/usr/lib/postgresql/<v>/bin``) in a
temporary folder, run by a non-root user (the ``postgres`` system user when the tests run as
root, else the current user), and listens on a Unix socket in that folder and on a free
loopback port (password logins over TCP, trusted logins over the socket). Tests that need it
carry the ``postgres`` mark; they share one cluster per test process (one xdist group) and get
a fresh database each. When the server cannot start, the tests FAIL with the reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

PG_BIN_CANDIDATES = [Path(f"/usr/lib/postgresql/{v}/bin") for v in (17, 16, 15)]


def _pg_bin() -> Path:
    env = os.environ.get("TAMBON_GIS_PG_BIN")
    for candidate in ([Path(env)] if env else []) + PG_BIN_CANDIDATES:
        if (candidate / "initdb").is_file():
            return candidate
    raise RuntimeError(
        "no PostgreSQL server binaries (initdb) in /usr/lib/postgresql/*/bin: install the "
        "Debian packages with `apt-get install postgresql postgresql-15-postgis-3` "
        "(make setup-system does), or set TAMBON_GIS_PG_BIN"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PGServer:
    """A running cluster: its folder, socket folder, port and superuser name."""

    folder: Path
    port: int
    superuser: str
    bin: Path
    run_as: list[str]

    @property
    def socket_dir(self) -> str:
        return str(self.folder)

    def url(self, dbname: str = "postgres", *, user: str | None = None) -> str:
        """A ``postgresql://`` URL for the Unix socket (trusted: no password)."""
        return (
            f"postgresql://{user or self.superuser}@/{dbname}"
            f"?host={self.socket_dir}&port={self.port}"
        )

    def tcp_url(self, dbname: str, *, user: str, password: str) -> str:
        """A URL over loopback TCP with a password (scram-sha-256)."""
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{dbname}"

    def execute(self, sql: str, *, dbname: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True) as con:
            con.execute(sql)

    def new_database(self, *, postgis: bool = True) -> str:
        """Create an empty database (with PostGIS) and return its name."""
        name = "t_" + uuid.uuid4().hex[:12]
        self.execute(f"CREATE DATABASE {name} TEMPLATE {'tpl_postgis' if postgis else 'template0'}")
        return name

    def stop(self) -> None:
        subprocess.run(
            [*self.run_as, str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m",
             "immediate", "-w", "stop"],
            capture_output=True, check=False, timeout=60,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> PGServer:
    """Start a cluster; raise ``RuntimeError`` naming what failed."""
    pg_bin = _pg_bin()
    folder = Path(tempfile.mkdtemp(prefix="tgpg_"))
    run_as: list[str] = []
    superuser = os.environ.get("USER", "postgres")
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise RuntimeError("running as root and there is no `postgres` user") from exc
        os.chown(folder, pw.pw_uid, pw.pw_gid)
        run_as = ["runuser", "-u", "postgres", "--"]
        superuser = "postgres"
    else:
        import getpass

        superuser = getpass.getuser()
    port = _free_port()
    data = folder / "data"

    def run(*cmd: str) -> None:
        done = subprocess.run([*run_as, *cmd], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")

    run(str(pg_bin / "initdb"), "-D", str(data), "-U", superuser, "-E", "UTF8",
        "--locale=C.UTF-8", "--auth-local=trust", "--auth-host=scram-sha-256")  # fmt: skip
    opts = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60 "
        "-c shared_buffers=128MB"
    )
    run(str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-o", opts,
        "-w", "-t", "60", "start")  # fmt: skip
    server = PGServer(folder=folder, port=port, superuser=superuser, bin=pg_bin, run_as=run_as)
    try:
        server.execute("CREATE DATABASE tpl_postgis")
        server.execute("CREATE EXTENSION postgis", dbname="tpl_postgis")
    except Exception as exc:
        server.stop()
        raise RuntimeError(
            f"PostGIS is not available in the test cluster ({exc}): install "
            "postgresql-15-postgis-3 (make setup-system does)"
        ) from exc
    return server
