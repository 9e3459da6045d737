"""Disposable services for the resilience tests: a private PostgreSQL cluster, a private Redis,
gunicorn and Celery workers, all on loopback with free ports, every wait bounded.

Nothing here touches the machine's shared PostgreSQL (5432) or Redis (6379): each service is
started from its binaries on a temporary directory and stopped by its own process id.

Adjust the database story in ONE place:
- ``database_urls`` gives the admin URL (superuser, the tables' owner: migrations, seeding,
  inspection) and the URL the application (gunicorn, workers) connects with: the row-level
  security role (``DATABASE_APP_ROLE``, default ``crm360_app``) when the cluster has it with a
  login, else the admin URL.
- ``prepare_database`` runs the migrations, then ``init_db_roles`` when that command exists
  (with a password, so the application role can log in as it does in production).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
BIN_DIR = Path(sys.executable).parent
PG_BIN = Path(os.environ.get("RESILIENCE_PG_BIN", "/usr/lib/postgresql/15/bin"))
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
DB_NAME = "crm360"
# The application role of row-level security (crm/services/db_roles.py), given a password on
# these disposable loopback clusters so that it can log in.
APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "crm360_app")
APP_PASSWORD = "resilience-app"
SERVER_SETTINGS = "crm.settings.local"  # DEBUG is turned off through the environment
WORKER_SETTINGS = "tests.resilience.worker_settings"  # local + short VMM lease / visibility
START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
COMMAND_TIMEOUT = 900.0


class HarnessError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Poll ``predicate`` until it returns a truthy value; HarnessError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise HarnessError(f"timed out after {timeout:.0f} s waiting for {what}")


def stop_process(process: subprocess.Popen | None, *, sig: int = signal.SIGTERM) -> None:
    """Stop one process we started (its own process group): ``sig``, then SIGKILL after a delay."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _as_postgres_user() -> list[str]:
    """initdb refuses root: run the cluster as the ``postgres`` system user when we are root."""
    if os.geteuid() != 0:
        return []
    pwd.getpwnam("postgres")  # KeyError: no such user, nothing we can do
    return ["runuser", "-u", "postgres", "--"]


def _chown_to_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(path, entry.pw_uid, entry.pw_gid)


# --- PostgreSQL --------------------------------------------------------------------------------


@dataclass
class Postgres:
    """A private cluster in ``base_dir`` (data in ``base_dir/data``), listening on 127.0.0.1."""

    base_dir: Path
    port: int = field(default_factory=free_port)

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def log_path(self) -> Path:
        return self.base_dir / "postgres.log"

    def _pg_ctl(self, *args: str, timeout: float = START_TIMEOUT) -> None:
        options = (
            f"-p {self.port} -k {self.base_dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        command = [
            *_as_postgres_user(), str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir),
            "-l", str(self.log_path), "-o", options, "-w", "-t", str(int(timeout)), *args,
        ]  # fmt: skip
        subprocess.run(command, check=True, timeout=timeout + 10, capture_output=True)

    def init(self) -> None:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        _chown_to_postgres(self.base_dir)
        command = [
            *_as_postgres_user(), str(PG_BIN / "initdb"), "-D", str(self.data_dir),
            "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        ]  # fmt: skip
        subprocess.run(command, check=True, timeout=120, capture_output=True)

    def adopt(self, data_dir: Path) -> None:
        """Use a copy of an existing (stopped) cluster's data directory."""
        self.base_dir.mkdir(parents=True, exist_ok=True)
        _chown_to_postgres(self.base_dir)
        command = [*_as_postgres_user(), "cp", "-a", str(data_dir), str(self.data_dir)]
        subprocess.run(command, check=True, timeout=300, capture_output=True)
        (self.data_dir / "postmaster.pid").unlink(missing_ok=True)

    def start(self) -> None:
        self._pg_ctl("start")

    def stop(self) -> None:
        if (self.data_dir / "postmaster.pid").exists():
            self._pg_ctl("stop", "-m", "fast")

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every session is cut, then the server comes back."""
        self._pg_ctl("restart", "-m", "fast")

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(self.admin_dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')

    def admin_dsn(self, dbname: str = DB_NAME) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"


def database_urls(pg: Postgres) -> dict[str, str]:
    """The one place for connection URLs: ``admin`` (superuser: migrations, inspection) and
    ``app`` (what gunicorn and the workers use)."""
    import psycopg

    admin = pg.admin_dsn()
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        row = conn.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone()
    if row and row[0]:
        return {"admin": admin, "app": f"postgres://{APP_ROLE}:{APP_PASSWORD}@127.0.0.1:{pg.port}/{DB_NAME}"}
    return {"admin": admin, "app": admin}


# --- Redis -------------------------------------------------------------------------------------


@dataclass
class Redis:
    """A private redis-server. ``appendonly``: the queue survives a restart (fsync every second)."""

    base_dir: Path
    appendonly: bool = False
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        command = [
            REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "yes" if self.appendonly else "no", "--dir", str(self.base_dir),
            "--protected-mode", "yes",
        ]  # fmt: skip
        log = open(self.base_dir / "redis.log", "ab")  # noqa: SIM115 (kept by the process)
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_for(self.ping, timeout=START_TIMEOUT, what=f"redis on port {self.port}")

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1).ping())
        except redis.RedisError:
            return False

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_timeout=5, socket_connect_timeout=2)

    def stop(self) -> None:
        """A plain SIGTERM: Redis rewrites nothing (save is off) and flushes its append-only file."""
        stop_process(self.process)

    def crash(self) -> None:
        """SIGKILL, as the OOM killer or a crashed container: no shutdown. With ``appendonly`` the
        commands already written to the append-only file (before each reply) are kept."""
        stop_process(self.process, sig=signal.SIGKILL)


# --- Django commands ----------------------------------------------------------------------------


def django_env(
    *,
    database_url: str,
    redis_url: str | None,
    settings: str = SERVER_SETTINGS,
    var_dir: Path,
    migrate_url: str = "",
    **extra: str,
) -> dict[str, str]:
    """The environment of a Django process: ``database_url`` as DATABASE_URL and ``migrate_url``
    (the owner) as DATABASE_MIGRATE_URL; nothing of the calling environment's services."""
    skipped = {
        "DATABASE_URL",
        "DATABASE_MIGRATE_URL",
        "REDIS_URL",
        "TEST_DATABASE_NAME",
        "DJANGO_SETTINGS_MODULE",
    }
    env = {key: value for key, value in os.environ.items() if key not in skipped}
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DATABASE_URL=database_url,
        DATABASE_MIGRATE_URL=migrate_url,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CRM_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),
        CELERY_QUEUE="crm360-resilience",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(*args: str, env: dict[str, str], timeout: float = COMMAND_TIMEOUT) -> str:
    """Run ``manage.py *args``; its output, or HarnessError with the output on failure."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise HarnessError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_database(pg: Postgres, *, var_dir: Path) -> None:
    """The one database preparation step: migrate, then the application roles when the project
    has ``init_db_roles`` (row-level security). Runs as the admin (superuser) URL."""
    env = django_env(database_url=database_urls(pg)["admin"], redis_url=None, var_dir=var_dir)
    manage("migrate", "--no-input", env=env)
    has_roles = subprocess.run(
        [sys.executable, "manage.py", "help", "init_db_roles"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        timeout=120,
    )
    if has_roles.returncode == 0:
        manage("init_db_roles", env={**env, "DATABASE_APP_PASSWORD": APP_PASSWORD})


# --- gunicorn and Celery ------------------------------------------------------------------------


@dataclass
class Gunicorn:
    env: dict[str, str]
    log_dir: Path
    workers: int = 4
    threads: int = 1
    timeout: int = 30
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            str(BIN_DIR / "gunicorn"), "crm.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers), "--threads", str(self.threads), "--timeout", str(self.timeout),
            "--graceful-timeout", "5", "--log-level", "warning",
        ]  # fmt: skip
        log = open(self.log_dir / f"gunicorn-{self.port}.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        wait_for(self._ready, timeout=START_TIMEOUT, interval=0.5, what="gunicorn")

    def _ready(self) -> bool:
        import requests

        if self.process.poll() is not None:
            raise HarnessError(f"gunicorn exited:\n{self.log()}")
        try:
            return requests.get(f"{self.base_url}/compte/connexion/", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def log(self) -> str:
        path = self.log_dir / f"gunicorn-{self.port}.log"
        return path.read_text(errors="replace")[-5000:] if path.exists() else ""

    def stop(self) -> None:
        stop_process(self.process)


@dataclass
class Worker:
    """``celery -A crm worker`` in its own process group (solo pool: the worker IS the process
    that runs the task, so SIGKILL kills the task in the middle)."""

    env: dict[str, str]
    log_dir: Path
    name: str = "w1"
    process: subprocess.Popen | None = None

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"celery-{self.name}.log"

    def start(self) -> None:
        command = [
            str(BIN_DIR / "celery"), "-A", "crm", "worker", "--pool=solo", "--concurrency=1",
            "-Q", self.env["CELERY_QUEUE"], "-n", f"{self.name}@%h", "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        log = open(self.log_path, "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        wait_for(self._ready, timeout=START_TIMEOUT, interval=0.3, what=f"celery worker {self.name}")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise HarnessError(f"celery worker {self.name} exited:\n{self.log()}")
        return " ready." in self.log()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no message given back, the task stops mid-way."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        stop_process(self.process)


def celery_call(task: str, *, env: dict[str, str], kwargs: str = "{}") -> str:
    """Send a task by name to the environment's queue (``celery call``)."""
    result = subprocess.run(
        [
            str(BIN_DIR / "celery"),
            "-A",
            "crm",
            "call",
            task,
            "--kwargs",
            kwargs,
            "--queue",
            env["CELERY_QUEUE"],
        ],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        raise HarnessError(f"celery call {task} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip()
