"""Writing validated records and their "+" history rows, fast, inside the import's transaction.

``bulk_create_with_history`` measured about 300 µs per enterprise with its history on
SQLite (Django's per-value insert compiler, then one historical instance per row),
which alone caps an import below 3,500 rows/s. Here the records' ids are taken first
(PostgreSQL: from the table's sequence; SQLite: after the highest id ever given, which
is safe because the import's transaction holds SQLite's write lock from its start), so
neither table needs ``RETURNING`` and every value is converted once for both tables:

- PostgreSQL: ``COPY … FROM STDIN (FORMAT BINARY)`` (psycopg's ``cursor.copy``, each
  column's type from its field) for the records; both tables' ids in one query per batch
  (``nextval`` of the sequence, looked up once);
- SQLite: one ``INSERT … SELECT … FROM json_each(?)`` per table and batch (SQLite 3.38+;
  else ``executemany``);
- on both, the "+" history rows by ``INSERT … SELECT`` from the records just written;
- elsewhere, or when ids cannot be taken: multi-row ``INSERT … RETURNING`` for the
  records (ids in row order, which Django's own ``bulk_create`` relies on) and
  ``executemany`` for the history, or ``bulk_create_with_history`` where the database
  cannot return ids from a bulk insert.

With ids taken first on SQLite or PostgreSQL, a batch is written by one writer thread
(``OVERLAP``) while the importer checks the next batch: on the same DB-API connection,
so in the same transaction (all or nothing), and the importer's own queries wait until
the writer is idle (an execute wrapper), so the connection is never used by both at
once. What the writer runs gives the GIL away for the whole batch: on SQLite one
``INSERT … SELECT … FROM json_each(?)`` per table (``executemany`` would take the GIL
back for every row, and a busy main thread holds it for up to 5 ms each time), on
PostgreSQL the wait for the server's ``COPY``. The "+" history rows are copied by the
database from the records just written (``INSERT … SELECT``), so their values are the
records' own, and on PostgreSQL the foreign keys of the written tables are checked at
each statement (``SET CONSTRAINTS … IMMEDIATE`` for the import, deferred again at its
end) rather than all at the commit, so that work too overlaps with the checks. An error
in the writer is raised in the importer's thread as Django's own database error, at its
next query, batch or the end, and the transaction rolls back.

The history rows have the columns ``simple_history`` writes: every concrete field, the
auto timestamps, and history_date, type "+", user and change reason.
"""

import functools
import json
import sqlite3
import sys
from concurrent.futures import ThreadPoolExecutor

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

COPY = True  # PostgreSQL: COPY when psycopg offers it (tests turn it off to cover the fallback)
PRESET_IDS = True  # take the ids first (tests turn it off to cover INSERT … RETURNING)
OVERLAP = True  # write in a writer thread while the next batch is checked (tests turn it off)
# While the writer thread lives: how long a thread may hold the GIL when another waits for it.
# The writer waits for the database several times a batch, and each time it wants the GIL
# back the busy importer held it for up to Python's 5 ms: 10 ms per id query, not 1.5.
SWITCH_INTERVAL = 0.0005
# SQLite's ->> (3.38): a batch as one JSON array, inserted by one statement
SQLITE_JSON = sqlite3.sqlite_version_info >= (3, 38)


class _Writer:
    """Writes new records and their "+" history rows (see the module's docstring)."""

    def __init__(self, *, actor, reason: str):
        self.actor = actor
        self.reason = reason
        self.now = timezone.now()
        self.db = connection  # the importer's (the writer thread uses its DB-API connection)
        self.fast = connection.features.can_return_rows_from_bulk_insert
        self.adapters: dict = {}  # field → its converter, kept across batches
        self.raw = None  # the DB-API connection, once a batch is written with ids taken first
        self.pool = None  # the writer thread (OVERLAP)
        self.pending = None  # the batch it is writing (a Future)
        self.sequences: dict = {}  # PostgreSQL: table → its id sequence
        self.immediate: list = []  # PostgreSQL: the constraints checked per statement meanwhile
        self.interval = None  # Python's switch interval before the writer thread started

    # ------------------------------------------------------------- batches

    def write(self, model, records: list, dependent=None) -> None:
        """Write ``records`` of ``model`` (lists of values in ``write_fields(model)`` order) and,
        with ``dependent`` = (model, rows, slot), each record's row of that model (None: none)
        with the record's id put in ``slot``. With ids taken first this returns at once and the
        writer thread writes the batch (``OVERLAP``); ``finish()`` waits for the last one."""
        if not (self.fast and PRESET_IDS and self.db.vendor in ("sqlite", "postgresql")):
            self._write(model, records, dependent)
            return
        self.wait()
        if self.raw is None:
            self._start([model] + ([dependent[0]] if dependent else []))
        if self.pool is not None:
            self.pending = self.pool.submit(self._write, model, records, dependent, self.raw)
        else:
            try:
                self._write(model, records, dependent, self.raw)
            except self.db.Database.Error as exc:
                self._raise(exc)

    def wait(self) -> None:
        """Wait until the writer is idle; raise its error here (as Django's database error)."""
        pending, self.pending = self.pending, None
        if pending is not None:
            exc = pending.exception()
            if exc is not None:
                self._raise(exc)

    def finish(self) -> None:
        """The last batch written (or its error raised); the connection is the importer's alone again."""
        try:
            self.wait()
        except BaseException:
            self.abandon()
            raise
        if self.immediate:  # back to checking them at the commit, as Django has them
            with self.db.cursor() as cursor:
                cursor.execute(f"SET CONSTRAINTS {', '.join(self.immediate)} DEFERRED")
            self.immediate = []
        self.abandon()

    def abandon(self) -> None:
        """On the importer's error: let the writer end its batch, then stop it (no error raised:
        the transaction is rolled back anyway)."""
        pending, self.pending = self.pending, None
        if pending is not None:
            pending.exception()  # waits
        if self.pool is not None:
            self.db.execute_wrappers.remove(self._before_query)
            self.pool.shutdown()
            self.pool = None
            sys.setswitchinterval(self.interval)

    def _start(self, models) -> None:
        self.db.ensure_connection()
        if self.db.vendor == "postgresql":
            # The foreign keys of the tables written are checked as each COPY ends (on the
            # writer's time) rather than all at the commit; finish() defers them again.
            tables = [m._meta.db_table for m in models]
            tables += [m.history.model._meta.db_table for m in models]
            with self.db.cursor() as cursor:
                cursor.execute(
                    "SELECT n.nspname, c.conname FROM pg_constraint c"
                    " JOIN pg_namespace n ON n.oid = c.connamespace"
                    " WHERE c.contype = 'f' AND c.condeferred AND c.conrelid = ANY(%s::regclass[])",
                    [tables],
                )
                quote = self.db.ops.quote_name
                self.immediate = [f"{quote(n)}.{quote(c)}" for n, c in cursor.fetchall()]
                if self.immediate:
                    cursor.execute(f"SET CONSTRAINTS {', '.join(self.immediate)} IMMEDIATE")
        self.raw = self.db.connection
        if OVERLAP:
            self.pool = ThreadPoolExecutor(1, thread_name_prefix="import-writer")
            self.interval = sys.getswitchinterval()
            sys.setswitchinterval(min(self.interval, SWITCH_INTERVAL))
            # The importer's own queries (duplicate keys, lookups) wait until the writer is idle.
            self.db.execute_wrappers.append(self._before_query)

    def _before_query(self, execute, sql, params, many, context):
        self.wait()
        return execute(sql, params, many, context)

    def _raise(self, exc: BaseException):
        if isinstance(exc, self.db.Database.Error):
            with self.db.wrap_database_errors:  # e.g. IntegrityError → Django's IntegrityError
                raise exc
        raise RuntimeError("the import's writer failed") from exc

    def _write(self, model, records, dependent, raw=None) -> None:
        taken = [None, None]
        if raw is not None:  # both tables' ids in one query (each wait costs the writer the GIL)
            wanted = [(model, len(records))]
            if dependent is not None:
                wanted.append((dependent[0], sum(row is not None for row in dependent[1])))
            taken = self._take_ids(raw, wanted) + [None]
        ids = self.create_rows(model, records, raw, taken[0])
        if dependent is not None:
            child, rows, slot = dependent
            figures = []
            for pk, row in zip(ids, rows, strict=True):
                if row is not None:
                    row[slot] = pk
                    figures.append(row)
            if figures:
                self.create_rows(child, figures, raw, taken[1])

    def create_rows(self, model, rows: list, raw=None, ids=None) -> list:
        """Insert ``rows`` of ``model`` (lists of values in ``write_fields(model)`` order; the
        auto timestamps are set here) and their history rows; return the new ids in row order.
        With ``raw`` (the DB-API connection) and ``ids`` (taken first) the statements run on it
        (from the writer thread); else through Django, the database returning the ids."""
        fields = write_fields(model)
        if not self.fast:
            names = [f.attname for f in fields]
            auto = _auto_positions(fields)
            instances = []
            for row in rows:
                for i in auto:
                    row[i] = self.now
                instances.append(model(**dict(zip(names, row, strict=True))))
            bulk_create_with_history(
                instances,
                model,
                batch_size=500,
                default_user=self.actor,
                default_change_reason=self.reason,
                default_date=self.now,
            )
            return [obj.pk for obj in instances]
        rows = self._adapt(fields, rows)
        if raw is None:
            ids = self._insert_returning(model, fields, rows)
            records = [(i, *row) for i, row in zip(ids, rows, strict=True)]
            self._history(model, fields, records)
            return ids
        cursor = raw.cursor()
        try:
            records = [(i, *row) for i, row in zip(ids, rows, strict=True)]
            self._insert(cursor, model, [model._meta.pk, *fields], records)
            self._copy_history(cursor, model, fields, ids)
        finally:
            cursor.close()
        return ids

    # ------------------------------------------------------------- history

    def _history_fields(self, model, fields) -> tuple:
        """(the history model's fields: the record's, then the change's; the change's values)."""
        history = model.history.model
        get = history._meta.get_field
        constants = {
            "history_date": self._adapt_one(get("history_date"), self.now),
            "history_type": "+",
            "history_change_reason": self.reason,
            "history_user_id": self.actor.pk if self.actor is not None else None,
        }
        hfields = [
            get(model._meta.pk.name),
            *(get(f.name) for f in fields),
            *(get(attname.removesuffix("_id")) for attname in constants),
        ]
        every = {f.attname for f in history._meta.concrete_fields if not f.primary_key}
        if {f.attname for f in hfields} != every:  # a history column this writer does not know
            raise RuntimeError(f"{history.__name__}: unexpected columns")
        return hfields, tuple(constants.values())

    def _history(self, model, fields, records) -> None:
        """The "+" rows: each record as written (id first, values converted once, above)
        followed by the change's constants, in a column order chosen to match."""
        hfields, tail = self._history_fields(model, fields)
        quote = self.db.ops.quote_name
        table = quote(model.history.model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in hfields)
        one = "(" + ", ".join(["%s"] * len(hfields)) + ")"
        with self.db.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES {one}",  # noqa: S608 - names from the model
                [record + tail for record in records],
            )

    def _copy_history(self, cursor, model, fields, ids) -> None:
        """The "+" rows, copied by the database from the records just written (``ids``, in
        their order) and the change's constants."""
        if not ids:
            return
        hfields, tail = self._history_fields(model, fields)
        quote = self.db.ops.quote_name
        history = quote(model.history.model._meta.db_table)
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        written = len(fields) + 1
        columns = ", ".join(quote(f.column) for f in hfields)
        taken = ", ".join(quote(f.column) for f in [model._meta.pk, *fields])
        if self.db.vendor == "postgresql":
            consts = ", ".join(f"CAST(%s AS {f.db_type(self.db)})" for f in hfields[written:])
            one = "%s"
        else:
            consts, one = ", ".join(["?"] * len(tail)), "?"
        if ids[-1] - ids[0] + 1 == len(ids):
            # One run of ids (always on SQLite, which holds its write lock): no other row can
            # hold an id inside it, and a range scan costs less than a probe per id.
            where, params = f"{pk} BETWEEN {one} AND {one}", [*tail, ids[0], ids[-1]]
        else:  # PostgreSQL: another writer took ids from the sequence meanwhile
            where, params = f"{pk} = ANY(%s)", [*tail, list(ids)]
        cursor.execute(
            f"INSERT INTO {history} ({columns}) SELECT {taken}, {consts} FROM {table}"  # noqa: S608 - names from the model
            f" WHERE {where} ORDER BY {pk}",
            params,
        )

    # ------------------------------------------------------------- ids and inserts

    def _take_ids(self, raw, wanted: list) -> list:
        """For each (model, count) of ``wanted``, ``count`` new ids of its table: one query."""
        quote = self.db.ops.quote_name
        cursor = raw.cursor()
        try:
            if self.db.vendor == "postgresql":
                for model, _count in wanted:
                    table = model._meta.db_table
                    if table not in self.sequences:  # once (per row it cost the server 3 µs)
                        cursor.execute(
                            "SELECT pg_get_serial_sequence(%s, %s)",
                            [quote(table), model._meta.pk.column],
                        )
                        self.sequences[table] = cursor.fetchone()[0]
                one = "ARRAY(SELECT nextval(%s::regclass) FROM generate_series(1, %s))"
                cursor.execute(
                    "SELECT " + ", ".join([one] * len(wanted)),
                    [p for model, count in wanted for p in (self.sequences[model._meta.db_table], count)],
                )
                return [list(ids) for ids in cursor.fetchone()]
            # SQLite: past the highest id ever given (AUTOINCREMENT's sequence), not only the
            # highest present, so a deleted record's id is never given again.
            one = (
                "MAX(COALESCE((SELECT MAX({pk}) FROM {table}), 0), "
                "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = ?), 0))"
            )
            cursor.execute(
                "SELECT "  # noqa: S608 - names from the models
                + ", ".join(
                    one.format(pk=quote(m._meta.pk.column), table=quote(m._meta.db_table))
                    for m, _count in wanted
                ),
                [m._meta.db_table for m, _count in wanted],
            )
            firsts = cursor.fetchone()
            return [
                list(range(first + 1, first + 1 + count))
                for first, (_m, count) in zip(firsts, wanted, strict=True)
            ]
        finally:
            cursor.close()

    def _insert(self, cursor, model, fields, rows) -> None:
        """Insert ``rows`` (ids included) on the DB-API cursor."""
        quote = self.db.ops.quote_name
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in fields)
        if self.db.vendor == "postgresql":
            if COPY and hasattr(cursor, "copy"):
                # Binary: the server parses no text (dates, timestamps, amounts), and psycopg
                # dumps each value by the column's type ("varchar(200)" → varchar).
                types = [(f.db_type(self.db) or "").split("(")[0] for f in fields]
                binary = all(types)
                form = " (FORMAT BINARY)" if binary else ""
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN{form}") as copy:  # noqa: S608 - names from the model
                    if binary:
                        copy.set_types(types)
                    for row in rows:
                        copy.write_row(row)
                return
            one = "(" + ", ".join(["%s"] * len(fields)) + ")"
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {one}", rows)  # noqa: S608 - names from the model
            return
        if SQLITE_JSON:
            # One statement for the batch: SQLite runs it without the GIL (executemany takes
            # it back for every row). JSON gives SQLite the same values binding would: text,
            # integers (true/false as 1/0), reals, NULL.
            try:
                text = json.dumps(rows, ensure_ascii=False, allow_nan=False)
            except (TypeError, ValueError):  # a value JSON cannot hold: bound one by one
                text = None
            if text is not None:
                values = ", ".join(f"value->>{i}" for i in range(len(fields)))
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) SELECT {values} FROM json_each(?)",  # noqa: S608 - names from the model
                    [text],
                )
                return
        one = "(" + ", ".join(["?"] * len(fields)) + ")"
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {one}", rows)  # noqa: S608 - names from the model

    def _insert_returning(self, model, fields, rows) -> list:
        quote = self.db.ops.quote_name
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in fields)
        one = "(" + ", ".join(["%s"] * len(fields)) + ")"
        per = max(1, min(500, (self.db.features.max_query_params or 999) // len(fields)))
        pk = quote(model._meta.pk.column)
        ids: list = []
        with self.db.cursor() as cursor:
            for start in range(0, len(rows), per):
                chunk = rows[start : start + per]
                values = ", ".join([one] * len(chunk))
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING {pk}",  # noqa: S608 - names from the model
                    [value for row in chunk for value in row],
                )
                ids.extend(row[0] for row in cursor.fetchall())
        return ids

    # ------------------------------------------------------------- values

    def _adapt(self, fields, rows) -> list:
        """The rows with the auto timestamps set and every value in the database's form (in place)."""
        auto = _auto_positions(fields)
        constants = [(i, self._adapt_one(fields[i], self.now)) for i in auto]
        adapters = [
            (i, adapter)
            for i, f in enumerate(fields)
            if _needs_adapting(f) and i not in auto and not (adapter := self._adapter(f)).identity
        ]
        if not adapters and not constants:
            return rows
        adapted = []
        for row in rows:
            if row.__class__ is not list:
                row = list(row)
            for i, value in constants:
                row[i] = value
            for i, adapt in adapters:
                row[i] = adapt(row[i])
            adapted.append(row)
        return adapted

    def _adapter(self, field):
        adapter = self.adapters.get(field)
        if adapter is None:
            adapter = self.adapters[field] = _Adapter(field, self.db)
        return adapter

    def _adapt_one(self, field, value):
        return self._adapter(field)(value) if _needs_adapting(field) else value


@functools.cache
def write_fields(model) -> list:
    """The columns an import writes for ``model``, in this order: every concrete field but the id."""
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _auto_positions(fields) -> tuple:
    return tuple(
        i
        for i, f in enumerate(fields)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    )


def _needs_adapting(field) -> bool:
    return field.get_internal_type() in (
        "DateField",
        "DateTimeField",
        "DecimalField",
        "TimeField",
        "JSONField",
    )


class _Adapter:
    """A field's database conversion, remembered per value (dates, timestamps and amounts repeat)."""

    def __init__(self, field, db):
        self.field = field
        self.seen: dict = {}
        kind = field.get_internal_type()
        # PostgreSQL's driver takes dates and Decimals as they are (its adapt_*field_value
        # return the value): nothing to do per row.
        self.identity = db.vendor == "postgresql" and kind in ("DateField", "DecimalField")
        if kind == "DateField":  # values are dates already (the widget and full_clean saw to it)
            self.convert = db.ops.adapt_datefield_value
        elif kind == "DecimalField":
            self.convert = functools.partial(
                db.ops.adapt_decimalfield_value,
                max_digits=field.max_digits,
                decimal_places=field.decimal_places,
            )
            if db.vendor == "sqlite":  # what Django's sqlite3 adapter does when binding
                self.convert = _then_str(self.convert)
        else:
            self.convert = functools.partial(field.get_db_prep_save, connection=db)

    def __call__(self, value):
        if value is None:
            return None
        try:
            return self.seen[value]
        except KeyError:
            if len(self.seen) > 50_000:
                self.seen.clear()
            result = self.seen[value] = self.convert(value)
            return result
        except TypeError:  # unhashable (JSON)
            return self.convert(value)


def _then_str(convert):
    return lambda value: str(convert(value))
