"""Registry pages for platforms, talent, projects, achievements and algorithm products.

One shape for the five registries (the NetBox way): a list with filters,
search and pagination; a detail page with the record's history; create and
edit forms; and the registry's own actions (a platform's state, an
achievement's expert review, an algorithm product's approval), all POST.

Views are thin: parse → authorise through ``registry/permissions.py`` → one
service or read → render. The services check the same rules again, so a
``PermissionDenied`` from a service becomes a 403 page and a
``ValidationError`` becomes errors next to the named field; a refused write
saves nothing.

Who sees what: the public and reporters see approved records; the plan office
sees everything; an enterprise user also sees their own enterprises' algorithm
products whatever their status. Talent (personal data) is the plan office's
only: everyone else gets a 403, and talent appears in no public listing.
The reads that depend on the user are the ``visible_*`` selectors below.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from luzhi.core.views import forbidden, signed_in
from luzhi.indicators.forms import add_service_errors
from luzhi.registry import filters as registry_filters
from luzhi.registry.forms_records import (
    AchievementForm,
    AchievementReviewForm,
    AlgorithmProductForm,
    DecisionForm,
    PlatformForm,
    PlatformStateForm,
    ProjectForm,
    TalentForm,
)
from luzhi.registry.models import (
    Achievement,
    AlgorithmProduct,
    Enterprise,
    Platform,
    Project,
    RecordStatus,
    Talent,
)
from luzhi.registry.permissions import (
    can_approve,
    can_edit_enterprise,
    can_edit_records,
    can_view_registry,
    sees_unapproved,
)
from luzhi.registry.services import records as services
from luzhi.registry.views.enterprises import paginate, record_history, visible_enterprises

PER_PAGE = 25

# --------------------------------------------------------------------------- selectors


def visible_platforms(*, user) -> QuerySet[Platform]:
    """Approved platforms; the plan office also sees pending and rejected ones."""
    qs = Platform.objects.all()
    return qs if sees_unapproved(user) else qs.filter(status=RecordStatus.APPROVED)


def visible_talent(*, user) -> QuerySet[Talent]:
    """Talent is personal data: the plan office only, nobody else sees a single row."""
    return Talent.objects.all() if can_view_registry(user, "talent") else Talent.objects.none()


def visible_projects(*, user) -> QuerySet[Project]:
    """Research projects are public records (no review state)."""
    return Project.objects.all()


def visible_achievements(*, user) -> QuerySet[Achievement]:
    """Achievements are public records (no review state)."""
    return Achievement.objects.all()


def visible_algorithm_products(*, user) -> QuerySet[AlgorithmProduct]:
    """Approved products; the plan office sees all; members also see their enterprises' own."""
    qs = AlgorithmProduct.objects.all()
    if sees_unapproved(user):
        return qs
    approved = Q(status=RecordStatus.APPROVED)
    if user and user.is_authenticated and user.is_enterprise_user:
        own = Enterprise.objects.filter(members=user).values("pk")
        return qs.filter(approved | Q(provider__in=own))
    return qs.filter(approved)


# --------------------------------------------------------------------------- registry specs


def _office_may_create(user) -> bool:
    return can_edit_records(user)


def _may_create_product(user) -> bool:
    """The plan office, or an enterprise user who belongs to at least one enterprise."""
    if can_approve(user):
        return True
    return bool(
        user
        and user.is_authenticated
        and user.is_enterprise_user
        and Enterprise.objects.filter(members=user).exists()
    )


@dataclass(frozen=True)
class Registry:
    """How one registry's pages are built: its model, reads, form, services and templates."""

    key: str  # URL name prefix and template prefix
    model: type[Model]
    title: object
    visible: Callable
    filterset: str  # class name in registry/filters.py
    form: type
    create: Callable
    update: Callable
    instance_kwarg: str
    related: tuple[str, ...] = ("city",)
    may_create: Callable = _office_may_create
    may_edit: Callable = field(default=lambda user, obj: can_edit_records(user))
    office_only: bool = False

    @property
    def name(self) -> str:
        return self.model._meta.model_name

    # URL names for the templates' {% url %} tags.
    list_url = property(lambda self: f"registry:{self.key}_list")
    create_url = property(lambda self: f"registry:{self.key}_create")
    detail_url = property(lambda self: f"registry:{self.key}_detail")
    edit_url = property(lambda self: f"registry:{self.key}_edit")


REGISTRIES = {
    "platform": Registry(
        key="platform",
        model=Platform,
        title=gettext_lazy("创新平台"),
        visible=visible_platforms,
        filterset="PlatformFilter",
        form=PlatformForm,
        create=services.platform_create,
        update=services.platform_update,
        instance_kwarg="platform",
    ),
    "talent": Registry(
        key="talent",
        model=Talent,
        title=gettext_lazy("人才"),
        visible=visible_talent,
        filterset="TalentFilter",
        form=TalentForm,
        create=services.talent_create,
        update=services.talent_update,
        instance_kwarg="talent",
        office_only=True,
    ),
    "project": Registry(
        key="project",
        model=Project,
        title=gettext_lazy("科研项目"),
        visible=visible_projects,
        filterset="ProjectFilter",
        form=ProjectForm,
        create=services.project_create,
        update=services.project_update,
        instance_kwarg="project",
    ),
    "achievement": Registry(
        key="achievement",
        model=Achievement,
        title=gettext_lazy("科技成果"),
        visible=visible_achievements,
        filterset="AchievementFilter",
        form=AchievementForm,
        create=services.achievement_create,
        update=services.achievement_update,
        instance_kwarg="achievement",
    ),
    "algorithm": Registry(
        key="algorithm",
        model=AlgorithmProduct,
        title=gettext_lazy("算法产品"),
        visible=visible_algorithm_products,
        filterset="AlgorithmProductFilter",
        form=AlgorithmProductForm,
        create=services.algorithm_product_create,
        update=services.algorithm_product_update,
        instance_kwarg="product",
        related=("provider",),
        may_create=_may_create_product,
        may_edit=lambda user, obj: can_edit_enterprise(user, obj.provider),
    ),
}


# --------------------------------------------------------------------------- helpers


def _refuse_talent(request, registry: Registry) -> HttpResponse | None:
    """Talent pages answer 403 to everyone but the plan office, signed in or not."""
    if registry.office_only and not can_view_registry(request.user, registry.name):
        return forbidden(request, _("人才库含个人信息,仅对专项办开放。"))
    return None


def _form_kwargs(registry: Registry, user) -> dict:
    return {"user": user} if registry.form is AlgorithmProductForm else {}


def _object(registry: Registry, request, pk: int):
    """The record if this user may see it (else 404: an unapproved record does not exist for them)."""
    qs = registry.visible(user=request.user).select_related(*registry.related)
    return get_object_or_404(qs, pk=pk)


REASON_LABELS = {
    services.REASON_CREATED: gettext_lazy("登记"),
    services.REASON_UPDATED: gettext_lazy("修改"),
    services.REASON_APPROVED: gettext_lazy("审核通过"),
    services.REASON_SUBMITTED: gettext_lazy("提交审核"),
}


def page_history(obj, *, show_users: bool) -> list[dict]:
    """The record's history rows for ``_record_history.html`` (the enterprise pages' helper).

    Who changed it and why are shown to signed-in users only; the services' own
    reasons ("created", …) are put in words.
    """
    records = obj.history.select_related("history_user") if show_users else obj.history.all()
    rows = record_history(records, show_users=show_users)
    for row in rows:
        if row["reason"] in REASON_LABELS:
            row["reason"] = str(REASON_LABELS[row["reason"]])
    return rows


# --------------------------------------------------------------------------- pages


def index(request):
    """The registries with their record counts (one count query per registry) and links."""
    user = request.user
    rows = []
    enterprise_url = _maybe_reverse("registry:enterprise_list")
    if enterprise_url:
        enterprises = visible_enterprises(user)
        rows.append(
            (_("企业"), enterprises.count(), enterprise_url, _("企业库:产业环节、资质与梯度"))
        )
    notes = {
        "platform": _("实验室、技术创新中心、孵化器、产业园区等"),
        "talent": _("国家级、省级人才(仅专项办可见)"),
        "project": _("基础研究、重点研发等科研项目"),
        "achievement": _("专利、标准、论文等科技成果"),
        "algorithm": _("企业提供的算法产品"),
    }
    for registry in REGISTRIES.values():
        if registry.office_only and not can_view_registry(user, registry.name):
            continue
        rows.append(
            (
                registry.title,
                registry.visible(user=user).count(),
                reverse(f"registry:{registry.key}_list"),
                notes[registry.key],
            )
        )
    return render(request, "registry/record_index.html", {"rows": rows})


def _maybe_reverse(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:  # the enterprise pages are mounted by their own module
        return ""


def record_list(request, registry: Registry):
    """A registry's list: filters, search (``q``) and pagination, restricted to what the user may see."""
    if (refused := _refuse_talent(request, registry)) is not None:
        return refused
    qs = registry.visible(user=request.user).select_related(*registry.related)
    filterset = getattr(registry_filters, registry.filterset)(request.GET or None, queryset=qs)
    page = paginate(request, filterset.qs, per_page=PER_PAGE)
    context = {
        "registry": registry,
        "filter": filterset,
        "page_obj": page,
        "may_create": registry.may_create(request.user),
        "is_office": can_approve(request.user),
    }
    return render(request, f"registry/{registry.key}_list.html", context)


def record_detail(request, registry: Registry, pk: int):
    """A record with its history (who changed it is shown to signed-in users only)."""
    if (refused := _refuse_talent(request, registry)) is not None:
        return refused
    obj = _object(registry, request, pk)
    show_users = request.user.is_authenticated
    context = {
        "registry": registry,
        "object": obj,
        "history": page_history(obj, show_users=show_users),
        "show_users": show_users,
        "may_edit": request.user.is_authenticated and registry.may_edit(request.user, obj),
        "is_office": can_approve(request.user),
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
    return render(request, f"registry/{registry.key}_detail.html", context)


@require_http_methods(["GET", "POST"])
def record_create(request, registry: Registry):
    """Create a record through the registry's ``<entity>_create`` service."""
    if (refused := signed_in(request)) is not None:
        return refused
    if not registry.may_create(request.user):
        return forbidden(request, _("您不能在“%(name)s”中登记。") % {"name": registry.title})
    form = registry.form(
        request.POST if request.method == "POST" else None, **_form_kwargs(registry, request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            obj = registry.create(
                actor=request.user, reason=form.cleaned_data["reason"], **form.values()
            )
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记:%(name)s。") % {"name": obj})
            return redirect(f"registry:{registry.key}_detail", pk=obj.pk)
    context = {"registry": registry, "form": form, "object": None}
    return render(request, "registry/record_form.html", context)


@require_http_methods(["GET", "POST"])
def record_edit(request, registry: Registry, pk: int):
    """Change a record through the registry's ``<entity>_update`` service."""
    if (refused := signed_in(request)) is not None:
        return refused
    if (refused := _refuse_talent(request, registry)) is not None:
        return refused
    obj = _object(registry, request, pk)
    if not registry.may_edit(request.user, obj):
        return forbidden(request, _("您不能修改“%(name)s”。") % {"name": obj})
    form = registry.form(
        request.POST if request.method == "POST" else None,
        instance=obj,
        **_form_kwargs(registry, request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            registry.update(
                actor=request.user,
                reason=form.cleaned_data["reason"],
                **{registry.instance_kwarg: obj},
                **form.values(),
            )
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存:%(name)s。") % {"name": obj})
            return redirect(f"registry:{registry.key}_detail", pk=obj.pk)
    context = {"registry": registry, "form": form, "object": obj}
    return render(request, "registry/record_form.html", context)


def _action_failed(request, registry, obj, exc: ValidationError) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return redirect(f"registry:{registry.key}_detail", pk=obj.pk)


@require_POST
def platform_state(request, pk: int):
    """Move a platform to building / active / revoked, with a reason (plan office)."""
    registry = REGISTRIES["platform"]
    if not can_edit_records(request.user):
        return forbidden(request, _("只有专项办可以变更平台状态。"))
    obj = _object(registry, request, pk)
    form = PlatformStateForm(request.POST)
    if not form.is_valid():
        return _action_failed(request, registry, obj, ValidationError(_("请选择有效的平台状态。")))
    try:
        services.platform_set_state(
            actor=request.user,
            platform=obj,
            state=form.cleaned_data["state"],
            reason=form.cleaned_data["reason"],
        )
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    except ValidationError as exc:
        return _action_failed(request, registry, obj, exc)
    messages.success(request, _("平台状态已更新。"))
    return redirect("registry:platform_detail", pk=obj.pk)


@require_POST
def achievement_review(request, pk: int):
    """Record an expert review of an achievement (plan office)."""
    registry = REGISTRIES["achievement"]
    if not can_approve(request.user):
        return forbidden(request, _("只有专项办可以录入专家评审结果。"))
    obj = _object(registry, request, pk)
    form = AchievementReviewForm(request.POST)
    if not form.is_valid():
        errors = [m for field_errors in form.errors.values() for m in field_errors]
        return _action_failed(request, registry, obj, ValidationError(errors))
    try:
        services.achievement_review(actor=request.user, achievement=obj, **form.cleaned_data)
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    except ValidationError as exc:
        return _action_failed(request, registry, obj, exc)
    messages.success(request, _("专家评审结果已录入。"))
    return redirect("registry:achievement_detail", pk=obj.pk)


@require_POST
def algorithm_decide(request, pk: int):
    """Approve or reject a submitted algorithm product (plan office)."""
    registry = REGISTRIES["algorithm"]
    if not can_approve(request.user):
        return forbidden(request, _("只有专项办可以审核算法产品。"))
    obj = _object(registry, request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        if form.cleaned_data["action"] == "approve":
            services.algorithm_product_approve(
                actor=request.user, product=obj, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("已审核通过:%(name)s。") % {"name": obj})
        else:
            services.algorithm_product_reject(
                actor=request.user, product=obj, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("已驳回:%(name)s。") % {"name": obj})
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    except ValidationError as exc:
        return _action_failed(request, registry, obj, exc)
    return redirect("registry:algorithm_detail", pk=obj.pk)


# --------------------------------------------------------------------------- routes


def _routes(prefix: str, registry: Registry) -> list:
    key = registry.key
    return [
        path(f"{prefix}/", record_list, {"registry": registry}, name=f"{key}_list"),
        path(f"{prefix}/new/", record_create, {"registry": registry}, name=f"{key}_create"),
        path(f"{prefix}/<int:pk>/", record_detail, {"registry": registry}, name=f"{key}_detail"),
        path(f"{prefix}/<int:pk>/edit/", record_edit, {"registry": registry}, name=f"{key}_edit"),
    ]


urlpatterns = [
    path("", index, name="index"),
    *_routes("platforms", REGISTRIES["platform"]),
    path("platforms/<int:pk>/state/", platform_state, name="platform_state"),
    *_routes("talent", REGISTRIES["talent"]),
    *_routes("projects", REGISTRIES["project"]),
    *_routes("achievements", REGISTRIES["achievement"]),
    path("achievements/<int:pk>/review/", achievement_review, name="achievement_review"),
    *_routes("algorithms", REGISTRIES["algorithm"]),
    path("algorithms/<int:pk>/decide/", algorithm_decide, name="algorithm_decide"),
]
