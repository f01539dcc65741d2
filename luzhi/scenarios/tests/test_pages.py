"""Pages: who sees what, forms through the services, escaping, the import steps, English."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook

from luzhi.scenarios import services
from luzhi.scenarios.models import MatchmakingEvent
from luzhi.scenarios.models import Recognition
from luzhi.scenarios.models import Scenario

from .conftest import make_solution
from .conftest import publish


def test_public_pages_show_only_published_batches(client, batch, scenario_in, plan_officer):
    scenario = scenario_in(batch, title="<script>alert('x')</script>钢板检测")
    assert client.get(reverse("scenarios:scenario_detail", args=[scenario.pk])).status_code == 404
    assert client.get(reverse("scenarios:batch_detail", args=[batch.number])).status_code == 404
    publish(batch, plan_officer)
    for name, args in [("index", []), ("scenario_list", []), ("batch_detail", [batch.number]),
                       ("scenario_detail", [scenario.pk]), ("scenario_matches", [scenario.pk])]:
        response = client.get(reverse(f"scenarios:{name}", args=args))
        body = response.content.decode()
        assert response.status_code == 200, name
        assert "<script>alert" not in body and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;钢板检测" in body, name
    body = client.get(reverse("scenarios:scenario_detail", args=[scenario.pk])).content.decode()
    assert "登录后可查看联系方式" in body and "0531-88888888" not in body


def test_the_office_runs_a_batch_from_the_pages(client, plan_officer, domains):
    client.force_login(plan_officer)
    response = client.post(reverse("scenarios:batch_create"), {"title": "第三批清单"})
    number = int(response["Location"].rstrip("/").split("/")[-1])
    page = client.get(reverse("scenarios:batch_detail", args=[number])).content.decode()
    assert "截止征集" in page and "填报场景" in page
    form = client.post(reverse("scenarios:scenario_create", args=[number]), {
        "publisher": f"u{plan_officer.pk and 0}", "kind": "demand",
    })
    assert form.status_code == 200  # invalid: shown again with errors
    from luzhi.accounts.models import Unit

    miit = Unit.objects.get(short_name="省工业和信息化厅")
    short = client.post(reverse("scenarios:scenario_create", args=[number]), {
        "publisher": f"u{miit.pk}", "kind": "demand", "domain": domains["industry"].pk,
        "title": "钢板检测", "description": "好",
    })
    assert "至少 10 个字" in short.content.decode() and not Scenario.objects.exists()
    ok = client.post(reverse("scenarios:scenario_create", args=[number]), {
        "publisher": f"u{miit.pk}", "kind": "demand", "domain": domains["industry"].pk,
        "title": "钢板检测", "description": "热轧带钢表面缺陷靠人工抽检,希望实现全检。",
    })
    assert ok.status_code == 302
    client.post(reverse("scenarios:batch_action", args=[number, "close"]))
    client.post(reverse("scenarios:batch_action", args=[number, "publish"]), {"published_on": "2025-03-01"})
    assert Scenario.objects.get().status == "published"
    refused = client.post(reverse("scenarios:batch_action", args=[number, "publish"]), follow=True)
    assert "只有审核中的批次" in refused.content.decode()


def test_publishers_cannot_run_batches(client, reporter_miit, batch):
    client.force_login(reporter_miit)
    response = client.post(reverse("scenarios:batch_action", args=[batch.number, "close"]))
    assert response.status_code == 403 and "只有专项办" in response.content.decode()
    assert client.get(reverse("scenarios:batch_import", args=[batch.number])).status_code == 403


def _xlsx(rows):
    wb = Workbook()
    wb.active.append(["场景名称", "类别", "应用领域", "场景描述", "发布方"])
    for row in rows:
        wb.active.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "清单.xlsx"
    return buffer


def test_import_page_dry_run_then_confirm(client, plan_officer, batch, domains):
    client.force_login(plan_officer)
    url = reverse("scenarios:batch_import", args=[batch.number])
    bad = client.post(url, {"file": _xlsx([["钢板检测", "需求", "太空", "够长的一段场景描述文字。", "省工业和信息化厅"]])})
    assert "第 2 行" in bad.content.decode() and "未知的应用领域" in bad.content.decode()
    good = client.post(url, {"file": _xlsx([["钢板检测", "需求", "工业制造", "够长的一段场景描述文字。", "省工业和信息化厅"]])})
    assert "确认导入 1 个场景" in good.content.decode() and not Scenario.objects.exists()
    token = good.context["pending"]["token"]
    done = client.post(url, {"action": "confirm", "token": token})
    assert "已导入 1 个场景" in done.content.decode() and Scenario.objects.count() == 1
    again = client.post(url, {"action": "confirm", "token": token})
    assert "没有待确认的文件" in again.content.decode() and Scenario.objects.count() == 1


def test_matches_page_explains(client, published_scenario, inspur, domains):
    make_solution(inspur, domains, "industry")
    services.index_rebuild()
    body = client.get(reverse("scenarios:scenario_matches", args=[published_scenario.pk])).content.decode()
    assert "机器视觉表面缺陷检测系统" in body and "匹配理由" in body and "同属领域" in body


def test_recognition_drilldown_and_review(client, plan_officer, reporter_miit, published_scenario, levels):
    client.force_login(reporter_miit)
    client.post(reverse("scenarios:scenario_action", args=[published_scenario.pk, "recognise"]), {
        "level": levels["typical_case"].pk, "body": "省工业和信息化厅", "doc_number": "鲁工信〔2025〕1号",
        "recognised_on": "2025-05-01",
    })
    recognition = Recognition.objects.get()
    client.force_login(plan_officer)
    page = client.get(reverse("scenarios:recognition_list")).content.decode()
    assert "待审核" in page
    client.post(reverse("scenarios:recognition_review", args=[recognition.pk]), {"decision": "approve"})
    page = client.get(reverse("scenarios:recognition_list") + "?city=370100&domain=industry").content.decode()
    assert published_scenario.title in page and "计入的场景" in page


def test_event_pages(client, plan_officer, provider_user, inspur, published_scenario, domains):
    client.force_login(plan_officer)
    response = client.post(reverse("scenarios:event_create"), {
        "title": "对接会", "date": "2025-09-01", "tables": 5, "meeting_limit": 2, "slots": "09:00-09:30\n9点-10点",
    })
    assert "不是“09:00-09:30”的形式" in response.content.decode()
    response = client.post(reverse("scenarios:event_create"), {
        "title": "对接会", "date": "2025-09-01", "tables": 5, "meeting_limit": 2, "slots": "09:00-09:30\n09:30-10:00",
    })
    event = MatchmakingEvent.objects.get()
    make_solution(inspur, domains, "industry")
    client.force_login(provider_user)
    client.post(reverse("scenarios:event_action", args=[event.pk, "register"]), {"party": f"e{inspur.pk}", "side": "supply"})
    assert event.parties.count() == 1
    client.force_login(plan_officer)
    client.post(reverse("scenarios:event_action", args=[event.pk, "register"]), {
        "party": f"u{published_scenario.publisher_unit_id}", "side": "demand"})
    client.post(reverse("scenarios:event_action", args=[event.pk, "propose"]))
    client.post(reverse("scenarios:event_action", args=[event.pk, "publish"]))
    event.refresh_from_db()
    assert event.status == "published" and event.meetings.count() == 1
    client.force_login(provider_user)
    body = client.get(reverse("scenarios:event_detail", args=[event.pk])).content.decode()
    assert "省工业和信息化厅" in body and "登记结果" not in body
    client.force_login(plan_officer)
    meeting = event.meetings.get()
    client.post(reverse("scenarios:meeting_action", args=[meeting.pk, "outcome"]), {"outcome": "signed"})
    published_scenario.refresh_from_db()
    assert published_scenario.status == "landed"


def test_pages_in_english(client, published_scenario):
    client.cookies["django_language"] = "en"
    body = client.get(reverse("scenarios:scenario_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Scenarios" in body


@pytest.mark.parametrize("name", ["index", "scenario_list", "solution_list", "event_list", "recognition_list"])
def test_list_pages_keep_their_queries_few(client, django_assert_max_num_queries, batch, scenario_in, plan_officer, inspur, domains, name):
    for i in range(12):
        scenario_in(batch, title=f"场景{i}号检测")
        make_solution(inspur, domains, "industry", title=f"方案{i}号")
    publish(batch, plan_officer)
    with django_assert_max_num_queries(25):
        assert client.get(reverse(f"scenarios:{name}")).status_code == 200
