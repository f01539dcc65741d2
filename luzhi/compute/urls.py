"""The compute pages, under /compute/."""

from django.urls import path

from luzhi.compute.views import manage
from luzhi.compute.views import placement
from luzhi.compute.views import register
from luzhi.compute.views import vouchers

app_name = "compute"

urlpatterns = [
    path("", register.register, name="register"),
    path("centers/<slug:code>/", register.center_detail, name="center_detail"),
    path("centers/<slug:code>/utilisation/", register.center_utilisation, name="center_utilisation"),
    path("centers/<slug:code>/review/", register.center_review, name="center_review"),
    path("catalogue/", register.catalogue, name="catalogue"),
    path("catalogue/new/", manage.accelerator_edit, name="accelerator_new"),
    path("catalogue/<int:pk>/edit/", manage.accelerator_edit, name="accelerator_edit"),
    path("catalogue/convention/", manage.convention_edit, name="convention_edit"),
    path("export/", register.export, name="export"),
    path("import/", register.import_register, name="import"),
    path("drilldown/", register.drilldown, name="drilldown"),
    path("programs/", vouchers.program_list, name="program_list"),
    path("programs/new/", manage.program_new, name="program_new"),
    path("programs/<slug:code>/", vouchers.program_detail, name="program_detail"),
    path("programs/<slug:code>/edit/", manage.program_edit, name="program_edit"),
    path("programs/<slug:code>/status/", manage.program_status, name="program_status"),
    path("programs/<slug:code>/apply/", vouchers.apply, name="apply"),
    path("programs/<slug:code>/settle/", vouchers.settle, name="settle"),
    path("applications/<int:pk>/decide/", vouchers.application_decide, name="application_decide"),
    path("vouchers/", vouchers.my_vouchers, name="my_vouchers"),
    path("vouchers/redeem/", vouchers.redeem, name="redeem"),
    path("dispatches/", manage.dispatches, name="dispatches"),
    path("placement/", placement.placement, name="placement"),
    path("placement/jobs/<int:pk>/", placement.job_detail, name="job_detail"),
    path("placement/jobs/<int:pk>/dispatch/", placement.job_dispatch, name="job_dispatch"),
]
