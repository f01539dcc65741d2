"""Who may report, review and see indicator values."""

from luzhi.core.permissions import is_plan_office
from luzhi.indicators.models import PROVINCE, Observation


def can_report(user, indicator, region: str = PROVINCE) -> bool:
    """The plan office; a reporter of a responsible unit; a city's reporter for its own city."""
    if is_plan_office(user):
        return True
    if not (user and user.is_authenticated and user.is_unit_reporter):
        return False
    unit = user.unit
    if indicator.responsible_units.filter(pk=unit.pk).exists():
        return True
    return bool(
        unit.city_id and region != PROVINCE and unit.city.code == region and indicator.is_additive
    )


def can_review(user) -> bool:
    return is_plan_office(user)


def visible_observations(user, queryset=None):
    """Approved values of public indicators for everyone; the plan office sees all; a
    reporter also sees their own unit's drafts and submissions."""
    queryset = queryset if queryset is not None else Observation.objects.all()
    if is_plan_office(user):
        return queryset
    public = queryset.filter(status=Observation.Status.APPROVED, indicator__is_public=True)
    if user and user.is_authenticated and user.is_unit_reporter:
        return public | queryset.filter(reporting_unit=user.unit_id)
    return public


def can_download_evidence(user, observation) -> bool:
    """Evidence files: signed-in users who may see the observation (the public sees metadata)."""
    if not (user and user.is_authenticated):
        return False
    return visible_observations(user).filter(pk=observation.pk).exists()
