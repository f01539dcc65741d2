"""Registry pages for platforms, talent, projects, achievements and algorithm products.

One shape for the five registries (the NetBox way): a list with filters,
search and pagination; a detail page with the record's history; create and
edit forms; and the registry's own actions (a platform's state, an
achievement's expert review, an algorithm product's approval), all POST.

Views are thin: parse → authorise through the registry's policy → one
service or read → render. The services check the same rules again, so a
``PermissionDenied`` from a service becomes a 403 page and a
``ValidationError`` becomes errors next to the named field; a refused write
saves nothing.

Who sees what: the public and reporters see approved records; the plan office
sees everything; an enterprise user also sees their own enterprises' algorithm
products whatever their status. Talent (personal data) is the plan office's
only: everyone else gets a 403, and talent appears in no public listing.
What each user sees is the registry's policy (``registry/permissions.py``); the
registries themselves are data (``registry/specs.py``).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from luzhi.core.history import record_entries
from luzhi.core.roles import signed_in
from luzhi.core.submit import submit
from luzhi.core.views import signed_in as require_sign_in
from luzhi.registry.forms_records import AchievementReviewForm
from luzhi.registry.forms_records import AlgorithmProductForm
from luzhi.registry.forms_records import DecisionForm
from luzhi.registry.forms_records import PlatformStateForm
from luzhi.registry.models import Achievement
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Platform
from luzhi.registry.services import records as services
from luzhi.registry.specs import KINDS
from luzhi.registry.specs import Kind
from luzhi.registry.views.enterprises import paginate

PER_PAGE = 25
#: The five registries these pages serve (the enterprise pages are views/enterprises.py).

# --------------------------------------------------------------------------- helpers


def _refuse_unlisted(request, registry: Kind) -> None:
    """Talent pages answer 403 to everyone but the plan office, signed in or not."""
    registry.policy.require(request.user, "list")


def _form_kwargs(registry: Kind, user) -> dict:
    return {"user": user} if registry.form is AlgorithmProductForm else {}


def _object(registry: Kind, request, pk: int):
    """The record if this user may see it (else 404: an unapproved record does not exist for them)."""
    qs = registry.model._default_manager.select_related(*registry.related)
    return registry.policy.get_or_404(request.user, "view", qs, pk=pk)


REASON_LABELS = {
    services.REASON_CREATED: gettext_lazy("登记"),
    services.REASON_UPDATED: gettext_lazy("修改"),
    services.REASON_APPROVED: gettext_lazy("审核通过"),
    services.REASON_SUBMITTED: gettext_lazy("提交审核"),
}


def page_history(obj, *, user, show_users: bool | None = None) -> list:
    """The record's history entries for ``core/_history.html``.

    Who changed it and why are shown to signed-in users only; the services' own
    reasons ("created", …) are put in words.
    """
    show = signed_in(user) if show_users is None else show_users
    records = obj.history.select_related("history_user") if show else obj.history.all()
    return record_entries(
        records, user=user, reason_labels=REASON_LABELS, show_users=show, show_reasons=show
    )


# --------------------------------------------------------------------------- pages


def index(request):
    """The registries with their record counts (one count query per registry) and links."""
    user = request.user
    rows = [
        (spec.title, spec.policy.visible(user).count(), reverse(spec.list_url), spec.note)
        for spec in KINDS.values()
        if spec.policy.can(user, "list")
    ]
    return render(request, "registry/record_index.html", {"rows": rows})


def record_list(request, registry: Kind):
    """A registry's list: filters, search (``q``) and pagination, restricted to what the user may see."""
    _refuse_unlisted(request, registry)
    qs = registry.policy.visible(request.user).select_related(*registry.related)
    filterset = registry.filterset(request.GET or None, queryset=qs)
    page = paginate(request, filterset.qs, per_page=PER_PAGE)
    context = {
        "registry": registry,
        "filter": filterset,
        "page_obj": page,
        "may_create": registry.policy.can(request.user, "create"),
        "is_office": registry.policy.can(request.user, "approve"),
    }
    return render(request, f"{registry.template_prefix}_list.html", context)


def record_detail(request, registry: Kind, pk: int):
    """A record with its history (who changed it is shown to signed-in users only)."""
    _refuse_unlisted(request, registry)
    obj = _object(registry, request, pk)
    user = request.user
    context = {
        "registry": registry,
        "object": obj,
        "history": page_history(obj, user=user),
        "show_users": signed_in(user),
        "may_edit": signed_in(user) and registry.policy.can(user, "edit", obj),
        "is_office": registry.policy.can(user, "approve"),
        "state_form": PlatformStateForm() if registry.model is Platform else None,
        "review_form": (
            AchievementReviewForm(
                initial={"original_major": obj.original_major, "reviewed_on": obj.reviewed_on}
            )
            if registry.model is Achievement
            else None
        ),
        "decision_form": DecisionForm() if registry.model is AlgorithmProduct else None,
    }
    return render(request, f"{registry.template_prefix}_detail.html", context)


@require_http_methods(["GET", "POST"])
def record_create(request, registry: Kind):
    """Create a record through the registry's ``<entity>_create`` service."""
    return _record_form(request, registry)


@require_http_methods(["GET", "POST"])
def record_edit(request, registry: Kind, pk: int):
    """Change a record through the registry's ``<entity>_update`` service."""
    return _record_form(request, registry, pk)


def _record_form(request, registry: Kind, pk: int | None = None):
    """The form page of a new record (``pk`` None) or of record ``pk``, saved by its service."""
    if (refused := require_sign_in(request)) is not None:
        return refused
    if pk is None:
        obj = None
        registry.policy.require(
            request.user, "create", message=_("您不能在“%(name)s”中登记。") % {"name": registry.title}
        )
        done = _("已登记:%(name)s。")
    else:
        _refuse_unlisted(request, registry)
        obj = _object(registry, request, pk)
        registry.policy.require(
            request.user, "edit", obj, message=_("您不能修改“%(name)s”。") % {"name": obj}
        )
        done = _("已保存:%(name)s。")
    form = registry.form(
        request.POST if request.method == "POST" else None,
        instance=obj,
        **_form_kwargs(registry, request.user),
    )
    response = submit(
        request,
        form,
        lambda data: registry.save(obj, actor=request.user, reason=data["reason"], **form.values()),
        done=lambda saved: done % {"name": obj or saved},
        then=lambda saved: redirect(registry.detail_url, pk=saved.pk),
    )
    if response:
        return response
    context = {"registry": registry, "form": form, "object": obj}
    return render(request, "registry/record_form.html", context)


def _action_failed(request, registry, obj, exc: ValidationError) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return redirect(registry.detail_url, pk=obj.pk)


def _record_action(request, pk: int, *, kind: str, action: str, form_class, write, invalid=None):
    """A record's POST action: the policy, the record, the form, then the service.

    ``write(obj, data)`` calls the service and returns the success message. A refusal
    (``invalid(form)``'s message for an invalid form, or the service's ValidationError) is
    shown on the record's page; an invalid form without ``invalid`` is a 404.
    """
    registry = KINDS[kind]
    registry.policy.require(request.user, action)
    obj = _object(registry, request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        if invalid is None:
            raise Http404
        return _action_failed(request, registry, obj, ValidationError(invalid(form)))
    try:
        done = write(obj, form.cleaned_data)
    except ValidationError as exc:
        return _action_failed(request, registry, obj, exc)
    messages.success(request, done)
    return redirect(registry.detail_url, pk=obj.pk)


@require_POST
def platform_state(request, pk: int):
    """Move a platform to building / active / revoked, with a reason (plan office)."""

    def write(obj, data):
        services.platform_set_state(
            actor=request.user, platform=obj, state=data["state"], reason=data["reason"]
        )
        return _("平台状态已更新。")

    return _record_action(
        request,
        pk,
        kind="platform",
        action="state",
        form_class=PlatformStateForm,
        write=write,
        invalid=lambda form: _("请选择有效的平台状态。"),
    )


@require_POST
def achievement_review(request, pk: int):
    """Record an expert review of an achievement (plan office)."""

    def write(obj, data):
        services.achievement_review(actor=request.user, achievement=obj, **data)
        return _("专家评审结果已录入。")

    return _record_action(
        request,
        pk,
        kind="achievement",
        action="review",
        form_class=AchievementReviewForm,
        write=write,
        invalid=lambda form: [m for errors in form.errors.values() for m in errors],
    )


@require_POST
def algorithm_decide(request, pk: int):
    """Approve or reject a submitted algorithm product (plan office)."""

    def write(obj, data):
        if data["action"] == "approve":
            services.algorithm_product_approve(
                actor=request.user, product=obj, reason=data["reason"]
            )
            return _("已审核通过:%(name)s。") % {"name": obj}
        services.algorithm_product_reject(actor=request.user, product=obj, reason=data["reason"])
        return _("已驳回:%(name)s。") % {"name": obj}

    return _record_action(
        request, pk, kind="algorithmproduct", action="approve", form_class=DecisionForm, write=write
    )


# --------------------------------------------------------------------------- routes
