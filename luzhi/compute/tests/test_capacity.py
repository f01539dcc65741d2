"""The register turned into EFLOPS: conventions as data, counting rules, review of changes,
and the indicator functions the cockpit reads."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError

from luzhi.compute import services
from luzhi.compute.capacity import capacity_on
from luzhi.compute.models import AcceleratorModel
from luzhi.compute.models import CountingConvention
from luzhi.compute.tests import factories
from luzhi.indicators.registry import get_function

DAY = date(2026, 3, 31)


@pytest.fixture
def centers(catalogue, plan_officer):
    """济南: 100 A100 (intelligent) and a general center with 1,000 TFLOPS of CPU FP32;
    青岛: a supercomputing center with 50 A100 and 200 TFLOPS of CPU FP64."""
    jn = factories.center(plan_officer, code="jn-ai", cards=100)
    jn_gen = factories.center(plan_officer, code="jn-gen", kind="general", cpu_fp32_tflops=1000, cpu_fp64_tflops=500)
    qd = factories.center(plan_officer, code="qd-hpc", kind="supercomputing", city_code="370200",
                          cards=50, cpu_fp32_tflops=400, cpu_fp64_tflops=200)
    return jn, jn_gen, qd


def test_each_kind_counts_at_its_precision(centers):
    cap = capacity_on(DAY)
    by_code = {c.name: c for c in cap.centers}
    jn, jn_gen, qd = centers
    assert by_code[jn.name].tflops == Decimal("312") * 100  # FP16
    assert by_code[jn_gen.name].tflops == Decimal(1000)  # CPU FP32
    assert by_code[qd.name].tflops == Decimal("9.7") * 50 + 200  # FP64: cards and CPUs
    total = Decimal(31200 + 1000 + 485 + 200)
    assert cap.tflops() == total
    assert cap.eflops() == (total / 1_000_000).quantize(Decimal("0.0001"))
    assert cap.intelligent_share() == (Decimal(31200) * 100 / total).quantize(Decimal("0.01"))


def test_the_convention_is_data(centers, plan_officer):
    before = capacity_on(DAY).tflops(kind="intelligent")
    services.convention_set(actor=plan_officer, kind="intelligent", precision="int8", source="测试:按 INT8 计")
    assert capacity_on(DAY).tflops(kind="intelligent") == before * 2  # A100: 624 TOPS INT8 vs 312 FP16


def test_only_the_plan_office_changes_the_convention(reporter_bigdata):
    with pytest.raises(PermissionDenied):
        services.convention_set(actor=reporter_bigdata, kind="general", precision="fp64", source="x")
    assert CountingConvention.objects.get(kind="general").precision == "fp32"


def test_unknown_figures_count_zero_and_are_reported(catalogue, plan_officer):
    factories.center(plan_officer, code="jn-gen-ascend", kind="general", card="昇腾 Ascend 910B", cards=16)
    row = next(c for c in capacity_on(DAY).centers if c.cards)
    assert row.tflops == 0 and row.unknown_cards == 16  # 910B has no published FP32 figure here


def test_capacity_over_time_follows_install_and_retire_dates(catalogue, plan_officer):
    c = factories.center(plan_officer, code="t1", cards=10, installed_on=date(2025, 6, 1))
    item = c.inventory.get()
    services.inventory_retire(actor=plan_officer, item=item, retired_on=date(2026, 1, 1))
    assert capacity_on(date(2025, 5, 31)).tflops() == 0
    assert capacity_on(date(2025, 12, 31)).tflops() == 3120
    assert capacity_on(date(2026, 1, 1)).tflops() == 0


def test_an_operators_change_counts_once_reviewed(catalogue, plan_officer, operator, reporter_bigdata, reporter_sti):
    c = factories.center(plan_officer, code="rv", members=[operator])
    item = services.inventory_add(actor=operator, center=c, accelerator=factories.accelerator(), count=8,
                                  installed_on=date(2025, 1, 1))
    assert item.review_status == "pending" and capacity_on(DAY).tflops() == 0
    with pytest.raises(PermissionDenied):
        services.inventory_review(actor=reporter_sti, item=item, decision="approve")  # not a register unit
    services.inventory_review(actor=reporter_bigdata, item=item, decision="approve")
    assert capacity_on(DAY).tflops() == 8 * 312


def test_an_operator_edits_only_its_own_center(catalogue, plan_officer, operator, other_operator):
    c = factories.center(plan_officer, code="own", members=[operator])
    with pytest.raises(PermissionDenied):
        services.center_update(actor=other_operator, center=c, name="改名")
    services.center_update(actor=operator, center=c, name="新名称")
    c.refresh_from_db()
    assert c.name == "新名称" and c.review_status == "pending"


def test_bad_inventory_is_refused(catalogue, plan_officer):
    c = factories.center(plan_officer, code="bad")
    with pytest.raises(ValidationError, match="未知的加速卡"):
        services.inventory_add(actor=plan_officer, center=c, accelerator=None, count=1, installed_on=DAY)
    with pytest.raises(ValidationError):
        services.inventory_add(actor=plan_officer, center=c, accelerator=factories.accelerator(), count=0,
                               installed_on=DAY)
    assert not c.inventory.exists()


def test_utilisation_is_a_month_in_range(catalogue, plan_officer, operator):
    c = factories.center(plan_officer, code="util", members=[operator])
    r = services.utilisation_report(actor=operator, center=c, month=date(2026, 2, 17), utilisation="63.5")
    assert r.month == date(2026, 2, 1)
    with pytest.raises(ValidationError):
        services.utilisation_report(actor=operator, center=c, month=date(2026, 2, 1), utilisation=101)
    with pytest.raises(ValidationError):
        services.utilisation_report(actor=operator, center=c, month=date(2099, 1, 1), utilisation=10)


def test_catalogue_figures_need_sources(plan_officer):
    with pytest.raises(ValidationError, match="出处"):
        services.accelerator_save(actor=plan_officer, vendor="X", name="Y", origin="domestic", fp16=Decimal(100),
                                  sources={})
    assert not AcceleratorModel.objects.filter(vendor="X").exists()


def test_seed_catalogue_is_dense_and_sourced(catalogue):
    a100 = AcceleratorModel.objects.get(name="A100 SXM4 80GB")
    assert (a100.fp16, a100.int8, a100.tf32) == (Decimal(312), Decimal(624), Decimal(156))
    for card in AcceleratorModel.objects.all():
        card.full_clean()  # every figure given has a source


def test_indicator_functions_by_city_and_province(centers):
    eflops = get_function("compute.province_eflops")
    share = get_function("compute.intelligent_share")
    assert eflops(period_end=DAY) == eflops(period_end=DAY, region="370100") + eflops(period_end=DAY, region="370200")
    assert share(period_end=DAY, region="370200") == 0
    values = eflops.compute.compute_all(DAY)
    assert values[None] == eflops(period_end=DAY) and values["370100"] == eflops(period_end=DAY, region="370100")
    assert {c.code for c in eflops.records(period_end=DAY, region="370100")} == {"jn-ai", "jn-gen"}
    # Before any center was commissioned the province had nothing.
    assert eflops(period_end=date(2024, 1, 1)) == 0


def test_capacity_map_places_each_city_with_its_size_and_share():
    from luzhi.compute.charts import CITY_POSITIONS
    from luzhi.compute.charts import capacity_map

    option = capacity_map([
        {"code": "370100", "city": "济南", "eflops": 2.0, "intelligent_share": 40.0},
        {"code": "370200", "city": "青岛", "eflops": 0.5, "intelligent_share": 10.0},
        {"code": "999999", "city": "未知", "eflops": 1.0, "intelligent_share": 0.0},
    ])
    points = {d["name"]: d for d in option["series"][0]["data"]}
    assert set(points) == {"济南", "青岛"}  # no position, no bubble (the table keeps it)
    assert points["济南"]["value"] == [*CITY_POSITIONS["370100"], 2.0, 40.0]
    assert points["济南"]["symbolSize"] == 60 and points["青岛"]["symbolSize"] == 34  # area ∝ EFLOPS
    assert len(CITY_POSITIONS) == 16
