"""Enterprise library pages: list, detail, create/edit, review, yearly figures, tier rules and proposals.

Views are thin: parse, authorise through ``registry/permissions.py``, call one
service, render. Services check the same rules again; a ``PermissionDenied``
from a service becomes the 403 page, a ``ValidationError`` becomes form errors
next to the named field (and nothing is saved: services are atomic).

Who may see and do what is the enterprise policy (``registry/permissions.py``);
history is ``core.history`` shown by ``core/_history.html``. :func:`paginate` is
shared with the other registries' pages (records.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.shortcuts import redirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django.views.decorators.http import require_POST

from luzhi.core.history import record_entries
from luzhi.core.page_cache import PageCache
from luzhi.core.submit import attempt
from luzhi.core.submit import submit
from luzhi.core.views import posted
from luzhi.core.views import signed_in
from luzhi.registry import permissions as policies
from luzhi.registry.filters import EnterpriseFilter
from luzhi.registry.forms_enterprises import EnterpriseForm
from luzhi.registry.forms_enterprises import EnterpriseYearForm
from luzhi.registry.forms_enterprises import MemberForm
from luzhi.registry.forms_enterprises import QualificationForm
from luzhi.registry.forms_enterprises import ReviewForm
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseRevision
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import Qualification
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Segment
from luzhi.registry.models import TierProposal
from luzhi.registry.services import revisions
from luzhi.registry.services.changes import SCOPE as REGISTRY
from luzhi.registry.services.enterprises import enterprise_approve
from luzhi.registry.services.enterprises import enterprise_create
from luzhi.registry.services.enterprises import enterprise_member_add
from luzhi.registry.services.enterprises import enterprise_reject
from luzhi.registry.services.enterprises import enterprise_update
from luzhi.registry.services.enterprises import enterprise_year_save
from luzhi.registry.services.enterprises import qualification_add
from luzhi.registry.services.enterprises import qualification_remove

PAGE_SIZE = 25
HISTORY_TYPES = {"+": gettext_lazy("创建"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}
HISTORY_IGNORED = frozenset({"created_at", "updated_at"})
SUMMARY_FIELDS = ("name", "title", "year", "kind")

#: Signed-in users' enterprise list pages, per user and data version (``core.page_cache``):
#: every registry write bumps ``registry`` (``services.changes.registry_changed``); ``plan``
#: is bumped when the reference data (city names) change.
PAGES = PageCache("registry", (REGISTRY, "plan"))


# ------------------------------------------------------------------ shared helpers


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """The requested page (out-of-range or garbage page numbers give the nearest page)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _visible_or_404(request, pk: int) -> Enterprise:
    qs = Enterprise.objects.select_related("city", "incubator")
    return policies.enterprises.get_or_404(request.user, "view", qs, pk=pk)


def _editable(request, pk: int) -> tuple[Enterprise | None, HttpResponse | None]:
    """Load an enterprise the user may edit, or the response refusing it (sign-in, 404, 403)."""
    if (refused := signed_in(request)) is not None:
        return None, refused
    enterprise = _visible_or_404(request, pk)
    policies.enterprises.require(request.user, "edit", enterprise)
    return enterprise, None


# ------------------------------------------------------------------ enterprises


def enterprise_list(request):
    """The enterprise library: filters, search, pagination. The public sees approved records.

    A signed-in user's page is served from the cache until registry data change; a text
    search is not (searches are rarely repeated, and would fill the cache with one-offs)."""
    if request.GET.get("q"):
        return _enterprise_list(request)
    return PAGES.page(request, "enterprise_list", (), lambda: _enterprise_list(request))


def _enterprise_list(request):
    user = request.user
    queryset = (
        policies.enterprises.visible(user)
        .select_related("city")
        .prefetch_related(
            Prefetch("qualifications", queryset=Qualification.objects.order_by("kind"))
        )
        .order_by("name", "pk")
    )
    filterset = EnterpriseFilter(request.GET or None, queryset=queryset)
    shows_status = policies.enterprises.sees_status(user)
    if not shows_status:
        del filterset.form.fields["status"]
    page = paginate(request, filterset.qs)
    # Choice labels looked up once per page, not per row and field (get_FOO_display
    # rebuilds its choices dict on every call: a fifth of the page's time).
    segments = {value: str(label) for value, label in Segment.choices}
    kinds = {value: str(label) for value, label in Qualification.Kind.choices}
    statuses = {value: str(label) for value, label in RecordStatus.choices}
    for row in page.object_list:
        row.segment_label = segments.get(row.segment, row.segment)
        row.status_label = statuses.get(row.status, row.status)
        row.qualification_labels = [kinds.get(q.kind, q.kind) for q in row.qualifications.all()]
    context = {
        "filter": filterset,
        "page_obj": page,
        "shows_status": shows_status,
        "can_create": policies.enterprises.can(user, "create"),
        "pending_count": Enterprise.objects.filter(status=RecordStatus.PENDING).count()
        if policies.enterprises.can(user, "approve")
        else None,
    }
    return render(request, "registry/enterprise_list.html", context)


def enterprise_detail(request, pk: int):
    """One enterprise: record, qualifications, figures (for those allowed), products, history."""
    enterprise = _visible_or_404(request, pk)
    user = request.user
    policy = policies.enterprises
    figures = policy.can(user, "figures", enterprise)
    can_edit = policy.can(user, "edit", enterprise)
    can_approve = policy.can(user, "approve", enterprise)
    office = policy.can(user, "members", enterprise)
    products = policies.algorithm_products.visible(
        user, AlgorithmProduct.objects.filter(provider=enterprise)
    ).order_by("name")
    records = [*enterprise.history.select_related("history_user")]
    records += Qualification.history.filter(enterprise_id=enterprise.pk).select_related(
        "history_user"
    )
    if figures:
        records += EnterpriseYear.history.filter(enterprise_id=enterprise.pk).select_related(
            "history_user"
        )
    revision = revisions.pending_revision(enterprise) if (can_edit or can_approve) else None
    last_decided = (
        enterprise.revisions.exclude(status=RecordStatus.PENDING).order_by("-decided_at").first()
        if can_edit and revision is None
        else None
    )
    context = {
        "enterprise": enterprise,
        "revision": revision,
        "revision_rows": revisions.revision_rows(revision) if revision else [],
        "last_decided": last_decided,
        "qualifications": enterprise.qualifications.order_by("kind", "-granted_on"),
        "years": enterprise.years.order_by("-year") if figures else None,
        "products": products,
        "members": enterprise.members.order_by("username") if office else None,
        "can_edit": can_edit,
        "can_approve": can_approve,
        "history": record_entries(records, user=user, show_users=figures, show_reasons=figures),
        "show_users": figures,
        "qualification_form": QualificationForm(prefix="q") if can_edit else None,
        "member_form": MemberForm() if office else None,
        "review_form": ReviewForm() if can_approve else None,
        "proposals": enterprise.tier_proposals.filter(decision=TierProposal.Decision.PENDING)
        if office
        else None,
    }
    return render(request, "registry/enterprise_detail.html", context)


def _to_detail(enterprise):
    return redirect("registry:enterprise_detail", pk=enterprise.pk)


@require_http_methods(["GET", "POST"])
@login_required
def enterprise_create_view(request):
    """Register an enterprise: the plan office (approved at once) or an enterprise user (pending)."""
    policies.enterprises.require(request.user, "create")
    form = EnterpriseForm(posted(request))

    def done(enterprise) -> str:
        if enterprise.status == RecordStatus.PENDING:
            return _("已提交“%(name)s”,专项办审核通过后公开。") % {"name": enterprise.name}
        return _("已登记“%(name)s”。") % {"name": enterprise.name}

    response = submit(
        request,
        form,
        lambda data: enterprise_create(actor=request.user, **data),
        done=done,
        then=_to_detail,
    )
    if response:
        return response
    return render(request, "registry/enterprise_form.html", {"form": form, "enterprise": None})


@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk: int):
    """Edit an enterprise's record; a member's edit goes back to the plan office for approval."""
    enterprise, refused = _editable(request, pk)
    if refused is not None:
        return refused
    office = policies.enterprises.can(request.user, "approve", enterprise)
    shown = enterprise if office else revisions.proposed(enterprise)
    form = EnterpriseForm(posted(request), initial=EnterpriseForm.initial_for(shown))

    def done(saved) -> str:
        if not office and revisions.pending_revision(saved) is not None:
            text = _("已提交对“%(name)s”的修改,专项办审核通过前,公开页面仍显示已审核的信息。")
        elif saved.status == RecordStatus.PENDING and not office:
            text = _("已保存“%(name)s”,待专项办审核。")
        else:
            text = _("已保存“%(name)s”。")
        return text % {"name": saved.name}

    response = submit(
        request,
        form,
        lambda data: enterprise_update(actor=request.user, enterprise=enterprise, **data),
        done=done,
        then=_to_detail,
    )
    if response:
        return response
    return render(
        request, "registry/enterprise_form.html", {"form": form, "enterprise": enterprise}
    )


@login_required
def _decide(request, pk: int, decide, target=lambda enterprise: enterprise) -> HttpResponse:
    """The plan office's decision (approve or reject, with a comment) on ``target(enterprise)``
    of the enterprise ``pk`` (the enterprise itself by default): ``decide(target, approve,
    comment)`` calls the service and says what was done; a refusal is flashed. Back to the
    enterprise's page either way."""
    policies.enterprises.require(request.user, "approve")
    decided = target(policies.enterprises.get_or_404(request.user, pk=pk))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择“通过”或“驳回”。"))
        return redirect("registry:enterprise_detail", pk=pk)
    approve = form.cleaned_data["action"] == ReviewForm.APPROVE
    attempt(
        request,
        lambda: decide(decided, approve, form.cleaned_data["comment"]),
        done=lambda text: text,
    )
    return redirect("registry:enterprise_detail", pk=pk)


@require_POST
def enterprise_approve_view(request, pk: int):
    """Approve or reject (with a reason) a pending enterprise (plan office)."""

    def decide(enterprise, approve: bool, comment: str) -> str:
        if approve:
            enterprise = enterprise_approve(actor=request.user, enterprise=enterprise, comment=comment)
            return _("已审核通过“%s”。") % enterprise.name
        enterprise = enterprise_reject(actor=request.user, enterprise=enterprise, comment=comment)
        return _("已驳回“%s”。") % enterprise.name

    return _decide(request, pk, decide)


@require_http_methods(["GET", "POST"])
def enterprise_year_edit(request, pk: int):
    """Enter or correct one year's figures (``?year=`` picks an existing year to correct)."""
    enterprise, refused = _editable(request, pk)
    if refused is not None:
        return refused
    years = list(enterprise.years.order_by("-year"))
    initial = {}
    if request.method == "GET" and (wanted := request.GET.get("year", "")).isdigit():
        row = next((y for y in years if y.year == int(wanted)), None)
        if row is not None:
            initial = {
                "year": row.year,
                "revenue": row.revenue,
                "ai_core_revenue": row.ai_core_revenue,
                "rd_spend": row.rd_spend,
                "employees": row.employees,
            }
    form = EnterpriseYearForm(posted(request), initial=initial)
    response = submit(
        request,
        form,
        lambda data: enterprise_year_save(actor=request.user, enterprise=enterprise, **data),
        done=lambda row: (
            _("已保存“%(name)s” %(year)s 年度数据。") % {"name": enterprise.name, "year": row.year}
        ),
        then=lambda row: _to_detail(enterprise),
    )
    if response:
        return response
    context = {"enterprise": enterprise, "form": form, "years": years}
    return render(request, "registry/enterprise_year_form.html", context)


def _post_from_detail(request, enterprise, form, write, *, done, refused) -> HttpResponse:
    """A form posted from the enterprise's page, written through ``core.submit``: what was
    done, or the form's errors (``refused(form)``), flashed; back to the page either way."""
    if submit(request, form, write, done=done, then=lambda result: _to_detail(enterprise)) is None:
        messages.error(request, refused(form))
    return _to_detail(enterprise)


@require_POST
def qualification_add_view(request, pk: int):
    """Add a qualification from the detail page (errors are shown there, nothing saved)."""
    enterprise, refused = _editable(request, pk)
    if refused is not None:
        return refused

    def errors(form) -> str:
        return _("资质未保存:%s") % ";".join(
            f"{form.fields[key].label}:{' '.join(texts)}" if key in form.fields else " ".join(texts)
            for key, texts in form.errors.items()
        )

    return _post_from_detail(
        request,
        enterprise,
        QualificationForm(request.POST, prefix="q"),
        lambda data: qualification_add(actor=request.user, enterprise=enterprise, **data),
        done=_("已登记资质。"),
        refused=errors,
    )


@require_POST
def qualification_remove_view(request, pk: int, qualification_pk: int):
    """Remove a qualification (an editor of the enterprise)."""
    enterprise, refused = _editable(request, pk)
    if refused is not None:
        return refused
    qualification = policies.qualifications.get_or_404(
        request.user, pk=qualification_pk, enterprise=enterprise
    )
    qualification_remove(
        actor=request.user, qualification=qualification, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("已删除资质“%s”。") % qualification.get_kind_display())
    return redirect("registry:enterprise_detail", pk=enterprise.pk)


@require_POST
@login_required
def enterprise_member_add_view(request, pk: int):
    """Bind an enterprise user to the enterprise (plan office)."""
    policies.enterprises.require(request.user, "members")
    enterprise = policies.enterprises.get_or_404(request.user, pk=pk)
    form = MemberForm(request.POST)
    return _post_from_detail(
        request,
        enterprise,
        form,
        lambda data: enterprise_member_add(actor=request.user, enterprise=enterprise, user=data["user"]),
        done=lambda result: _("已绑定企业用户“%s”。") % form.cleaned_data["username"],
        refused=lambda form: " ".join(m for ms in form.errors.values() for m in ms),
    )


@require_POST
def enterprise_revision_decide(request, pk: int, revision_pk: int):
    """Approve (apply to the public record) or reject a pending change (plan office)."""

    def revision(enterprise):
        return get_object_or_404(
            EnterpriseRevision.objects.select_related("enterprise"), pk=revision_pk, enterprise=enterprise
        )

    def decide(revision, approve: bool, comment: str) -> str:
        name = revision.enterprise.name
        if approve:
            revisions.revision_approve(actor=request.user, revision=revision, comment=comment)
            return _("已通过“%s”的信息变更。") % name
        revisions.revision_reject(actor=request.user, revision=revision, comment=comment)
        return _("已驳回“%s”的信息变更。") % name

    return _decide(request, pk, decide, revision)


@login_required
def my_enterprises(request):
    """我的企业: an enterprise user's enterprises, their figures, products and changes under review."""
    user = request.user
    enterprises = list(
        Enterprise.objects.filter(pk__in=policies.own_enterprise_ids(user))
        .select_related("city")
        .prefetch_related(
            Prefetch("years", queryset=EnterpriseYear.objects.order_by("-year")),
            Prefetch("algorithm_products", queryset=AlgorithmProduct.objects.order_by("name")),
            Prefetch("qualifications", queryset=Qualification.objects.order_by("kind")),
            Prefetch(
                "revisions",
                queryset=EnterpriseRevision.objects.order_by("-created_at"),
                to_attr="revision_list",
            ),
        )
        .order_by("name")
    )
    for enterprise in enterprises:
        enterprise.pending_revision = next(
            (r for r in enterprise.revision_list if r.status == RecordStatus.PENDING), None
        )
        enterprise.pending_rows = (
            revisions.revision_rows(enterprise.pending_revision)
            if enterprise.pending_revision
            else []
        )
        enterprise.last_decided = next(
            (r for r in enterprise.revision_list if r.status != RecordStatus.PENDING), None
        )
        enterprise.latest_year = next(iter(enterprise.years.all()), None)
    context = {
        "enterprises": enterprises,
        "can_create": policies.enterprises.can(user, "create"),
        "can_add_product": policies.algorithm_products.can(user, "create"),
    }
    return render(request, "registry/my_enterprises.html", context)
