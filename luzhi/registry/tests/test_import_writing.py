"""The import's writer: every way of writing (ids taken first, then COPY on PostgreSQL or
one JSON insert on SQLite, on the writer thread or not; or INSERT … RETURNING when ids are
not taken; or COPY turned off) stores the same records, year figures and "+" history rows,
and never reuses an id; a failure on the writer thread leaves nothing written."""

import sys
import threading

import pytest
from django.db import connection

from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.services.imports import writing
from luzhi.registry.tests.test_imports import FIGURES
from luzhi.registry.tests.test_imports import HEADER
from luzhi.registry.tests.test_imports import big_xlsx
from luzhi.registry.tests.test_imports import enterprise_row
from luzhi.registry.tests.test_imports import run
from luzhi.registry.tests.test_imports import xlsx

pytestmark = pytest.mark.django_db

FIELDS = ("name", "credit_code", "city_id", "segment", "founded_on", "hard_tech", "status")


def _stored():
    records = {
        e.credit_code: tuple(getattr(e, f) for f in FIELDS) for e in Enterprise.objects.all()
    }
    years = {
        y.enterprise.credit_code: (y.year, y.revenue, y.ai_core_revenue, y.rd_spend, y.employees)
        for y in EnterpriseYear.objects.select_related("enterprise")
    }
    history = {
        h.credit_code: (h.id, h.history_type, h.history_change_reason, h.name)
        for h in Enterprise.history.all()
    }
    year_history = EnterpriseYear.history.filter(history_type="+").count()
    return records, years, history, year_history


@pytest.mark.parametrize(
    "copy, preset, overlap, json",
    [
        (True, True, True, True),
        (True, True, False, True),
        (True, True, True, False),
        (False, True, True, True),
        (True, False, True, True),
    ],
    ids=["copy-or-json", "no-writer-thread", "sqlite-executemany", "no-copy", "insert-returning"],
)
def test_every_way_of_writing_stores_the_same_rows(monkeypatch, copy, preset, overlap, json):
    from luzhi.registry.services.imports import importer

    monkeypatch.setattr(writing, "COPY", copy)
    monkeypatch.setattr(writing, "PRESET_IDS", preset)
    monkeypatch.setattr(writing, "OVERLAP", overlap)
    monkeypatch.setattr(writing, "SQLITE_JSON", json and writing.SQLITE_JSON)
    monkeypatch.setattr(importer, "BATCH", 7)  # several batches: the writer overlaps the checks
    report = run(big_xlsx(30), dry_run=False)
    assert report.ok and report.created == 30
    records, years, history, year_history = _stored()
    assert len(records) == len(years) == len(history) == year_history == 30
    by_code = {e.credit_code: e for e in Enterprise.objects.all()}
    for credit_code, (history_id, kind, reason, name) in history.items():
        assert history_id == by_code[credit_code].pk  # each history row names its record
        assert kind == "+" and reason.startswith("表格导入") and name == by_code[credit_code].name
    for credit_code, record in records.items():
        assert years[credit_code][0] == 2024 and record[-1] == "approved"


def test_ids_taken_first_never_reuse_a_deleted_records_id(monkeypatch):
    run(big_xlsx(3), dry_run=False)
    highest = Enterprise.objects.order_by("-pk").first()
    highest_pk = highest.pk
    EnterpriseYear.objects.filter(enterprise=highest).delete()
    highest.delete()
    report = run(xlsx([enterprise_row(500 + i) for i in range(2)]), dry_run=False)
    assert report.ok
    new = list(
        Enterprise.objects.filter(name__in=[enterprise_row(500)[0], enterprise_row(501)[0]])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    assert len(new) == 2 and min(new) > highest_pk, connection.vendor


def _everything():
    """Every stored value of the records, their years and both history tables (ids aside)."""
    def rows(queryset, skip):
        return sorted(
            tuple(str(v) for k, v in sorted(row.items()) if k not in skip)
            for row in queryset.values()
        )

    return [
        rows(Enterprise.objects.all(), {"id", "created_at", "updated_at"}),
        rows(EnterpriseYear.objects.all(), {"id", "enterprise_id"}),
        rows(Enterprise.history.all(), {"id", "history_id", "history_date", "created_at", "updated_at"}),
        rows(EnterpriseYear.history.all(), {"id", "history_id", "history_date", "enterprise_id"}),
    ]


def test_clean_rows_taken_from_the_columns_store_what_the_exact_way_stores(monkeypatch):
    """A clean row goes from the columns into the row to write (``ColumnPlan.row``); the
    exact way (an instance per row, each field's checks, ``clean()``) must store the same,
    and so must plain INSERTs where PostgreSQL's binary COPY wrote the first time."""
    from luzhi.registry.services.imports import columns

    rows = [  # figures full, partly blank (defaults), or none (no year); 是/否; text dates
        enterprise_row(0, 入库硬科技企业库="是", 入库日期="2024-03-01") + [2024, 1200.5, 300, 60, 25],
        enterprise_row(1, 成立日期="2019/5/1") + [2023, "1,000", None, None, None],
        enterprise_row(2) + [None, None, None, None, None],
        *(enterprise_row(i) + [2024, 1000 + i, 100, 50.25, 20] for i in range(3, 12)),
    ]
    header = HEADER + FIGURES
    report = run(xlsx(rows, header), dry_run=False)
    assert report.ok and report.created == 12
    fast = _everything()
    assert len(fast[1]) == 11 and len(fast[3]) == 11  # row 4 has no year
    for model in (EnterpriseYear, Enterprise):
        model.objects.all().delete()
    for model in (EnterpriseYear, Enterprise):  # the deletions' "-" rows too
        model.history.all().delete()
    monkeypatch.setattr(columns.ColumnPlan, "row", lambda self, values: None)
    monkeypatch.setattr(writing, "COPY", False)  # and on PostgreSQL: binary COPY = INSERT
    report = run(xlsx(rows, header), dry_run=False)
    assert report.ok and report.created == 12
    assert _everything() == fast


def test_an_import_reads_todays_date_once(monkeypatch):
    from django.utils import timezone

    reads = []
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda: reads.append(1) or real())
    report = run(big_xlsx(20), dry_run=True)
    assert report.ok and len(reads) == 1


def test_a_failure_on_the_writer_thread_leaves_nothing_written(monkeypatch):
    """The third batch is given the first batch's ids again (as if another writer had taken
    them): the database refuses it on the writer thread, and the whole import is undone."""
    from luzhi.registry.services.imports import importer

    monkeypatch.setattr(importer, "BATCH", 5)
    real = writing._Writer._take_ids
    calls, threads = [], set()

    def take_ids(self, raw, wanted):
        threads.add(threading.current_thread().name)
        calls.append(real(self, raw, wanted))
        return calls[0] if len(calls) == 3 else calls[-1]

    monkeypatch.setattr(writing._Writer, "_take_ids", take_ids)
    interval = sys.getswitchinterval()
    report = run(big_xlsx(20), dry_run=False)
    assert len(calls) >= 3 and all(name.startswith("import-writer") for name in threads)
    assert not report.ok and report.created == 0
    assert [e.message[:11] for e in report.errors] == ["写入时与已有数据冲突,"]
    assert Enterprise.objects.count() == EnterpriseYear.objects.count() == 0
    assert Enterprise.history.count() == EnterpriseYear.history.count() == 0
    assert sys.getswitchinterval() == interval  # the writer's switch interval is undone too


def test_the_writer_thread_ends_with_the_import(monkeypatch):
    """After an import the connection is the caller's alone again: no writer thread, no query
    wrapper, Python's switch interval as it was, and on PostgreSQL the foreign keys checked
    at the commit again (a bad city is refused only then, not at once)."""
    from luzhi.registry.services.imports import importer

    monkeypatch.setattr(importer, "BATCH", 5)
    interval = sys.getswitchinterval()
    report = run(big_xlsx(12), dry_run=False)
    assert report.ok and report.created == 12
    assert sys.getswitchinterval() == interval
    assert not connection.execute_wrappers
    assert not [t for t in threading.enumerate() if t.name.startswith("import-writer")]
    if connection.vendor == "postgresql":
        record = Enterprise.objects.first()
        Enterprise.objects.filter(pk=record.pk).update(city_id=10**9)  # deferred: no error yet
        Enterprise.objects.filter(pk=record.pk).update(city_id=record.city_id)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="on SQLite the import holds the write lock, so its ids are always one run",
)
def test_ids_that_are_not_one_run_each_get_their_own_history_row(monkeypatch):
    """On PostgreSQL another writer may take ids from the same sequence meanwhile, so a batch's
    ids can have gaps that hold other records. Here the first batch takes every other id of a
    run and the second the ids between them: copying the second batch's history by its id
    range would copy the first batch's records again."""
    from luzhi.registry.services.imports import importer

    monkeypatch.setattr(importer, "BATCH", 6)
    real = writing._Writer._take_ids
    between: list = []

    def take_ids(self, raw, wanted):
        if between:
            given, between[:] = list(between), []
            return given
        taken = real(self, raw, [(model, 2 * count) for model, count in wanted])
        between.extend(ids[1::2] for ids in taken)
        return [ids[0::2] for ids in taken]

    monkeypatch.setattr(writing._Writer, "_take_ids", take_ids)
    report = run(big_xlsx(12), dry_run=False)
    assert report.ok and report.created == 12
    ids = sorted(Enterprise.objects.values_list("pk", flat=True))
    assert ids[1] - ids[0] == 1 and ids[-1] - ids[0] == 11  # the two batches interleaved
    assert sorted(Enterprise.history.values_list("id", flat=True)) == ids  # one "+" row each
    assert EnterpriseYear.history.count() == EnterpriseYear.objects.count() == 12


def test_each_batch_is_kept_out_of_the_collectors_rescans_until_the_import_ends(monkeypatch):
    import gc

    from luzhi.registry.services.imports import importer

    monkeypatch.setattr(importer, "BATCH", 5)
    frozen = []
    real = gc.freeze
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1) or real())
    report = run(big_xlsx(12), dry_run=False)
    assert report.ok and len(frozen) == 2  # after each full batch
    assert gc.get_freeze_count() == 0  # all handed back
    report = run(b"not a spreadsheet", dry_run=False)
    assert not report.ok and gc.get_freeze_count() == 0
