"""Registry pages, mounted at /registry/ (namespace ``registry``)."""

from django.urls import path
from django.urls import re_path

from luzhi.registry.specs import KINDS
from luzhi.registry.specs import PREFIXES
from luzhi.registry.specs import Kind
from luzhi.registry.views.drilldown import drilldown
from luzhi.registry.views.enterprises import enterprise_approve_view
from luzhi.registry.views.enterprises import enterprise_create_view
from luzhi.registry.views.enterprises import enterprise_detail
from luzhi.registry.views.enterprises import enterprise_edit
from luzhi.registry.views.enterprises import enterprise_list
from luzhi.registry.views.enterprises import enterprise_member_add_view
from luzhi.registry.views.enterprises import enterprise_revision_decide
from luzhi.registry.views.enterprises import enterprise_year_edit
from luzhi.registry.views.enterprises import my_enterprises
from luzhi.registry.views.enterprises import qualification_add_view
from luzhi.registry.views.enterprises import qualification_remove_view
from luzhi.registry.views.imports import export_view
from luzhi.registry.views.imports import import_view
from luzhi.registry.views.imports import template_view
from luzhi.registry.views.records import achievement_review
from luzhi.registry.views.records import algorithm_decide
from luzhi.registry.views.records import index
from luzhi.registry.views.records import platform_state
from luzhi.registry.views.records import record_create
from luzhi.registry.views.records import record_detail
from luzhi.registry.views.records import record_edit
from luzhi.registry.views.records import record_list
from luzhi.registry.views.tiers import tier_proposal_decide_view
from luzhi.registry.views.tiers import tier_proposals
from luzhi.registry.views.tiers import tier_proposals_generate_view
from luzhi.registry.views.tiers import tier_rule_edit
from luzhi.registry.views.tiers import tier_rules

app_name = "registry"

# Import, export and template for every kind: /registry/<prefix>/import/ and so on.
PREFIX = "(?P<prefix>" + "|".join(PREFIXES) + ")"


def record_routes(kind: Kind) -> list:
    """List, create, detail and edit pages of one registry kind, named ``<slug>_list`` etc."""
    prefix, slug, kwargs = kind.prefix, kind.slug, {"registry": kind}
    return [
        path(f"{prefix}/", record_list, kwargs, name=f"{slug}_list"),
        path(f"{prefix}/new/", record_create, kwargs, name=f"{slug}_create"),
        path(f"{prefix}/<int:pk>/", record_detail, kwargs, name=f"{slug}_detail"),
        path(f"{prefix}/<int:pk>/edit/", record_edit, kwargs, name=f"{slug}_edit"),
    ]


urlpatterns = [
    re_path(rf"^{PREFIX}/import/$", import_view, name="import"),
    re_path(rf"^{PREFIX}/export\.xlsx$", export_view, name="export"),
    re_path(rf"^{PREFIX}/template\.xlsx$", template_view, name="template"),
    # enterprises (their own pages: yearly figures, qualifications, members, revisions)
    path("enterprises/", enterprise_list, name="enterprise_list"),
    path("mine/", my_enterprises, name="my_enterprises"),
    path("enterprises/<int:pk>/revisions/<int:revision_pk>/decide/", enterprise_revision_decide,
         name="enterprise_revision_decide"),
    path("enterprises/new/", enterprise_create_view, name="enterprise_create"),
    path("enterprises/<int:pk>/", enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/approve/", enterprise_approve_view, name="enterprise_approve"),
    path("enterprises/<int:pk>/years/", enterprise_year_edit, name="enterprise_year_edit"),
    path("enterprises/<int:pk>/qualifications/", qualification_add_view, name="qualification_add"),
    path("enterprises/<int:pk>/qualifications/<int:qualification_pk>/remove/", qualification_remove_view,
         name="qualification_remove"),
    path("enterprises/<int:pk>/members/", enterprise_member_add_view, name="enterprise_member_add"),
    # tiers (梯度培育): rules and proposals
    path("tiers/rules/", tier_rules, name="tier_rules"),
    path("tiers/rules/new/", tier_rule_edit, name="tier_rule_create"),
    path("tiers/rules/<int:pk>/", tier_rule_edit, name="tier_rule_edit"),
    path("tiers/proposals/", tier_proposals, name="tier_proposals"),
    path("tiers/proposals/generate/", tier_proposals_generate_view, name="tier_proposals_generate"),
    path("tiers/proposals/<int:pk>/decide/", tier_proposal_decide_view, name="tier_proposal_decide"),
    # the other registries, from their specs
    path("", index, name="index"),
    path("platforms/<int:pk>/state/", platform_state, name="platform_state"),
    path("achievements/<int:pk>/review/", achievement_review, name="achievement_review"),
    path("algorithms/<int:pk>/decide/", algorithm_decide, name="algorithmproduct_decide"),
    *(route for kind in KINDS.values() if kind.form is not None for route in record_routes(kind)),
    path("drilldown/", drilldown, name="drilldown"),
]
