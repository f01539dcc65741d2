"""Exports: a batch's scenarios as .xlsx (the import's columns first, so a file round-trips)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from luzhi.core.xlsx import table_bytes
from luzhi.scenarios.permissions import scenarios as scenario_policy
from luzhi.scenarios.services.imports import HEADERS


def batch_rows(*, batch, user):
    """The scenarios of ``batch`` that ``user`` may see, as rows of the export."""
    qs = scenario_policy.visible(user, batch.scenarios.all()).select_related(
        "domain", "city", "publisher_unit", "publisher_enterprise"
    ).order_by("pk")
    contact = scenario_policy.can(user, "see_contact")
    for s in qs:
        yield [
            s.title, s.get_kind_display(), s.domain.name, s.description, str(s.publisher),
            s.city.name if s.city else "", s.budget_min, s.budget_max,
            s.contact_name if contact else "", s.contact_phone if contact else "",
            s.contact_email if contact else "", s.get_status_display(),
        ]


def batch_workbook_bytes(*, batch, user) -> bytes:
    """The batch's list (第N批) as an .xlsx made by ``core.xlsx`` (no formula survives)."""
    headers = [*HEADERS.values(), _("状态")]
    return table_bytes(
        headers, batch_rows(batch=batch, user=user), title=str(batch),
        heading=f"{batch} {batch.title}", widths=[30, 8, 12, 60, 24, 8, 12, 12, 10, 16, 22, 10],
    )
