"""Pages of the plan (mounted at /plan/): tasks, matrix, units, my tasks, versions and imports.

The home page (``home``) is mounted at the site root in ``luzhi/urls.py``.
"""

from django.urls import path

from luzhi.plan import views

app_name = "plan"

urlpatterns = [
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/history/", views.task_history, name="task_history"),
    path("matrix/", views.matrix, name="matrix"),
    path("matrix.xlsx", views.matrix_xlsx, name="matrix_xlsx"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/contact/", views.unit_contact_edit, name="unit_contact_edit"),
    path("my-tasks/", views.my_tasks, name="my_tasks"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/import/", views.plan_import_view, name="plan_import"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
]
