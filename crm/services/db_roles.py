"""The database roles of row-level security (crm.rls): the owner and the application role.

- The **owner** (``DATABASE_MIGRATE_URL``, or ``DATABASE_URL`` where one login does everything,
  as on a developer's machine) creates the tables, runs the migrations and this init step.
- The **application role** (``DATABASE_APP_ROLE``, default ``crm360_app``): no superuser, no
  BYPASSRLS, not the owner: the tenant policies bind it. Requests and tasks run as it.

``db_roles_init`` is the one init step every environment shares (``manage.py init_db_roles``:
the test setup, ``make migrate``/``make run``, docker-compose's ``migrate`` service). It creates
the role when missing, with a password only when ``DATABASE_APP_PASSWORD`` is given (never in
a migration), and grants it the data rights on every table, now and for tables created later.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import dj_database_url
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import sql

DML = "SELECT, INSERT, UPDATE, DELETE"


@contextmanager
def owner_connection(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block connected as the owner (``DATABASE_MIGRATE_URL``), when one is configured."""
    url = settings.DATABASE_MIGRATE_URL
    if not url:
        yield
        return
    connection = connections[using]
    owner = dj_database_url.parse(url)
    saved = {key: connection.settings_dict.get(key) for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")}
    connection.close()
    connection.settings_dict.update({key: owner[key] for key in saved})
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def db_roles_init(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Create the application role if needed and grant it the data rights. Idempotent.
    Returns what was done, for the command's output."""
    role = settings.DATABASE_APP_ROLE
    password = os.environ.get("DATABASE_APP_PASSWORD", "")
    done = []
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        found = cursor.fetchone()
        name = sql.Identifier(role)
        if found is None:
            login = (
                sql.SQL("LOGIN PASSWORD {}").format(sql.Literal(password)) if password else sql.SQL("NOLOGIN")
            )
            cursor.execute(
                sql.SQL(
                    "CREATE ROLE {} {} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION"
                ).format(name, login)
            )
            done.append(f"rôle {role} créé")
        elif found[0] or found[1]:
            raise ImproperlyConfigured(
                f"The application role {role} is a superuser or bypasses row-level security: "
                "the tenant policies would not bind it."
            )
        elif password:
            cursor.execute(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(name, sql.Literal(password)))
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            # The owner switches to the role where it is also the login (tests, make run).
            cursor.execute(sql.SQL("GRANT {} TO current_user").format(name))
        for statement in (
            "GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {role}",
            "GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT {DML} ON ALL TABLES IN SCHEMA public TO {{role}}",
            "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {DML} ON TABLES TO {{role}}",
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}",
        ):
            cursor.execute(
                sql.SQL(statement).format(
                    role=name, db=sql.Identifier(connections[using].settings_dict["NAME"])
                )
            )
        done.append(f"droits de {role} accordés")
    return done
