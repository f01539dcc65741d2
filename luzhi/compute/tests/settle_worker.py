"""A settlement worker for test_concurrency: settles, then stops just before committing
(it writes the ``ready`` file and sleeps) so the test can kill it mid-transaction.

Usage: settle_worker.py PROGRAM_ID CENTER_ID USERNAME KEY READY_FILE
"""

import sys
import time
from pathlib import Path

import django

django.setup()

from luzhi.accounts.models import User  # noqa: E402
from luzhi.compute.models import ComputeCenter  # noqa: E402
from luzhi.compute.models import VoucherProgram  # noqa: E402
from luzhi.compute.services import settlement_run  # noqa: E402
from luzhi.compute.services.vouchers import on_checkpoint  # noqa: E402


def stall() -> None:
    Path(sys.argv[5]).write_text("ready")
    time.sleep(120)


on_checkpoint("settlement.before_commit", stall)
settlement_run(
    actor=User.objects.get(username=sys.argv[3]),
    program=VoucherProgram.objects.get(pk=int(sys.argv[1])),
    center=ComputeCenter.objects.get(pk=int(sys.argv[2])),
    idempotency_key=sys.argv[4],
)
