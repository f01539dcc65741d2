"""Job placement: ranking, the dispatch written with its voucher hold, metered usage as
proof of delivery; the Slurm adapter against a fake slurmrestd (no Slurm here)."""

import json
import threading
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError

from luzhi.compute import invariants
from luzhi.compute import services
from luzhi.compute.adapters import JobSpec
from luzhi.compute.adapters import JobState
from luzhi.compute.adapters import KubernetesAdapter
from luzhi.compute.adapters import SlurmRestAdapter
from luzhi.compute.models import Dispatch
from luzhi.compute.models import Redemption
from luzhi.compute.placement import rank_options
from luzhi.compute.services import ledger
from luzhi.compute.tests.conftest import TODAY


@pytest.fixture
def job(enterprise_user, buyer):
    from luzhi.accounts.models import City

    return services.job_request_create(actor=enterprise_user, enterprise=buyer, name="大模型微调", precision="fp16",
                                       cards=8, hours=10, region=City.objects.get(code="370200"))


def test_ranking_prefers_fitting_cheap_subsidised_options(job, center, other_center, voucher, plan_officer):
    # ``center`` (济南, 1,500 fen/card-hour, the buyer's voucher) vs ``other_center`` (青岛, same price,
    # preferred region, no voucher): the voucher's subsidy makes 济南 cheaper after subsidy.
    options = rank_options(job, day=TODAY)
    assert [o.center for o in options[:2]] == [center, other_center]
    first = options[0]
    assert first.cost_fen == 1500 * 8 * 10 and first.subsidy_fen == first.cost_fen * 3 // 10
    assert first.net_fen == first.cost_fen - first.subsidy_fen and first.voucher == voucher
    assert options[1].region_match and options[1].subsidy_fen == 0


def test_busy_centers_rank_last(job, center, other_center, operator, voucher):
    services.utilisation_report(actor=operator, center=center, month=date(2026, 3, 1), utilisation=95)
    options = rank_options(job, day=TODAY)
    assert options[0].center == other_center  # 济南 has 3 free cards of 64 at 95 %
    assert not options[-1].fits and options[-1].available == 3


def test_budget_is_respected(enterprise_user, buyer, center, other_center):
    job = services.job_request_create(actor=enterprise_user, enterprise=buyer, name="小作业", precision="fp16",
                                      cards=1, hours=1, budget_fen=100)
    assert not any(o.within_budget for o in rank_options(job, day=TODAY))


def test_dispatch_holds_the_subsidy_in_the_same_transaction(job, center, voucher, enterprise_user, operator, program,
                                                            plan_officer):
    item = center.inventory.get()
    d = services.job_dispatch(actor=enterprise_user, job=job, inventory=item, voucher=voucher,
                              idempotency_key="dispatch-0001", today=TODAY)
    assert d.hold.status == "held" and d.subsidy_fen == 36_000
    assert ledger.voucher_held(voucher) == 36_000 and ledger.voucher_balance(voucher) == 500_000 - 36_000
    assert services.job_dispatch(actor=enterprise_user, job=job, inventory=item, voucher=voucher,
                                 idempotency_key="dispatch-0001", today=TODAY).pk == d.pk
    assert invariants.violations(program) == []
    # A hold is not payable: nothing to settle before usage comes back.
    with pytest.raises(ValidationError, match="没有待结算"):
        services.settlement_run(actor=plan_officer, program=program, center=center,
                                idempotency_key="settle-early-1")
    # The center reports 60 card-hours used (of 80 booked): 30 % of 90,000 fen is paid, the rest released.
    services.dispatch_report_usage(actor=operator, dispatch=d, card_hours="60", invoice_no="USE-1",
                                   invoice_date=date(2026, 3, 14), today=TODAY)
    hold = Redemption.objects.get(pk=d.hold_id)
    assert hold.status == "redeemed" and hold.subsidy_fen == 27_000 and hold.delivered
    assert ledger.voucher_held(voucher) == 0 and ledger.voucher_balance(voucher) == 500_000 - 27_000
    assert invariants.violations(program) == []


def test_dispatch_refuses_a_voucher_of_another_center(job, other_center, voucher, enterprise_user):
    with pytest.raises(ValidationError, match="约定的算力中心"):
        services.job_dispatch(actor=enterprise_user, job=job, inventory=other_center.inventory.get(), voucher=voucher,
                              idempotency_key="dispatch-0002", today=TODAY)
    assert not Dispatch.objects.exists() and not Redemption.objects.exists()


def test_only_the_center_reports_usage(job, center, voucher, enterprise_user, other_operator):
    d = services.job_dispatch(actor=enterprise_user, job=job, inventory=center.inventory.get(), voucher=voucher,
                              idempotency_key="dispatch-0003", today=TODAY)
    with pytest.raises(PermissionDenied):
        services.dispatch_report_usage(actor=other_operator, dispatch=d, card_hours=1, invoice_no="X",
                                       invoice_date=TODAY, today=TODAY)


def test_job_request_needs_what_to_run(enterprise_user, buyer):
    with pytest.raises(ValidationError) as info:
        services.job_request_create(actor=enterprise_user, enterprise=buyer, name="x", cards=0, hours=1)
    assert {"precision", "cards"} <= set(info.value.message_dict)


# ------------------------------------------------------------------ adapters


class FakeSlurmServer(ThreadingHTTPServer):
    """A stand-in for slurmrestd (no Slurm runs here): accepts v0.0.40 submit and job
    queries and records what it was sent."""

    def __init__(self):
        self.received, self.jobs = [], {}
        super().__init__(("127.0.0.1", 0), FakeSlurmHandler)


class FakeSlurmHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.received.append((self.path, dict(self.headers), body))
        if self.headers.get("X-SLURM-USER-TOKEN") != "jwt-token":
            return self._send(401, {"errors": [{"error": "unauthorized"}]})
        job_id = 4200 + len(self.server.jobs)
        self.server.jobs[str(job_id)] = body
        self._send(200, {"job_id": job_id, "step_id": "batch", "errors": []})

    def do_GET(self):
        job_id = self.path.rsplit("/", 1)[-1]
        if job_id not in self.server.jobs:
            return self._send(404, {"errors": [{"error": "no such job"}]})
        self._send(200, {"jobs": [{"job_id": int(job_id), "job_state": ["COMPLETED"],
                                   "start_time": {"set": True, "number": 1_700_000_000},
                                   "end_time": {"set": True, "number": 1_700_007_200}}]})


@pytest.fixture
def fake_slurm():
    server = FakeSlurmServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_slurm_adapter_submits_and_meters(fake_slurm):
    adapter = SlurmRestAdapter(f"http://127.0.0.1:{fake_slurm.server_port}", token="jwt-token")
    job_id = adapter.submit(JobSpec("dispatch-abc123", "训练", "python train.py", cards=4, hours=2))
    path, headers, body = fake_slurm.received[0]
    assert path == "/slurm/v0.0.40/job/submit" and body["job"]["tres_per_node"] == "gres/gpu:4"
    assert body["job"]["time_limit"] == {"set": True, "number": 120} and "python train.py" in body["script"]
    status = adapter.status(job_id, cards=4)
    assert status.state == JobState.SUCCEEDED and status.card_hours == Decimal("8.0000")  # 2 h × 4 cards


def test_slurm_adapter_reports_refusals(fake_slurm):
    from luzhi.compute.adapters import AdapterError

    adapter = SlurmRestAdapter(f"http://127.0.0.1:{fake_slurm.server_port}", token="wrong")
    with pytest.raises(AdapterError, match="401"):
        adapter.submit(JobSpec("dispatch-abc124", "训练", "true", cards=1, hours=1))


def test_kubernetes_manifest_limits_gpus_and_time():
    manifest = KubernetesAdapter("https://k8s.invalid").manifest(JobSpec("Dispatch_ABC", "n", "echo hi", 2, 3))
    assert manifest["metadata"]["name"] == "luzhi-dispatch-abc"
    assert manifest["spec"]["activeDeadlineSeconds"] == 3 * 3600
    assert manifest["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] == 2
