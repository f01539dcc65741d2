"""Which of an import's keys are already in the registry (the duplicate check against the database)."""

from django.db import connection

IN_CHUNK = 900  # values per SQL IN (…) (SQLite's historical limit is 999)


class ExistingKeys:
    """Asks the database which keys of a batch it holds: by query for a one-column key (the
    enterprises' credit code), from all keys loaded once for the other (small) registries."""

    def __init__(self, model, attnames: list[str]):
        self.model = model
        self.attnames = attnames
        self.loaded: set | None = None

    def among(self, keys: list[tuple]) -> list[tuple]:
        """Which of ``keys`` are already in the database (one query per chunk, or one load)."""
        if not keys:
            return []
        if len(self.attnames) == 1:
            # Plain SQL: the ORM's lookup machinery cost more than the query, per chunk.
            field = self.model._meta.get_field(self.attnames[0])
            quote = connection.ops.quote_name
            table, column = quote(self.model._meta.db_table), quote(field.column)
            text = field.get_internal_type() in ("CharField", "TextField")
            found = set()
            # PostgreSQL takes the whole batch as one array; elsewhere IN (…) chunks.
            array = connection.vendor == "postgresql"
            per = len(keys) if array else IN_CHUNK
            with connection.cursor() as cursor:
                for start in range(0, len(keys), per):
                    chunk = [k[0] for k in keys[start : start + per]]
                    if not text:
                        chunk = [field.get_db_prep_value(v, connection) for v in chunk]
                    if array:
                        where, params = "= ANY(%s)", [chunk]
                    else:
                        where, params = f"IN ({', '.join(['%s'] * len(chunk))})", chunk
                    cursor.execute(
                        f"SELECT {column} FROM {table} WHERE {column} {where}",  # noqa: S608 - names from the model
                        params,
                    )
                    found.update(row[0] for row in cursor.fetchall())
            return [k for k in keys if k[0] in found]
        if self.loaded is None:  # the other registries are small: load their keys once
            self.loaded = {
                tuple(_norm(v) for v in row)
                for row in self.model.objects.values_list(*self.attnames)
            }
        return [k for k in keys if tuple(_norm(v) for v in k) in self.loaded]


def _norm(value):
    return value.strip() if isinstance(value, str) else value
