"""The database's own guard of the ledger, and the seed catalogue and counting convention.

PostgreSQL: ledger entries and transactions refuse UPDATE and DELETE (a demo
reset may delete after ``SET LOCAL luzhi.ledger_purge = 'on'``), and a deferred
constraint trigger refuses to commit a transaction whose entries do not add up
to zero. SQLite: entries and transactions refuse UPDATE (its test and flush
paths delete rows, so DELETE stays allowed there).
"""

import json
from pathlib import Path

from django.db import migrations

PG_FORWARD = """
CREATE OR REPLACE FUNCTION compute_ledger_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('luzhi.ledger_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'ledger rows are append-only (% on %)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE TRIGGER compute_ledgerentry_append_only BEFORE UPDATE OR DELETE ON compute_ledgerentry
  FOR EACH ROW EXECUTE FUNCTION compute_ledger_append_only();
CREATE TRIGGER compute_ledgertransaction_append_only BEFORE UPDATE OR DELETE ON compute_ledgertransaction
  FOR EACH ROW EXECUTE FUNCTION compute_ledger_append_only();

CREATE OR REPLACE FUNCTION compute_ledger_balanced() RETURNS trigger AS $$
DECLARE total bigint;
BEGIN
  SELECT COALESCE(SUM(amount_fen), 0) INTO total FROM compute_ledgerentry
    WHERE transaction_id = NEW.transaction_id;
  IF total <> 0 THEN
    RAISE EXCEPTION 'ledger transaction % does not balance (sum %)', NEW.transaction_id, total
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER compute_ledgerentry_balanced AFTER INSERT ON compute_ledgerentry
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION compute_ledger_balanced();
"""

PG_REVERSE = """
DROP TRIGGER IF EXISTS compute_ledgerentry_balanced ON compute_ledgerentry;
DROP TRIGGER IF EXISTS compute_ledgerentry_append_only ON compute_ledgerentry;
DROP TRIGGER IF EXISTS compute_ledgertransaction_append_only ON compute_ledgertransaction;
DROP FUNCTION IF EXISTS compute_ledger_balanced();
DROP FUNCTION IF EXISTS compute_ledger_append_only();
"""

SQLITE_FORWARD = [
    "CREATE TRIGGER compute_ledgerentry_no_update BEFORE UPDATE ON compute_ledgerentry "
    "BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only'); END;",
    "CREATE TRIGGER compute_ledgertransaction_no_update BEFORE UPDATE ON compute_ledgertransaction "
    "BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only'); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS compute_ledgerentry_no_update;",
    "DROP TRIGGER IF EXISTS compute_ledgertransaction_no_update;",
]


def guards_forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FORWARD, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def guards_reverse(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


CONVENTION_SOURCE = (
    "默认口径(docs/compute.md):智能算力按 FP16、通用算力按 FP32、超算算力按 FP64 的稠密峰值计;"
    "三类算力分别计量、合计为总算力的做法见中国信息通信研究院《中国算力发展指数白皮书》。"
)


def seed_forward(apps, schema_editor):
    Accelerator = apps.get_model("compute", "AcceleratorModel")
    Convention = apps.get_model("compute", "CountingConvention")
    for kind, precision in (("intelligent", "fp16"), ("general", "fp32"), ("supercomputing", "fp64")):
        Convention.objects.get_or_create(kind=kind, defaults={"precision": precision, "source": CONVENTION_SOURCE})
    data = json.loads((Path(__file__).resolve().parent.parent / "data" / "accelerators.json").read_text("utf-8"))
    for card in data["accelerators"]:
        figures = {p: card[p] for p in ("fp64", "fp32", "tf32", "fp16", "int8")}
        Accelerator.objects.get_or_create(
            vendor=card["vendor"], name=card["name"],
            defaults={
                **figures, "origin": card["origin"], "memory_gb": card["memory_gb"],
                "sources": {p: card["source"] for p, v in figures.items() if v is not None},
                "notes": card["notes"],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("compute", "0001_initial")]

    operations = [
        migrations.RunPython(guards_forward, guards_reverse),
        migrations.RunPython(seed_forward, migrations.RunPython.noop),
    ]
