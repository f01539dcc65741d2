from luzhi.supervision.tests.test_reports import *  # noqa

def test_round_page(client, late_round, plan_officer, reporter_sti):
    client.force_login(plan_officer)
    r = client.post(reverse("supervision:report_request", args=[late_round.pk]), follow=True)
    html = r.content.decode()
    print(r.status_code, "生成季度进展报告" in html, "已开始生成" in html, "排队中" in html, "通报排名" in html)
    client.force_login(reporter_sti)
    html = client.get(reverse("supervision:round_detail", args=[late_round.pk])).content.decode()
    print("生成季度进展报告" in html, "通报排名" in html)
