"""Pages of supervision (督办), mounted at /supervision/."""

from django.urls import path

from luzhi.supervision.views import appraisal_exports
from luzhi.supervision.views import cycle
from luzhi.supervision.views import inbox
from luzhi.supervision.views import milestone_import
from luzhi.supervision.views import obligations
from luzhi.supervision.views import reports
from luzhi.supervision.views import rounds

app_name = "supervision"

urlpatterns = [
    path("", rounds.round_list, name="round_list"),
    path("rounds/open/", rounds.round_open_view, name="round_open"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/close/", rounds.round_close_view, name="round_close"),
    path("rounds/<int:pk>/reopen/", rounds.round_reopen_view, name="round_reopen"),
    path("rounds/<int:pk>/ledger.xlsx", rounds.round_xlsx, name="round_xlsx"),
    path("rounds/<int:pk>/urge/", rounds.round_urge, name="round_urge"),
    path("rounds/<int:pk>/bulletin/", reports.bulletin, name="bulletin"),
    path("rounds/<int:pk>/bulletin.xlsx", reports.bulletin_xlsx, name="bulletin_xlsx"),
    path("rounds/<int:pk>/reports/", reports.quarterly_report_request, name="report_request"),
    path("reports/<int:pk>/", reports.quarterly_report_detail, name="report_detail"),
    path(
        "reports/<int:pk>/download/<str:fmt>/",
        reports.quarterly_report_download,
        name="report_download",
    ),
    path("obligations/<int:pk>/", obligations.obligation_detail, name="obligation_detail"),
    path(
        "obligations/<int:pk>/acknowledge/",
        obligations.obligation_acknowledge_view,
        name="obligation_acknowledge",
    ),
    path("obligations/<int:pk>/report/", obligations.report_edit, name="report_edit"),
    path("obligations/<int:pk>/review/", obligations.report_review, name="report_review"),
    path("obligations/<int:pk>/reopen/", obligations.reopen_request_view, name="reopen_request"),
    path("reopen/<int:pk>/decide/", obligations.reopen_decide_view, name="reopen_decide"),
    path("evidence/<int:pk>/", obligations.evidence_download, name="evidence_download"),
    path("milestones/", cycle.milestone_list, name="milestone_list"),
    path("milestones/ledger.xlsx", cycle.milestone_xlsx, name="milestone_xlsx"),
    path("milestones/import/", milestone_import.milestone_import, name="milestone_import"),
    path(
        "milestones/import/template.xlsx",
        milestone_import.milestone_import_template,
        name="milestone_import_template",
    ),
    path("milestones/<int:pk>/", cycle.milestone_detail, name="milestone_detail"),
    path("milestones/<int:pk>/claim/", cycle.milestone_claim_view, name="milestone_claim"),
    path("milestones/<int:pk>/verify/", cycle.milestone_verify_view, name="milestone_verify"),
    path("milestones/<int:pk>/approve/", cycle.milestone_approve_view, name="milestone_approve"),
    path("orders/", cycle.order_list, name="order_list"),
    path("orders/propose/", cycle.orders_propose_view, name="orders_propose"),
    path("orders/<int:pk>/", cycle.order_detail, name="order_detail"),
    path("orders/<int:pk>/<slug:action>/", cycle.order_action, name="order_action"),
    path("appraisal/", cycle.appraisal_page, name="appraisal"),
    path("appraisal.xlsx", cycle.appraisal_xlsx, name="appraisal_xlsx"),
    path("appraisal.pdf", appraisal_exports.appraisal_pdf_view, name="appraisal_pdf"),
    path("inbox/", inbox.inbox_view, name="inbox"),
    path("inbox/acknowledge/", inbox.inbox_acknowledge, name="inbox_acknowledge"),
    path("notifications/", inbox.notification_list, name="notifications"),
    path("notifications/read/", inbox.notifications_read, name="notifications_read"),
]
