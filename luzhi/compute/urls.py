"""The compute pages, under /compute/."""

from django.urls import path

from luzhi.compute.views import placement, register, vouchers

app_name = "compute"

urlpatterns = [
    path("", register.register, name="register"),
    path("centers/<slug:code>/", register.center_detail, name="center_detail"),
    path("centers/<slug:code>/utilisation/", register.center_utilisation, name="center_utilisation"),
    path("centers/<slug:code>/review/", register.center_review, name="center_review"),
    path("catalogue/", register.catalogue, name="catalogue"),
    path("export/", register.export, name="export"),
    path("import/", register.import_register, name="import"),
    path("drilldown/", register.drilldown, name="drilldown"),
    path("programs/", vouchers.program_list, name="program_list"),
    path("programs/<slug:code>/", vouchers.program_detail, name="program_detail"),
    path("programs/<slug:code>/apply/", vouchers.apply, name="apply"),
    path("programs/<slug:code>/settle/", vouchers.settle, name="settle"),
    path("applications/<int:pk>/decide/", vouchers.application_decide, name="application_decide"),
    path("vouchers/", vouchers.my_vouchers, name="my_vouchers"),
    path("vouchers/redeem/", vouchers.redeem, name="redeem"),
    path("placement/", placement.placement, name="placement"),
    path("placement/jobs/<int:pk>/", placement.job_detail, name="job_detail"),
    path("placement/jobs/<int:pk>/dispatch/", placement.job_dispatch, name="job_dispatch"),
]
