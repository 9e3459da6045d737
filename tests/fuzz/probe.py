"""Did a request write anything? The row counters of the current transaction (the test's).

``pg_stat_xact_user_tables`` counts the inserts, updates and deletes of the running transaction,
savepoints included, per table. Comparing the sum before and after a request tells whether the
request wrote a business row; the session and login-attempt tables are left out (a request may
touch them without saving anything of the user's).
"""

from __future__ import annotations

from django.db import connection

IGNORED_TABLES = (
    "django_session",
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
)

_SQL = """
    SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)
    FROM pg_stat_xact_user_tables
    WHERE relname <> ALL(%s)
"""

_DETAIL_SQL = """
    SELECT relname, n_tup_ins, n_tup_upd, n_tup_del
    FROM pg_stat_xact_user_tables
    WHERE relname <> ALL(%s) AND n_tup_ins + n_tup_upd + n_tup_del > 0
"""


def writes_so_far() -> int:
    """Rows inserted, updated or deleted by the current transaction (outside the ignored tables)."""
    with connection.cursor() as cursor:
        cursor.execute(_SQL, [list(IGNORED_TABLES)])
        return int(cursor.fetchone()[0])


def writes_by_table() -> dict[str, tuple[int, int, int]]:
    """{table: (inserts, updates, deletes)} so far: to say what a refused form wrote."""
    with connection.cursor() as cursor:
        cursor.execute(_DETAIL_SQL, [list(IGNORED_TABLES)])
        return {name: (ins, upd, dele) for name, ins, upd, dele in cursor.fetchall()}


def written_tables(before: dict, after: dict) -> dict[str, tuple[int, ...]]:
    """The tables whose counters moved between two ``writes_by_table`` snapshots."""
    return {
        name: tuple(a - b for a, b in zip(counts, before.get(name, (0, 0, 0)), strict=True))
        for name, counts in after.items()
        if counts != before.get(name, (0, 0, 0))
    }


def xid_mark() -> int:
    """The next transaction id to be given out (32 bits, as ``xmin`` shows it): every row version a
    request writes after this call has an ``xmin`` at least this high."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT mod(txid_snapshot_xmax(txid_current_snapshot()), 4294967296)")
        return int(cursor.fetchone()[0])


def still_written(written: dict[str, tuple[int, ...]], mark: int) -> dict[str, tuple[int, ...]]:
    """The tables of ``written`` where the writes are still there: the counters also count rows
    written inside a savepoint the view rolled back itself (a service refusing after its first
    insert), whose row versions are no longer visible. Deletes cannot be seen that way: kept."""
    kept = {}
    with connection.cursor() as cursor:
        for table, (_inserts, _updates, deletes) in written.items():
            cursor.execute(
                f'SELECT EXISTS (SELECT 1 FROM "{table}" WHERE xmin::text::bigint >= %s)',  # noqa: S608
                [mark],
            )
            if deletes or cursor.fetchone()[0]:
                kept[table] = written[table]
    return kept
