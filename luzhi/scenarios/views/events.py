"""Matchmaking event pages: the list, an event (parties, schedule, outcomes), its form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luzhi.core.submit import submit
from luzhi.core.views import posted
from luzhi.scenarios import selectors
from luzhi.scenarios import services
from luzhi.scenarios.forms import EventForm
from luzhi.scenarios.forms import MeetingAddForm
from luzhi.scenarios.forms import OutcomeForm
from luzhi.scenarios.forms import RegisterForm
from luzhi.scenarios.models import EventParty
from luzhi.scenarios.models import MatchmakingEvent
from luzhi.scenarios.models import Meeting
from luzhi.scenarios.permissions import events as policy
from luzhi.scenarios.views.common import run


def event_list(request):
    return render(request, "scenarios/event_list.html", {
        "events": policy.visible(request.user).select_related("city", "organiser").order_by("-date"),
        "can_create": policy.can(request.user, "create"),
    })


@login_required
def event_create(request):
    policy.require(request.user, "create")
    form = EventForm(posted(request))
    response = submit(
        request, form,
        lambda data: services.event_create(actor=request.user, organiser=getattr(request.user, "unit", None), **data),
        then=lambda event: redirect("scenarios:event_detail", pk=event.pk),
    )
    return response or render(request, "scenarios/event_form.html", {"form": form})


def _grid(event, meetings):
    """The schedule as rows of slots × tables (meetings listed per slot)."""
    by_slot = {}
    for meeting in meetings:
        by_slot.setdefault(meeting.slot_id, []).append(meeting)
    return [(slot, by_slot.get(slot.pk, [])) for slot in event.slots.all()]


def event_detail(request, pk: int):
    event = policy.get_or_404(request.user, pk=pk)
    user = request.user
    manage = policy.can(user, "manage", event)
    meetings = list(selectors.visible_meetings(user, event))
    return render(request, "scenarios/event_detail.html", {
        "event": event, "manage": manage,
        "parties": selectors.event_parties(event, user),
        "grid": _grid(event, meetings), "meetings": meetings,
        "see_schedule": policy.can(user, "see_schedule", event),
        "can_register": policy.can(user, "register", event),
        "register_form": RegisterForm(user=user, organiser=manage) if policy.can(user, "register", event) else None,
        "add_form": MeetingAddForm(event=event) if manage else None,
        "outcome_form": OutcomeForm(),
        "mine": selectors.my_parties(user, event),
        "statuses": MatchmakingEvent.Status, "outcomes": Meeting.Outcome,
    })


@require_POST
def event_action(request, pk: int, action: str):
    event = policy.get_or_404(request.user, pk=pk)
    user = request.user
    back = reverse("scenarios:event_detail", args=[pk])
    if action == "register":
        form = RegisterForm(request.POST, user=user, organiser=policy.can(user, "manage", event))
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(back)
        return run(request, lambda: services.party_register(
            actor=user, event=event, side=form.cleaned_data["side"],
            max_meetings=form.cleaned_data.get("max_meetings"), **form.organisation(),
        ), success=_("已报名。"), back=back)
    if action == "unregister":
        party = get_object_or_404(EventParty, pk=request.POST.get("party"), event=event)
        return run(request, lambda: services.party_remove(actor=user, party=party), success=_("已退出。"), back=back)
    if action == "propose":
        return run(request, lambda: services.meetings_propose(actor=user, event=event),
                   success=_("已根据匹配结果生成洽谈安排,请检查调整后发布。"), back=back)
    if action == "publish":
        return run(request, lambda: services.schedule_publish(actor=user, event=event), success=_("日程已发布。"), back=back)
    if action == "close":
        return run(request, lambda: services.event_close(actor=user, event=event), success=_("对接会已结束。"), back=back)
    if action == "add":
        form = MeetingAddForm(request.POST, event=event)
        if not form.is_valid():
            messages.error(request, _("请选择时段、场景方和供给方。"))
            return redirect(back)
        return run(request, lambda: services.meeting_add(actor=user, event=event, **form.cleaned_data),
                   success=_("已添加洽谈。"), back=back)
    raise Http404


@require_POST
def meeting_action(request, pk: int, action: str):
    meeting = get_object_or_404(Meeting.objects.select_related("event"), pk=pk)
    event = policy.get_or_404(request.user, pk=meeting.event_id)
    user = request.user
    back = reverse("scenarios:event_detail", args=[event.pk]) + "#schedule"
    if action == "cancel":
        return run(request, lambda: services.meeting_cancel(actor=user, meeting=meeting), success=_("洽谈已取消。"), back=back)
    if action == "move":
        slot = event.slots.filter(pk=request.POST.get("slot")).first()
        if slot is None:
            messages.error(request, _("请选择时段。"))
            return redirect(back)
        return run(request, lambda: services.meeting_move(actor=user, meeting=meeting, slot=slot), success=_("洽谈已调整。"), back=back)
    if action == "outcome":
        form = OutcomeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择洽谈结果。"))
            return redirect(back)
        return run(request, lambda: services.meeting_outcome(actor=user, meeting=meeting, **form.cleaned_data),
                   success=_("洽谈结果已登记。"), back=back)
    raise Http404
