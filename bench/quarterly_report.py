"""Benchmark: generating the quarterly progress report (季度进展报告) of a full round.

Builds, in a fresh SQLite database of its own (a temporary file; uploaded and
generated files go to a temporary media folder): the reference units, the seed
plan and its indicators, two years of approved quarterly values for every
reported indicator, and a round of the seed plan (the quarter before today)
in which every obligation has been acknowledged, reported (with the owed
indicator values) and accepted, all through the services: contributions first,
accepted by their lead unit, then the consolidated and direct reports,
accepted by the plan office.

Measures, as the median of ``--repeat`` runs: gathering the content
(``report_content``), rendering the PDF (WeasyPrint) and the Word file
(python-docx), and the whole background task (``generate_quarterly_report``,
which also stores both files). Target: one report in a few seconds. Also: opening
the round (80 obligations), one transition (acknowledge, submit or accept, the
mean), and the round's pages for the plan office (median server time). The last
line reads ``report_s=… pdf_pages=… pdf_bytes=… docx_bytes=…``.

    .venv/bin/python bench/quarterly_report.py [--repeat 3]
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-pass-2025-x"  # bench users only, in a throwaway database
TEXT = (
    "本季度围绕任务目标,组织召开专题推进会{n}次,完成年度计划的阶段性工作;"
    "会同有关单位梳理重点项目清单,推动项目落地建设,形成可复制推广的经验做法。"
)
PROBLEMS = "部分项目资金到位较慢,专业人才仍显不足。"
NEXT = "加快推进重点项目建设,完善工作协调机制,按期完成年度目标任务。"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory()
    # Always a throwaway SQLite file: this bench writes a whole round and its files.
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ["LUZHI_MEDIA_ROOT"] = f"{tmp.name}/media"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luzhi.settings")

    import django

    django.setup()
    run(args)


def run(args) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from luzhi.supervision.models import QuarterlyReport
    from luzhi.supervision.reports.content import report_content
    from luzhi.supervision.reports.docx import render_docx
    from luzhi.supervision.reports.pdf import render_pdf
    from luzhi.supervision.reports.services import quarterly_report_request
    from luzhi.supervision.reports.tasks import generate_quarterly_report

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    office, round_, counts = _build()
    build_s = time.perf_counter() - started

    timings: dict[str, list[float]] = {"content": [], "pdf": [], "docx": [], "task": []}
    pages = pdf_size = docx_size = 0
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        content = report_content(round_)
        t1 = time.perf_counter()
        pdf, pages = render_pdf(content)
        t2 = time.perf_counter()
        docx = render_docx(content)
        t3 = time.perf_counter()
        timings["content"].append(t1 - t0)
        timings["pdf"].append(t2 - t1)
        timings["docx"].append(t3 - t2)
        pdf_size, docx_size = len(pdf), len(docx)

        report = quarterly_report_request(actor=office, round_=round_)
        t4 = time.perf_counter()
        status = generate_quarterly_report.call(report_id=report.pk)
        timings["task"].append(time.perf_counter() - t4)
        assert status == QuarterlyReport.Status.DONE, QuarterlyReport.objects.get(
            pk=report.pk
        ).error
    report = QuarterlyReport.objects.get(pk=report.pk)

    # The pages of the round, as the plan office sees them (Django's test client, no network).
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(office)
    lead = round_.obligations.filter(channel="lead").order_by("pk").first()
    pages_timed = {
        "round page": reverse("supervision:round_detail", args=[round_.pk]),
        "bulletin page": reverse("supervision:bulletin", args=[round_.pk]),
        "report page": reverse("supervision:obligation_detail", args=[lead.pk]),
        "inbox": reverse("supervision:inbox"),
    }
    for name, url in pages_timed.items():
        timings[name] = []
        for _ in range(max(args.repeat, 5)):
            t0 = time.perf_counter()
            response = client.get(url)
            timings[name].append(time.perf_counter() - t0)
            assert response.status_code == 200, (url, response.status_code)

    med = {key: statistics.median(values) for key, values in timings.items()}
    print(
        f"database: {connection.vendor} · Django {django_version()} · Python "
        f"{platform.python_version()} · {os.cpu_count()} cores · {timezone.localdate()}"
    )
    print(
        f"data: seed plan, round {round_.period} with {counts['obligations']} obligations of "
        f"{counts['units']} units, all reported and accepted ({counts['values']} indicator values "
        f"owed); {counts['indicators']} tracked indicators, {counts['observations']} approved "
        f"values; built in {build_s:.0f} s"
    )
    print(f"measured: median of {args.repeat} runs")
    print(f"{'step':<16}{'seconds':>9}{'pages':>7}{'bytes':>11}")
    print(f"{'gather content':<16}{med['content']:>9.2f}{'-':>7}{'-':>11}")
    print(f"{'generate PDF':<16}{med['pdf']:>9.2f}{pages:>7}{pdf_size:>11,}")
    print(f"{'generate DOCX':<16}{med['docx']:>9.2f}{'-':>7}{docx_size:>11,}")
    print(
        f"{'task (all+save)':<16}{med['task']:>9.2f}{report.pages:>7}"
        f"{report.pdf.size + report.docx.size:>11,}"
    )
    print(f"{'open round':<16}{counts['open_s']:>9.2f}{'-':>7}{'-':>11}")
    print(f"{'one transition':<16}{counts['transition_s']:>9.3f}{'-':>7}{'-':>11}")
    for name in pages_timed:
        print(f"{name:<16}{med[name]:>9.3f}{'-':>7}{'-':>11}")
    print(
        f"report_s={med['task']:.2f} pdf_pages={pages} pdf_bytes={pdf_size} docx_bytes={docx_size}"
    )


def django_version() -> str:
    import django

    return django.get_version()


# ---------------------------------------------------------------- data


def _build():
    """The seed plan, its indicators with history, and a round where everything is accepted."""
    from django.utils import timezone

    from luzhi.accounts.models import User
    from luzhi.accounts.services import reference_data_sync
    from luzhi.accounts.services import user_create
    from luzhi.indicators.models import Indicator
    from luzhi.indicators.periods import Period
    from luzhi.indicators.periods import PeriodType
    from luzhi.indicators.services import indicators_sync_from_plan
    from luzhi.indicators.services import observation_approve
    from luzhi.indicators.services import observation_save
    from luzhi.plan.services import plan_import
    from luzhi.supervision import services
    from luzhi.supervision.models import Obligation
    from luzhi.supervision.selectors import owed_values

    reference_data_sync(actor=None)
    seed = ROOT / "luzhi/plan/seed/shandong-ai-action-plan-2025-2027.txt"
    plan = plan_import(actor=None, data=seed.read_bytes(), source_name=seed.name).plan
    indicators_sync_from_plan(actor=None, plan=plan)
    office = user_create(
        actor=None,
        username="bench_office",
        password=PASSWORD,
        role=User.Role.PLAN_OFFICE,
        display_name="专项办 基准",
    )
    today = timezone.localdate()
    period = Period.containing(
        PeriodType.QUARTER, Period.containing(PeriodType.QUARTER, today).start - timedelta(days=1)
    )

    # History: approved quarterly values of every reported (non-ratio) indicator, 8 quarters
    # back from the quarter before the round's (the round's own values come with the reports).
    history = [period]
    while len(history) < 9:
        history.insert(0, Period.containing(PeriodType.QUARTER, history[0].start - timedelta(1)))
    observations = 0
    reported = Indicator.objects.filter(
        method=Indicator.Method.REPORTED, frequency=PeriodType.QUARTER
    ).exclude(aggregation=Indicator.Aggregation.RATIO)
    for indicator in reported:
        for step, past in enumerate(history[:-1], start=1):
            if past.start.year <= indicator.baseline_year:
                continue
            value = float(indicator.baseline_value) + float(indicator.target_value) * step / 12
            observation = observation_save(
                actor=office, indicator=indicator, period=past, value=round(value, 2), submit=True
            )
            observation_approve(actor=office, observation=observation)
            observations += 1

    t_open = time.perf_counter()
    round_ = services.round_open(
        actor=office, plan=plan, period=str(period), due_date=today + timedelta(days=10)
    )
    open_s = time.perf_counter() - t_open
    obligations = list(Obligation.objects.filter(round=round_).select_related("unit", "task"))
    reporters = {}
    for unit in sorted({o.unit for o in obligations}, key=lambda u: u.pk):
        reporters[unit.pk] = user_create(
            actor=None,
            username=f"bench_unit_{unit.pk}",
            password=PASSWORD,
            role=User.Role.UNIT_REPORTER,
            unit=unit,
        )
    values = 0

    def report(obligation, n):
        nonlocal values
        reporter = reporters[obligation.unit_id]
        owed = {
            o.indicator.pk: round(float(o.indicator.target_value) * 0.6, 2)
            for o in owed_values(unit_id=obligation.unit_id, round_=round_)
            if not o.done and o.indicator.frequency == PeriodType.QUARTER
        }
        values += len(owed)
        services.report_save(
            actor=reporter,
            obligation=obligation,
            progress=Obligation.Progress.IN_PROGRESS,
            percent=40 + n % 60,
            achievements=TEXT.format(n=n % 5 + 1) * 2,
            problems=PROBLEMS,
            next_steps=NEXT,
            values=owed,
            submit=True,
        )

    t_flow = time.perf_counter()
    for obligation in obligations:
        services.obligation_acknowledge(actor=reporters[obligation.unit_id], obligation=obligation)
    contributors = [o for o in obligations if o.channel == Obligation.Channel.CONTRIBUTOR]
    heads = [o for o in obligations if o.channel != Obligation.Channel.CONTRIBUTOR]
    for n, obligation in enumerate(contributors):
        report(obligation, n)
    for obligation in contributors:
        lead = Obligation.objects.get(pk=obligation.reports_to_id)
        services.report_accept(actor=reporters[lead.unit_id], obligation=obligation)
    for n, obligation in enumerate(heads):
        report(obligation, n)
        services.report_accept(actor=office, obligation=obligation)
    # acknowledge + submit + accept for every obligation
    transition_s = (time.perf_counter() - t_flow) / (3 * len(obligations))
    counts = {
        "open_s": open_s,
        "transition_s": transition_s,
        "obligations": len(obligations),
        "units": len(reporters),
        "values": values,
        "indicators": Indicator.objects.filter(target__isnull=False).count(),
        "observations": observations,
    }
    return office, round_, counts


if __name__ == "__main__":
    main()
