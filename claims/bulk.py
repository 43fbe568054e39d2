"""Bulk insert of claims with their "created" history rows, for a bulk load.

What Claim.objects.bulk_create followed by simple_history's bulk_history_create would
write, without building model instances: on PostgreSQL by COPY, elsewhere in a few
multi-row INSERTs of fixed shapes. bench/load_bench.py measures it.
claims.services.add_claims_to_articles is its caller; tests/test_intake.py pins that the
rows are stored as the ORM stores them.
"""

from __future__ import annotations

from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

from claims.models import Claim

# Rows an INSERT statement takes at most. Statements are cut into power-of-two sizes up
# to this, so a bulk load runs at most a dozen distinct statements: the database driver
# caches each prepared statement it sees (sqlite3 keeps 128), and thousands of distinct
# multi-row INSERTs made the loader's memory grow with the number of batches.
_INSERT_ROWS = 512


def insert_rows(model, fields, rows: list[list]) -> list[int]:
    """Multi-row INSERT ... RETURNING id, in a few statements of fixed shapes. A bulk load
    spends most of its time in the ORM's per-object, per-field compilation of bulk_create;
    the values here are prepared by the callers as the ORM prepares them, so they are
    stored alike."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # SQLite allows 32766 variables a statement, PostgreSQL 65535.
    most = min(_INSERT_ROWS, 30000 // len(fields))
    ids: list[int] = []
    with connection.cursor() as cursor:
        at = 0
        while at < len(rows):
            size = min(most, 1 << ((len(rows) - at).bit_length() - 1))
            chunk = rows[at : at + size]
            at += size
            cursor.execute(
                # Identifiers come from the model, quoted; every value is a parameter.
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * size)} "  # noqa: S608
                f"RETURNING {quote(model._meta.pk.column)}",
                [value for row in chunk for value in row],
            )
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def copy_rows(model, fields, rows: list[list], *, new_ids: bool = False) -> list[int]:
    """PostgreSQL: the rows by COPY ... FROM STDIN, with new primary keys taken from the
    table's sequence first when `new_ids` (returned in order, as insert_rows does).

    A multi-row INSERT of 512 claims is a statement of 10,000 placeholders that psycopg
    splits with a regex on every call (it caches only short statements): in a bulk load
    that took half of the loader's time, more than the server's own work. COPY takes the
    values as they come, one statement a table whatever the number of rows."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    ids: list[int] = []
    # COPY bypasses Django's cursor wrapper: its errors are converted here, so a refused
    # row is a django.db error to the caller as it is from an INSERT.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        if new_ids:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, len(rows)],
            )
            ids = sorted(row[0] for row in cursor.fetchall())
            fields = [model._meta.pk, *fields]
            rows = [[pk, *row] for pk, row in zip(ids, rows, strict=True)]
        columns = ", ".join(quote(f.column) for f in fields)
        # Identifiers come from the model, quoted; the values travel as COPY data.
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    return ids


@cache
def _historical_claim():
    # Claim.history builds a manager class on every access; the model behind it is fixed.
    return Claim.history.model


# The value types each kind of field stores as given: its get_db_prep_save returns such a
# value (or None) unchanged, so calling it for each of a million values is pure overhead.
_PLAIN = (
    (models.CharField, str),
    (models.TextField, str),
    (models.IntegerField, int),  # AutoField and the positive ones too
    (models.FloatField, float),
)


def _preparer(field, db):
    """field.get_db_prep_save, skipped for the values it would return unchanged."""
    prep = field.get_db_prep_save
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    plain = next((kind for cls, kind in _PLAIN if isinstance(target, cls)), None)
    if plain is not None:
        return lambda value: value if value is None or type(value) is plain else prep(value, db)
    # Other values (a list of reasons as JSON, a date) repeat across a load: preparing one
    # depends on nothing but the value, so each distinct one is prepared once.
    memo: dict = {}

    def prepare(value):
        key = (type(value), tuple(value) if type(value) is list else value)
        try:
            return memo[key]
        except KeyError:
            memo[key] = prepared = prep(value, db)
            return prepared
        except TypeError:  # unhashable (a list holding dicts)
            return prep(value, db)

    return prepare


def insert_claims_with_history(rows: list[dict[str, object]], *, change_reason: str) -> list[int]:
    """Insert new claims and their "created" history rows (what Claim.objects.bulk_create
    followed by simple_history's bulk_history_create would write). `rows` give field
    values by attname; the others take their defaults. Returns the new ids, in order.

    No Claim instances are built: a bulk load of 200,000 claims spent a third of its time
    in Model.__init__. Every value still goes through its field's get_db_prep_save, as
    the ORM's own INSERT does, so it is stored alike."""
    if not rows:
        return []
    # The `connection` proxy costs a lookup per attribute; a bulk load touches it a
    # hundred thousand times.
    db = connections[DEFAULT_DB_ALIAS]
    now = timezone.now()
    fields = [f for f in Claim._meta.concrete_fields if not f.primary_key]
    given = [f for f in fields if f.attname in rows[0]]
    # Values every row shares are prepared once: the defaults, and this insert's time.
    shared = {
        f.attname: f.get_db_prep_save(
            now
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_default(),
            db,
        )
        for f in fields
        if f.attname not in rows[0]
    }
    prepare = [(f.attname, _preparer(f, db)) for f in given]
    prepared = [{**shared, **{name: prep(row[name]) for name, prep in prepare}} for row in rows]
    copying = db.vendor == "postgresql"
    claim_rows = [[values[f.attname] for f in fields] for values in prepared]
    ids = (
        copy_rows(Claim, fields, claim_rows, new_ids=True)
        if copying
        else insert_rows(Claim, fields, claim_rows)
    )
    for values, pk in zip(prepared, ids, strict=True):
        values["id"] = pk

    history = _historical_claim()
    extra = {
        "history_date": now,
        "history_change_reason": change_reason,
        "history_type": "+",
        "history_user_id": None,
    }
    history_fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    # The historical model mirrors the claim's fields (same types, same preparation), so
    # the claim's prepared values are reused; the history_* fields are the same for all.
    constant = {
        f.attname: f.get_db_prep_save(
            extra[f.attname] if f.attname in extra else f.get_default(), db
        )
        for f in history_fields
        if f.attname not in prepared[0]
    }
    history_rows = [
        [values[f.attname] if f.attname in values else constant[f.attname] for f in history_fields]
        for values in prepared
    ]
    (copy_rows if copying else insert_rows)(history, history_fields, history_rows)
    return ids
