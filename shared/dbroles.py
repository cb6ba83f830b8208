"""Two database roles on PostgreSQL: the owner migrates, the app runs as a role that owns nothing.

The owner (``DATABASE_URL`` of ``manage.py migrate``) creates and alters the tables. The app role
(``DATABASE_APP_ROLE``; the web, worker and beat connect as it) owns no table, so it cannot
``ALTER TABLE … DISABLE TRIGGER`` or ``TRUNCATE``; it gets SELECT, INSERT, UPDATE and DELETE on
the tables, and only SELECT and INSERT on the append-only ones (the tables a trigger named
``…_append_only`` guards: the audit trail). A table guarded that way in a later migration is
covered by the next ``migrate``, which re-applies these grants (``revocation.apps``), and by
``manage.py grant_app_role``.
"""

from django.db import connection as default_connection


class RoleMisconfigured(Exception):
    pass


def append_only_tables(cursor) -> list[str]:
    """The tables of the current schema that a trigger named ``…_append_only`` guards."""
    cursor.execute(
        """
        SELECT DISTINCT c.relname
          FROM pg_trigger t
          JOIN pg_class c ON c.oid = t.tgrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE NOT t.tgisinternal
           AND t.tgname LIKE '%%append_only'
           AND n.nspname = current_schema()
         ORDER BY c.relname
        """
    )
    return [name for (name,) in cursor.fetchall()]


def grant_app_role(role: str, *, connection=None) -> list[str]:
    """Give ``role`` what the app needs and no more; the append-only tables it was kept off.

    Run by the owner of the tables. Refuses a role that is missing, is a superuser, is the owner
    itself or owns anything in the database: such a role could erase the audit trail.
    """
    connection = connection or default_connection
    if connection.vendor != "postgresql":
        return []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT oid, rolsuper, rolname = current_user FROM pg_roles WHERE rolname = %s",
            [role],
        )
        row = cursor.fetchone()
        if row is None:
            raise RoleMisconfigured(
                f"the database role {role!r} (DATABASE_APP_ROLE) does not exist: create it "
                f"first (CREATE ROLE {role} LOGIN PASSWORD '…'; docs/operations.md)"
            )
        oid, superuser, is_current = row
        if superuser or is_current:
            raise RoleMisconfigured(
                f"the app role {role!r} must be neither a superuser nor the owner that migrates"
            )
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relowner = %s AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
            [oid],
        )
        (owned,) = cursor.fetchone()
        if owned:
            raise RoleMisconfigured(
                f"the app role {role!r} owns {owned} relation(s): it could alter or truncate "
                "them; give them to the owner (ALTER TABLE … OWNER TO …)"
            )
        kept_off = append_only_tables(cursor)
        name = quote(role)
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {name}")
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {name}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {name}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {name}")
        for table in kept_off:
            cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(table)} FROM {name}")
        # A role that may create tables could own one (and hide things there). PostgreSQL 15
        # gives no one CREATE on the public schema; older clusters give it to PUBLIC.
        cursor.execute(f"REVOKE CREATE ON SCHEMA public FROM {name}")
        cursor.execute("SELECT has_schema_privilege(%s, 'public', 'CREATE')", [role])
        if cursor.fetchone()[0]:
            raise RoleMisconfigured(
                f"the app role {role!r} may create tables in the public schema (through PUBLIC): "
                "run REVOKE CREATE ON SCHEMA public FROM PUBLIC as the schema's owner"
            )
    return kept_off
