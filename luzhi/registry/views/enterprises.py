"""Enterprise library pages: list, detail, create/edit, review, yearly figures, tier rules and proposals.

Views are thin: parse, authorise through ``registry/permissions.py``, call one
service, render. Services check the same rules again; a ``PermissionDenied``
from a service becomes the 403 page, a ``ValidationError`` becomes form errors
next to the named field (and nothing is saved: services are atomic).

Two helpers here are shared with the other registries' pages (records.py):
:func:`paginate` and :func:`record_history` (for ``registry/_record_history.html``).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import ForeignKey, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from luzhi.core.permissions import is_plan_office
from luzhi.core.views import forbidden, plan_office_only, posted, signed_in
from luzhi.indicators.forms import add_service_errors
from luzhi.registry.filters import EnterpriseFilter
from luzhi.registry.forms_enterprises import (
    DecisionForm,
    EnterpriseForm,
    EnterpriseYearForm,
    MemberForm,
    QualificationForm,
    ReviewForm,
    TierRuleForm,
)
from luzhi.registry.models import (
    AlgorithmProduct,
    Enterprise,
    EnterpriseYear,
    Qualification,
    RecordStatus,
    TierProposal,
    TierRule,
)
from luzhi.registry.permissions import (
    can_approve,
    can_create_enterprise,
    can_edit_enterprise,
    can_view_figures,
    sees_unapproved,
)
from luzhi.registry.services.enterprises import (
    enterprise_approve,
    enterprise_create,
    enterprise_member_add,
    enterprise_reject,
    enterprise_update,
    enterprise_year_save,
    qualification_add,
    qualification_remove,
    tier_proposal_decide,
    tier_proposals_generate,
    tier_rule_save,
)

PAGE_SIZE = 25
HISTORY_TYPES = {"+": gettext_lazy("创建"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}
HISTORY_IGNORED = frozenset({"created_at", "updated_at"})
SUMMARY_FIELDS = ("name", "title", "year", "kind")


# ------------------------------------------------------------------ shared helpers


def visible_enterprises(user):
    """Enterprises ``user`` may see: approved ones; the plan office all; members their own too."""
    queryset = Enterprise.objects.all()
    if sees_unapproved(user):
        return queryset
    if user.is_authenticated and user.is_enterprise_user:
        return queryset.filter(Q(status=RecordStatus.APPROVED) | Q(members=user)).distinct()
    return queryset.filter(status=RecordStatus.APPROVED)


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """The requested page (out-of-range or garbage page numbers give the nearest page)."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def _display(field, value, related: dict):
    if value is None or value == "":
        return None
    if isinstance(field, ForeignKey):
        return related.get((field.related_model, value), value)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return value


def record_history(records, *, show_users: bool, hidden_fields=frozenset()) -> list[dict]:
    """Simple-history records (of one or several objects) as rows for ``_record_history.html``.

    Each row: ``date``, ``type`` (+ ~ -), ``type_label``, ``what`` (the model's
    name), ``summary``, ``user`` and ``reason`` (None unless ``show_users``) and
    ``changes`` as ``(field label, before, after)`` against the previous record of
    the same object. Newest first.
    """
    records = sorted(records, key=lambda r: (r.history_date, r.history_id))
    if not records:
        return []
    # Foreign keys are shown by name: one query per related model, not per row.
    wanted: dict = {}
    for record in records:
        for field in record.instance_type._meta.concrete_fields:
            if isinstance(field, ForeignKey) and field.name not in hidden_fields:
                value = getattr(record, field.attname, None)
                if value is not None:
                    wanted.setdefault(field.related_model, set()).add(value)
    related = {}
    for model, ids in wanted.items():
        if model._meta.model_name in ("enterprise", "user"):
            continue  # the record's own enterprise / users: not worth a lookup
        for obj in model._default_manager.filter(pk__in=ids):
            related[(model, obj.pk)] = str(obj)
    rows, previous = [], {}
    for record in records:
        opts = record.instance_type._meta
        key = (opts.label, getattr(record, opts.pk.attname))
        changes = []
        before = previous.get(key)
        if before is not None and record.history_type == "~":
            delta = record.diff_against(
                before, excluded_fields=HISTORY_IGNORED | set(hidden_fields)
            )
            for change in delta.changes:
                field = opts.get_field(change.field)
                changes.append(
                    (
                        str(field.verbose_name),
                        _display(field, change.old, related),
                        _display(field, change.new, related),
                    )
                )
        summary = ""
        for name in SUMMARY_FIELDS:
            if hasattr(record, name):
                field = opts.get_field(name)
                summary = str(_display(field, getattr(record, name), related) or "")
                break
        rows.append(
            {
                "date": record.history_date,
                "type": record.history_type,
                "type_label": HISTORY_TYPES.get(record.history_type, record.history_type),
                "what": str(opts.verbose_name),
                "summary": summary,
                "user": (record.history_user or _("系统")) if show_users else None,
                "reason": (record.history_change_reason or "") if show_users else None,
                "changes": changes,
            }
        )
        previous[key] = record
    rows.reverse()
    return rows


def _visible_or_404(request, pk: int) -> Enterprise:
    return get_object_or_404(
        visible_enterprises(request.user).select_related("city", "incubator"), pk=pk
    )


def _editable(request, pk: int) -> tuple[Enterprise | None, HttpResponse | None]:
    """Load an enterprise the user may edit, or the response refusing it (sign-in, 404, 403)."""
    if (refused := signed_in(request)) is not None:
        return None, refused
    enterprise = _visible_or_404(request, pk)
    if not can_edit_enterprise(request.user, enterprise):
        return None, forbidden(
            request,
            _("只有专项办和“%(name)s”的企业用户可以修改该企业。") % {"name": enterprise.name},
        )
    return enterprise, None


# ------------------------------------------------------------------ enterprises


def enterprise_list(request):
    """The enterprise library: filters, search, pagination. The public sees approved records."""
    user = request.user
    queryset = (
        visible_enterprises(user)
        .select_related("city")
        .prefetch_related(
            Prefetch("qualifications", queryset=Qualification.objects.order_by("kind"))
        )
        .order_by("name", "pk")
    )
    filterset = EnterpriseFilter(request.GET or None, queryset=queryset)
    shows_status = sees_unapproved(user) or (user.is_authenticated and user.is_enterprise_user)
    if not shows_status:
        del filterset.form.fields["status"]
    page = paginate(request, filterset.qs)
    context = {
        "filter": filterset,
        "page_obj": page,
        "shows_status": shows_status,
        "can_create": can_create_enterprise(user),
        "pending_count": Enterprise.objects.filter(status=RecordStatus.PENDING).count()
        if can_approve(user)
        else None,
    }
    return render(request, "registry/enterprise_list.html", context)


def enterprise_detail(request, pk: int):
    """One enterprise: record, qualifications, figures (for those allowed), products, history."""
    enterprise = _visible_or_404(request, pk)
    user = request.user
    figures = can_view_figures(user, enterprise)
    can_edit = can_edit_enterprise(user, enterprise)
    products = AlgorithmProduct.objects.filter(provider=enterprise).order_by("name")
    if not (can_edit or sees_unapproved(user)):
        products = products.filter(status=RecordStatus.APPROVED)
    records = [*enterprise.history.select_related("history_user")]
    records += Qualification.history.filter(enterprise_id=enterprise.pk).select_related(
        "history_user"
    )
    if figures:
        records += EnterpriseYear.history.filter(enterprise_id=enterprise.pk).select_related(
            "history_user"
        )
    context = {
        "enterprise": enterprise,
        "qualifications": enterprise.qualifications.order_by("kind", "-granted_on"),
        "years": enterprise.years.order_by("-year") if figures else None,
        "products": products,
        "members": enterprise.members.order_by("username") if is_plan_office(user) else None,
        "can_edit": can_edit,
        "can_approve": can_approve(user),
        "history": record_history(records, show_users=figures),
        "show_users": figures,
        "qualification_form": QualificationForm(prefix="q") if can_edit else None,
        "member_form": MemberForm() if is_plan_office(user) else None,
        "review_form": ReviewForm() if can_approve(user) else None,
        "proposals": enterprise.tier_proposals.filter(decision=TierProposal.Decision.PENDING)
        if is_plan_office(user)
        else None,
    }
    return render(request, "registry/enterprise_detail.html", context)


@require_http_methods(["GET", "POST"])
def enterprise_create_view(request):
    """Register an enterprise: the plan office (approved at once) or an enterprise user (pending)."""
    if (refused := signed_in(request)) is not None:
        return refused
    if not can_create_enterprise(request.user):
        return forbidden(request, _("只有专项办和企业用户可以登记企业。"))
    form = EnterpriseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_create(actor=request.user, **form.cleaned_data)
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if enterprise.status == RecordStatus.PENDING:
                text = _("已提交“%(name)s”,专项办审核通过后公开。")
            else:
                text = _("已登记“%(name)s”。")
            messages.success(request, text % {"name": enterprise.name})
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(request, "registry/enterprise_form.html", {"form": form, "enterprise": None})


@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk: int):
    """Edit an enterprise's record; a member's edit goes back to the plan office for approval."""
    enterprise, refused = _editable(request, pk)
    if refused is not None:
        return refused
    form = EnterpriseForm(posted(request), initial=EnterpriseForm.initial_for(enterprise))
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_update(
                actor=request.user, enterprise=enterprise, **form.cleaned_data
            )
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if enterprise.status == RecordStatus.PENDING and not is_plan_office(request.user):
                text = _("已保存“%(name)s”,待专项办审核。")
            else:
                text = _("已保存“%(name)s”。")
            messages.success(request, text % {"name": enterprise.name})
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(
        request, "registry/enterprise_form.html", {"form": form, "enterprise": enterprise}
    )


@require_POST
def enterprise_approve_view(request, pk: int):
    """Approve or reject (with a reason) a pending enterprise (plan office)."""
    if (refused := plan_office_only(request, _("只有专项办可以审核企业。"))) is not None:
        return refused
    enterprise = get_object_or_404(Enterprise, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择“通过”或“驳回”。"))
        return redirect("registry:enterprise_detail", pk=pk)
    comment = form.cleaned_data["comment"]
    try:
        if form.cleaned_data["action"] == ReviewForm.APPROVE:
            enterprise = enterprise_approve(
                actor=request.user, enterprise=enterprise, comment=comment
            )
            messages.success(request, _("已审核通过“%s”。") % enterprise.name)
        else:
            enterprise = enterprise_reject(
                actor=request.user, enterprise=enterprise, comment=comment
            )
            messages.success(request, _("已驳回“%s”。") % enterprise.name)
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("registry:enterprise_detail", pk=pk)


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
    if request.method == "POST" and form.is_valid():
        try:
            row = enterprise_year_save(
                actor=request.user, enterprise=enterprise, **form.cleaned_data
            )
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已保存“%(name)s” %(year)s 年度数据。")
                % {"name": enterprise.name, "year": row.year},
            )
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    context = {"enterprise": enterprise, "form": form, "years": years}
    return render(request, "registry/enterprise_year_form.html", context)


@require_POST
def qualification_add_view(request, pk: int):
    """Add a qualification from the detail page (errors are shown there, nothing saved)."""
    enterprise, refused = _editable(request, pk)
    if refused is not None:
        return refused
    form = QualificationForm(request.POST, prefix="q")
    if form.is_valid():
        try:
            qualification_add(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
    if form.errors:
        errors = [
            f"{form.fields[key].label}:{' '.join(texts)}" if key in form.fields else " ".join(texts)
            for key, texts in form.errors.items()
        ]
        messages.error(request, _("资质未保存:%s") % ";".join(errors))
    else:
        messages.success(request, _("已登记资质。"))
    return redirect("registry:enterprise_detail", pk=enterprise.pk)


@require_POST
def qualification_remove_view(request, pk: int, qualification_pk: int):
    """Remove a qualification (an editor of the enterprise)."""
    enterprise, refused = _editable(request, pk)
    if refused is not None:
        return refused
    qualification = get_object_or_404(Qualification, pk=qualification_pk, enterprise=enterprise)
    try:
        qualification_remove(
            actor=request.user, qualification=qualification, reason=request.POST.get("reason", "")
        )
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    messages.success(request, _("已删除资质“%s”。") % qualification.get_kind_display())
    return redirect("registry:enterprise_detail", pk=enterprise.pk)


@require_POST
def enterprise_member_add_view(request, pk: int):
    """Bind an enterprise user to the enterprise (plan office)."""
    if (refused := plan_office_only(request, _("只有专项办可以绑定企业用户。"))) is not None:
        return refused
    enterprise = get_object_or_404(Enterprise, pk=pk)
    form = MemberForm(request.POST)
    if form.is_valid():
        try:
            enterprise_member_add(
                actor=request.user, enterprise=enterprise, user=form.cleaned_data["user"]
            )
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
    if form.errors:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    else:
        messages.success(request, _("已绑定企业用户“%s”。") % form.cleaned_data["username"])
    return redirect("registry:enterprise_detail", pk=enterprise.pk)


# ------------------------------------------------------------------ tiers


def tier_rules(request):
    """The tier rules (plan office): what each proposes and on which conditions."""
    if (refused := plan_office_only(request, _("只有专项办可以管理梯度认定规则。"))) is not None:
        return refused
    rules = list(TierRule.objects.all())
    for rule in rules:
        rule.condition_rows = _condition_rows(rule.conditions)
    context = {
        "rules": rules,
        "pending_count": TierProposal.objects.filter(
            decision=TierProposal.Decision.PENDING
        ).count(),
    }
    return render(request, "registry/tier_rules.html", context)


def _condition_rows(conditions: dict) -> list[str]:
    form = TierRuleForm()
    labels = {name: str(field.label) for name, field in form.fields.items()}
    rows = []
    for key, value in (conditions or {}).items():
        if key == "min_rd_ratio":
            rows.append(f"{labels['min_rd_pct']} {round(value * 100, 2):g}")
        elif key in ("segments", "requires"):
            choices = dict(form.fields[key].choices)
            rows.append(f"{labels[key]}:{'、'.join(str(choices.get(v, v)) for v in value)}")
        elif key == "hard_tech":
            rows.append(str(labels[key]) + (_(":须已入库") if value else _(":须未入库")))
        else:
            rows.append(f"{labels.get(key, key)} {value}")
    return rows


@require_http_methods(["GET", "POST"])
def tier_rule_edit(request, pk: int | None = None):
    """Create (no ``pk``) or edit a tier rule (plan office)."""
    if (refused := plan_office_only(request, _("只有专项办可以管理梯度认定规则。"))) is not None:
        return refused
    rule = get_object_or_404(TierRule, pk=pk) if pk else None
    form = TierRuleForm(posted(request), initial=TierRuleForm.initial_for(rule) if rule else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule = tier_rule_save(
                actor=request.user,
                rule=rule,
                kind=data["kind"],
                name=data["name"],
                active=data["active"],
                conditions=form.conditions(),
            )
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存规则“%s”。") % rule.name)
            return redirect("registry:tier_rules")
    history = (
        record_history(rule.history.select_related("history_user"), show_users=True) if rule else []
    )
    return render(
        request, "registry/tier_rule_form.html", {"form": form, "rule": rule, "history": history}
    )


def tier_proposals(request):
    """Proposed tier changes (plan office): pending ones to accept or reject, and decided ones."""
    if (refused := plan_office_only(request, _("只有专项办可以查看梯度调整建议。"))) is not None:
        return refused
    decision = request.GET.get("decision", TierProposal.Decision.PENDING)
    if decision not in TierProposal.Decision.values:
        decision = TierProposal.Decision.PENDING
    queryset = (
        TierProposal.objects.filter(decision=decision)
        .select_related("enterprise__city", "decided_by")
        .order_by("-created_at", "-pk")
    )
    counts = {value: 0 for value in TierProposal.Decision.values}
    for row in TierProposal.objects.values_list("decision", flat=True):
        counts[row] += 1
    context = {
        "page_obj": paginate(request, queryset, per_page=50),
        "decision": decision,
        "tabs": [(value, label, counts[value]) for value, label in TierProposal.Decision.choices],
        "has_rules": TierRule.objects.filter(active=True).exists(),
    }
    return render(request, "registry/tier_proposals.html", context)


@require_POST
def tier_proposals_generate_view(request):
    """Run the active rules now and store their proposals (nothing is applied)."""
    if (refused := plan_office_only(request, _("只有专项办可以生成梯度调整建议。"))) is not None:
        return refused
    try:
        made = tier_proposals_generate(actor=request.user)
    except PermissionDenied as exc:
        return forbidden(request, str(exc))
    messages.success(request, _("已按规则生成 %d 条新的调整建议,待决定。") % len(made))
    return redirect("registry:tier_proposals")


@require_POST
def tier_proposal_decide_view(request, pk: int):
    """Accept (the qualification is granted or removed today) or reject a proposal."""
    if (refused := plan_office_only(request, _("只有专项办可以决定梯度调整建议。"))) is not None:
        return refused
    proposal = get_object_or_404(TierProposal.objects.select_related("enterprise"), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择“采纳”或“不采纳”。"))
    else:
        accept = form.cleaned_data["action"] == DecisionForm.ACCEPT
        try:
            tier_proposal_decide(
                actor=request.user,
                proposal=proposal,
                accept=accept,
                comment=form.cleaned_data["comment"],
            )
        except PermissionDenied as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            text = _("已采纳:%s。") if accept else _("未采纳:%s。")
            messages.success(request, text % proposal)
    return redirect(reverse("registry:tier_proposals"))


urlpatterns = [
    path("enterprises/", enterprise_list, name="enterprise_list"),
    path("enterprises/new/", enterprise_create_view, name="enterprise_create"),
    path("enterprises/<int:pk>/", enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/approve/", enterprise_approve_view, name="enterprise_approve"),
    path("enterprises/<int:pk>/years/", enterprise_year_edit, name="enterprise_year_edit"),
    path("enterprises/<int:pk>/qualifications/", qualification_add_view, name="qualification_add"),
    path(
        "enterprises/<int:pk>/qualifications/<int:qualification_pk>/remove/",
        qualification_remove_view,
        name="qualification_remove",
    ),
    path("enterprises/<int:pk>/members/", enterprise_member_add_view, name="enterprise_member_add"),
    path("tiers/rules/", tier_rules, name="tier_rules"),
    path("tiers/rules/new/", tier_rule_edit, name="tier_rule_create"),
    path("tiers/rules/<int:pk>/", tier_rule_edit, name="tier_rule_edit"),
    path("tiers/proposals/", tier_proposals, name="tier_proposals"),
    path("tiers/proposals/generate/", tier_proposals_generate_view, name="tier_proposals_generate"),
    path(
        "tiers/proposals/<int:pk>/decide/", tier_proposal_decide_view, name="tier_proposal_decide"
    ),
]
