"""What the resilience tests read from their database directly (as the admin): realistic search
prefixes, the demo company, job and VMM rows. Never through Django: the test process has no
connection to the disposable clusters otherwise."""

from __future__ import annotations

import random

import psycopg
import psycopg.rows

from tests.resilience.harness import Postgres

PREFIX_COUNT = 120


def connect(pg: Postgres) -> psycopg.Connection:
    return psycopg.connect(pg.admin_dsn(), autocommit=True, connect_timeout=10)


def company_id(pg: Postgres, code: str) -> int:
    with connect(pg) as conn:
        return conn.execute("SELECT id FROM crm_company WHERE code = %s", [code]).fetchone()[0]


def load_company_code(pg: Postgres) -> str:
    """The company of the load users (charge01 is a member of it only)."""
    with connect(pg) as conn:
        row = conn.execute(
            "SELECT c.code FROM crm_company c JOIN crm_membership m ON m.tenant_id = c.id "
            "JOIN auth_user u ON u.id = m.user_id WHERE u.username = 'charge01'"
        ).fetchone()
    return row[0]


def search_prefixes(pg: Postgres, tenant_id: int, *, seed: int = 7) -> list[str]:
    """What users type: the first 3 to 5 letters of a word of a third party's name, a contact's
    last name or a site's city, sampled from the tenant's data."""
    with connect(pg) as conn:
        words = [
            row[0]
            for row in conn.execute(
                "SELECT split_part(name, ' ', 1) FROM tiers_thirdparty WHERE tenant_id = %(t)s "
                "UNION ALL SELECT last_name FROM tiers_contact WHERE tenant_id = %(t)s "
                "UNION ALL SELECT city FROM tiers_address WHERE tenant_id = %(t)s",
                {"t": tenant_id},
            )
        ]
    rng = random.Random(seed)
    words = [word for word in words if word and len(word) >= 3 and word.isalpha()]
    rng.shuffle(words)
    return [word[: rng.randint(3, 5)].lower() for word in words[:PREFIX_COUNT]]


def export_jobs(pg: Postgres, username: str) -> list[dict]:
    """The user's export jobs, oldest first."""
    with connect(pg) as conn, conn.cursor(row_factory=psycopg.rows.dict_row) as cursor:
        cursor.execute(
            "SELECT j.id, j.exporter, j.status, j.progress, j.file, j.error FROM crm_exportjob j "
            "JOIN auth_user u ON u.id = j.owner_id WHERE u.username = %s ORDER BY j.id",
            [username],
        )
        return cursor.fetchall()


def export_job(pg: Postgres, job_id: int) -> dict:
    with connect(pg) as conn, conn.cursor(row_factory=psycopg.rows.dict_row) as cursor:
        cursor.execute("SELECT id, status, progress, file, error FROM crm_exportjob WHERE id = %s", [job_id])
        return cursor.fetchone()


def vmm_run(pg: Postgres, tenant_id: int, month: str) -> dict | None:
    """The last VMM run of the month (YYYY-MM-01), with its chunks' state."""
    with connect(pg) as conn, conn.cursor(row_factory=psycopg.rows.dict_row) as cursor:
        cursor.execute(
            "SELECT id, attempt, state, chunk_count, rows_written, error FROM parc_vmmrun "
            "WHERE tenant_id = %s AND month = %s ORDER BY attempt DESC LIMIT 1",
            [tenant_id, month],
        )
        run = cursor.fetchone()
        if run is None:
            return None
        cursor.execute(
            "SELECT id, position, attempts, done_at IS NOT NULL AS done, lease_until > now() AS leased "
            "FROM parc_vmmchunk WHERE run_id = %s ORDER BY position",
            [run["id"]],
        )
        run["chunks"] = cursor.fetchall()
        return run


def monthly_volumes(pg: Postgres, tenant_id: int, month: str) -> list[tuple]:
    """The VMM result rows of the month, every column but the id and the time of computation."""
    with connect(pg) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM parc_monthlyvolume WHERE tenant_id = %s AND month = %s "
            "ORDER BY asset_id, meter_type_id",
            [tenant_id, month],
        )
        names = [column.name for column in cursor.description]
        kept = [index for index, name in enumerate(names) if name not in {"id", "computed_at"}]
        return [tuple(row[index] for index in kept) for row in cursor.fetchall()]


def lock_waiters(pg: Postgres, locktype: str) -> int:
    """Sessions waiting for a lock of ``locktype`` (advisory, relation, transactionid...)."""
    with connect(pg) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = %s AND NOT granted", [locktype]
        ).fetchone()[0]
