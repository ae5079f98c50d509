"""The servers a team shares, on this machine: PostgreSQL and Redis from their Debian packages, no Docker.

In a bank, the platform team runs PostgreSQL (MLflow's tracking store and registry, Feast's SQL registry) and
Redis (Feast's online store) for the ML team. The course stands them up the way a learner could on a laptop:
each on a free 127.0.0.1 port, its data in a temporary folder, started and stopped with the same guard as every
other course server (a crashed kernel leaves nothing running), so the production profile runs against the real
servers and never against a mock.

    with SharedServers.start() as servers:
        servers.postgres_uri("mlflow")    # postgresql+psycopg://upi@127.0.0.1:PORT/mlflow
        servers.redis_connection          # 127.0.0.1:PORT (Feast's connection_string)

`missing()` says what is not installed and `not_installed()` the one command that installs it.

PostgreSQL's `initdb` and `postgres` refuse to run as root: as root, the cluster belongs to the `postgres` user
(Debian's package creates it) and its folder is a temporary folder of its own. The cluster trusts connections
from 127.0.0.1 without a password: it listens on nothing else and lives as long as the test or the lab section.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CourseError
from .services import HOST, Service, ServiceError

#: The superuser of the course's cluster, and the databases the production profile uses.
USER = "upi"
DATABASES = ("mlflow", "feast", "decisions")
INSTALL = "sudo apt-get install -y postgresql redis-server"


class SharedServersError(CourseError, RuntimeError):
    """PostgreSQL or Redis is missing or would not start."""


def postgres_bin() -> Path | None:
    """The folder of the newest PostgreSQL server binaries (Debian: /usr/lib/postgresql/<version>/bin), or the
    folder MLOPS_POSTGRES_BIN names; None when there is none."""
    named = os.environ.get("MLOPS_POSTGRES_BIN")
    if named:
        return Path(named) if (Path(named) / "postgres").is_file() else None
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(Path(p).parts[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("postgres")
    return Path(on_path).parent if on_path else None


def redis_server() -> str | None:
    """The redis-server binary (on PATH, or MLOPS_REDIS_SERVER); None when there is none."""
    named = os.environ.get("MLOPS_REDIS_SERVER")
    if named:
        return named if Path(named).is_file() else None
    return shutil.which("redis-server")


def missing() -> list[str]:
    """What the production profile's servers need and this machine lacks (empty when it can run them)."""
    return [name for name, found in (("PostgreSQL", postgres_bin()), ("Redis", redis_server())) if found is None]


def not_installed(lacking: list[str]) -> str:
    """One sentence: what is missing and the command that installs it."""
    verb = "are" if len(lacking) > 1 else "is"
    return f"{' and '.join(lacking)} {verb} not installed; install them with: {INSTALL}"


def require() -> None:
    """Raise, with the install command, when a server is missing."""
    lacking = missing()
    if lacking:
        raise SharedServersError(f"{not_installed(lacking)} (then run this again).")


def _as_owner(command: list[str]) -> list[str]:
    """The command as the cluster's owner: `postgres` when we are root (PostgreSQL refuses root), else ourselves."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _postgres_ready(port: int) -> bool:
    import psycopg

    try:
        with psycopg.connect(host=HOST, port=port, user=USER, dbname="postgres", connect_timeout=1):
            return True
    except psycopg.OperationalError:
        return False


def _redis_ready(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(host=HOST, port=port, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


class _Probed(Service):
    """A server that speaks its own protocol: ready when `probe(port)` says so."""

    def __init__(self, name: str, command: list[str], probe: Callable[[int], bool], timeout: float) -> None:
        super().__init__(name, command, timeout=timeout)
        self.probe = probe

    @property
    def ready_target(self) -> str:
        return f"{HOST}:{self.port}"

    def answers(self) -> bool:
        return self.port is not None and self.probe(self.port)


@dataclass
class SharedServers:
    """A running PostgreSQL cluster and Redis server; stop() ends both and removes their data."""

    data: Path
    postgres: Service
    redis: Service
    _stopped: bool = field(default=False, repr=False)

    @classmethod
    def start(cls, timeout: float = 60.0) -> SharedServers:
        """Create a cluster and its databases, start both servers on free ports, wait until they answer."""
        require()
        data = Path(tempfile.mkdtemp(prefix="upi-servers-"))
        cluster = data / "postgres"
        cluster.mkdir()
        if os.geteuid() == 0:
            shutil.chown(data, "postgres")
            shutil.chown(cluster, "postgres")
        binaries = postgres_bin()
        assert binaries is not None  # require() checked
        made = subprocess.run(_as_owner([str(binaries / "initdb"), "-D", str(cluster), "-U", USER, "--auth=trust",
                                         "--encoding=UTF8", "--locale=C", "--no-sync"]),
                              capture_output=True, text=True)
        if made.returncode != 0:
            shutil.rmtree(data, ignore_errors=True)
            raise SharedServersError(f"initdb failed: {made.stderr.strip()[-300:]}; check that {INSTALL} "
                                     "completed and that the postgres user exists.")
        postgres = _Probed("postgresql", _as_owner([
            str(binaries / "postgres"), "-D", str(cluster), "-p", "{port}", "-c", "listen_addresses={host}",
            "-c", f"unix_socket_directories={cluster}"]), _postgres_ready, timeout)
        redis = _Probed("redis", [str(redis_server()), "--port", "{port}", "--bind", "{host}", "--dir", str(data),
                                  "--save", "", "--appendonly", "no"], _redis_ready, timeout)
        servers = cls(data, postgres, redis)
        try:
            postgres.start()
            redis.start()
            servers._create_databases()
        except (ServiceError, OSError) as err:
            servers.stop()
            raise SharedServersError(f"{err} The servers were stopped and their data removed.") from None
        return servers

    def _create_databases(self) -> None:
        import psycopg

        with psycopg.connect(host=HOST, port=self.postgres.port, user=USER, dbname="postgres",
                             autocommit=True) as conn:
            for name in DATABASES:
                conn.execute(f'CREATE DATABASE "{name}"')

    def postgres_uri(self, database: str) -> str:
        """A SQLAlchemy URI for one of the cluster's databases, with psycopg 3 (MLflow and Feast both take it)."""
        return f"postgresql+psycopg://{USER}@{HOST}:{self.postgres.port}/{database}"

    @property
    def redis_connection(self) -> str:
        """Feast's Redis connection_string for this server."""
        return f"{HOST}:{self.redis.port}"

    def stop(self) -> None:
        """Stop both servers (SIGTERM to each process, SIGKILL after Service.stop's grace) and remove their data;
        safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        self.redis.stop()
        self.postgres.stop()
        shutil.rmtree(self.data, ignore_errors=True)

    def __enter__(self) -> SharedServers:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
