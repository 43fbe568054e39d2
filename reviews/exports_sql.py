"""Exports written by PostgreSQL: `COPY (SELECT ...) TO STDOUT` of the export's own query.

The Python path (reviews.exports) spends its time on each cell: a model value, `_cell`,
`_safe_csv`, csv.writer or json, 18 cells a row. Here the same query (the export's
`values_list`, compiled by Django with every filter of the list) is wrapped in a SELECT
that turns each cell into its final text in SQL, and COPY streams the rows: Python only
joins the bytes a chunk at a time. The bytes are the Python path's, cell for cell (a test
compares them):

- CSV: COPY's CSV quotes a cell holding a comma, a quote, CR or LF, doubling quotes, as
  csv.writer does; and a cell equal to its NULL text, so empty strings are made NULL (both
  are an empty, unquoted cell in the Python path). Each COPY message is one row ending in
  LF; csv.writer ends rows with CRLF, so the LF is swapped (a newline inside a quoted cell
  is left alone). A text cell starting with = + - @ TAB or CR gets a leading apostrophe,
  `_safe_csv`'s rule; numbers are never prefixed (the Python rule looks at strings only).
- JSON Lines: each line is built in SQL ('{"id":' || ... ), strings through `to_json`,
  whose escapes are json's (\\" \\\\ \\b \\f \\n \\r \\t, \\u00XX for other control
  characters, everything else as is, as with ensure_ascii=False). The one-column COPY runs
  as CSV with control characters for quote and delimiter: JSON text holds no raw control
  character, so nothing is quoted and each line ends in LF, as JSON Lines do.
- Datetimes in UTC as `isoformat()` with "Z" (microseconds only when not zero), dates as
  YYYY-MM-DD, floats as `repr` (PostgreSQL's shortest round-trip text, with ".0" on whole
  numbers; the one float column, checkworthiness, is held to 0..1 by a constraint, well
  inside the range where both print fixed-point), booleans as True/False and true/false.

A background job writes its progress on its row while its export is read; a connection
cannot run a query while a COPY streams on it, so a job's COPY runs on a connection of its
own (it reads committed data, as a job does anyway).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from django.db import connections
from django.db.models import QuerySet

# The kinds of cell, by Django's internal type of the column.
_KINDS = {
    "CharField": "text",
    "TextField": "text",
    "SlugField": "text",
    "URLField": "text",
    "EmailField": "text",
    "GenericIPAddressField": "text",
    "AutoField": "integer",
    "BigAutoField": "integer",
    "SmallAutoField": "integer",
    "IntegerField": "integer",
    "BigIntegerField": "integer",
    "SmallIntegerField": "integer",
    "PositiveIntegerField": "integer",
    "PositiveBigIntegerField": "integer",
    "PositiveSmallIntegerField": "integer",
    "FloatField": "float",
    "BooleanField": "boolean",
    "DateField": "date",
    "DateTimeField": "datetime",
}
# `_safe_csv`: a string starting with one of these is prefixed with an apostrophe.
_FORMULA_STARTS = "('=', '+', '-', '@', E'\\t', E'\\r')"


def _kind(field) -> str:
    internal = field.get_internal_type()
    if internal == "ForeignKey":
        return _kind(field.target_field)
    if internal not in _KINDS:
        raise TypeError(f"No SQL text for an exported {internal} column.")
    return _KINDS[internal]


def _as_text(column: str, kind: str) -> str:
    """SQL for the cell's text as `reviews.exports._cell` then str() give it (NULL stays
    NULL)."""
    if kind == "datetime":
        utc = f"({column} AT TIME ZONE 'UTC')"
        return (
            f"CASE WHEN date_trunc('second', {utc}) = {utc} "
            f'THEN to_char({utc}, \'YYYY-MM-DD"T"HH24:MI:SS"Z"\') '
            f'ELSE to_char({utc}, \'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\') END'
        )
    if kind == "date":
        return f"to_char({column}, 'YYYY-MM-DD')"
    if kind == "float":
        whole = f"{column} = trunc({column})"
        return f"CASE WHEN {whole} THEN {column}::text || '.0' ELSE {column}::text END"
    if kind == "boolean":
        return f"CASE {column} WHEN true THEN 'True' WHEN false THEN 'False' END"
    if kind == "integer":
        return f"{column}::text"
    return column


def _csv_cell(column: str, kind: str) -> str:
    if kind == "text":
        return (
            f"CASE WHEN left({column}, 1) IN {_FORMULA_STARTS} THEN '''' || {column} "
            f"ELSE NULLIF({column}, '') END"
        )
    return _as_text(column, kind)


def _json_value(column: str, kind: str) -> str:
    if kind == "text":
        value = f"to_json({column})::text"
    elif kind in ("datetime", "date"):
        value = f"'\"' || {_as_text(column, kind)} || '\"'"  # digits, dashes, colons: no escapes
    elif kind == "boolean":
        value = f"CASE {column} WHEN true THEN 'true' WHEN false THEN 'false' END"
    else:
        value = _as_text(column, kind)
    return f"COALESCE({value}, 'null')"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _query(values: QuerySet) -> tuple[str, list[str], list[str]]:
    """The export's query as SQL, its columns' names c0, c1, ... and their kinds. The
    parameters (a filter's words, dates) are bound by the driver's own quoting
    (`compose_sql`): COPY takes no parameters. The SQL around it is ours alone."""
    compiler = values.query.get_compiler(using=values.db)
    sql, params = compiler.as_sql()
    kinds = [_kind(expression.output_field) for expression, _, _ in compiler.select]
    names = [f"c{i}" for i in range(len(kinds))]
    return connections[values.db].ops.compose_sql(sql, params), names, kinds


def csv_statement(values: QuerySet) -> str:
    inner, names, kinds = _query(values)
    cells = ", ".join(_csv_cell(name, kind) for name, kind in zip(names, kinds, strict=True))
    source = f"({inner}) AS export({', '.join(names)})"
    select = f"SELECT {cells} FROM {source} ORDER BY export.c0"  # noqa: S608 - see _query
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv)"


def jsonl_statement(header: list[str], values: QuerySet) -> str:
    inner, names, kinds = _query(values)
    parts = []
    for i, (key, name, kind) in enumerate(zip(header, names, kinds, strict=True)):
        opening = ("{" if i == 0 else ",") + json.dumps(key, ensure_ascii=False) + ":"
        parts.append(f"{_literal(opening)} || {_json_value(name, kind)}")
    line = " || ".join(parts) + " || '}'"
    source = f"({inner}) AS export({', '.join(names)})"
    select = f"SELECT {line} FROM {source} ORDER BY export.c0"  # noqa: S608 - see _query
    # One column, never quoted: JSON text holds neither control character nor CR or LF.
    return f"COPY ({select}) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')"


def _stream(
    statement: str, db: str, progress: Callable | None, chunk: int, join: Callable
) -> Iterator[bytes]:
    """COPY's rows `chunk` at a time, through `join`; `progress(rows)` after each chunk
    and at the end."""
    connection = connections[db].copy() if progress else connections[db]
    try:
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            batch: list = []
            count = 0
            for row in copy:
                batch.append(row)
                if len(batch) == chunk:
                    count += chunk
                    yield join(batch)
                    batch = []
                    if progress:
                        progress(count)
            if batch:
                count += len(batch)
                yield join(batch)
            if progress:
                progress(count)
    finally:
        if progress:
            connection.close()


def _crlf(rows: list) -> bytes:
    # Each COPY message is one row ending in LF: end it in CRLF as csv.writer does.
    return b"\r\n".join([row[:-1] for row in rows]) + b"\r\n"


def as_csv(
    header: bytes, values: QuerySet, progress: Callable | None, chunk: int
) -> Iterator[bytes]:
    yield header
    yield from _stream(csv_statement(values), values.db, progress, chunk, _crlf)


def as_jsonl(
    header: list[str], values: QuerySet, progress: Callable | None, chunk: int
) -> Iterator[bytes]:
    return _stream(jsonl_statement(header, values), values.db, progress, chunk, b"".join)
