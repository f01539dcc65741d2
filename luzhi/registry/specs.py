"""The registry kinds as data: one :class:`Kind` per record type, read by every page and tool.

List pages, detail pages, imports, exports, URLs, the templates' links and the
API all find a registry here, by one name (``slug``, the model's name). Adding
a seventh registry is one model and one entry in :data:`KINDS`.

``slug`` names the registry everywhere in code (``registry_import(registry=…)``,
URL names ``registry:<slug>_list``/``_detail``/…, the API's basenames);
``prefix`` is its segment in page URLs (``/registry/algorithms/``) and the API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from luzhi.registry import filters
from luzhi.registry import forms_records as forms
from luzhi.registry import permissions as policies
from luzhi.registry.models import (
    Achievement,
    AlgorithmProduct,
    Enterprise,
    Platform,
    Project,
    Talent,
)
from luzhi.registry.services import enterprises as enterprise_services
from luzhi.registry.services import records as services


@dataclass(frozen=True)
class Kind:
    """How one registry is listed, shown, routed, imported, exported and served by the API."""

    slug: str  # the model's name: "enterprise", "algorithmproduct"
    prefix: str  # URL segment: "enterprises", "algorithms"
    model: type[Model]
    title: object
    note: object  # one line on the registry index
    filterset: type  # the one FilterSet of the page, the export and the API
    policy: policies.RecordPolicy
    resource_name: str  # class name in registry/resources/ (import/export columns)
    related: tuple[str, ...] = ("city",)  # select_related for lists and details
    #: Page services and form (the enterprise pages have views of their own).
    form: Callable | None = None
    create: Callable | None = None
    update: Callable | None = None
    instance_kwarg: str = ""
    #: What ``update`` may change (the API's update fields; its create fields are ``create``'s).
    fields: tuple[str, ...] = ()

    @property
    def public(self) -> bool:
        """Does the public see this registry's approved records?"""
        return self.policy.public

    @property
    def resource(self):
        """The import/export resource class (imported late: resources.py reads this module)."""
        from luzhi.registry import resources

        return getattr(resources, self.resource_name)

    def url_name(self, page: str) -> str:
        """``registry:<slug>_<page>`` (page: list, create, detail, edit)."""
        return f"registry:{self.slug}_{page}"

    list_url = property(lambda self: self.url_name("list"))
    create_url = property(lambda self: self.url_name("create"))
    detail_url = property(lambda self: self.url_name("detail"))
    edit_url = property(lambda self: self.url_name("edit"))

    @property
    def template_prefix(self) -> str:
        return f"registry/{self.slug}"


#: Every registry, by slug, in the order of the registry index.
KINDS: dict[str, Kind] = {
    spec.slug: spec
    for spec in [
        Kind(
            slug="enterprise",
            prefix="enterprises",
            model=Enterprise,
            title=_("企业"),
            note=_("企业库:产业环节、资质与梯度"),
            filterset=filters.EnterpriseFilter,
            policy=policies.enterprises,
            resource_name="EnterpriseResource",
            create=enterprise_services.enterprise_create,
            update=enterprise_services.enterprise_update,
            instance_kwarg="enterprise",
            fields=enterprise_services.ENTERPRISE_FIELDS,
        ),
        Kind(
            slug="platform",
            prefix="platforms",
            model=Platform,
            title=_("创新平台"),
            note=_("实验室、技术创新中心、孵化器、产业园区等"),
            filterset=filters.PlatformFilter,
            policy=policies.platforms,
            resource_name="PlatformResource",
            form=forms.PlatformForm,
            create=services.platform_create,
            update=services.platform_update,
            instance_kwarg="platform",
            fields=services.PLATFORM_FIELDS,
        ),
        Kind(
            slug="talent",
            prefix="talent",
            model=Talent,
            title=_("人才"),
            note=_("国家级、省级人才(仅专项办可见)"),
            filterset=filters.TalentFilter,
            policy=policies.talent,
            resource_name="TalentResource",
            form=forms.TalentForm,
            create=services.talent_create,
            update=services.talent_update,
            instance_kwarg="talent",
            fields=services.TALENT_FIELDS,
        ),
        Kind(
            slug="project",
            prefix="projects",
            model=Project,
            title=_("科研项目"),
            note=_("基础研究、重点研发等科研项目"),
            filterset=filters.ProjectFilter,
            policy=policies.projects,
            resource_name="ProjectResource",
            form=forms.ProjectForm,
            create=services.project_create,
            update=services.project_update,
            instance_kwarg="project",
            fields=services.PROJECT_FIELDS,
        ),
        Kind(
            slug="achievement",
            prefix="achievements",
            model=Achievement,
            title=_("科技成果"),
            note=_("专利、标准、论文等科技成果"),
            filterset=filters.AchievementFilter,
            policy=policies.achievements,
            resource_name="AchievementResource",
            form=forms.AchievementForm,
            create=services.achievement_create,
            update=services.achievement_update,
            instance_kwarg="achievement",
            fields=services.ACHIEVEMENT_FIELDS,
        ),
        Kind(
            slug="algorithmproduct",
            prefix="algorithms",
            model=AlgorithmProduct,
            title=_("算法产品"),
            note=_("企业提供的算法产品"),
            filterset=filters.AlgorithmProductFilter,
            policy=policies.algorithm_products,
            resource_name="AlgorithmProductResource",
            related=("provider",),
            form=forms.AlgorithmProductForm,
            create=services.algorithm_product_create,
            update=services.algorithm_product_update,
            instance_kwarg="product",
            fields=services.ALGORITHM_FIELDS,
        ),
    ]
}


def kind(slug: str) -> Kind:
    """The registry ``slug`` (KeyError for an unknown one)."""
    return KINDS[slug]


def by_prefix(prefix: str) -> Kind:
    """The registry whose URL segment is ``prefix``."""
    return next(spec for spec in KINDS.values() if spec.prefix == prefix)


def by_model(model) -> Kind:
    """The registry of ``model``."""
    return next(spec for spec in KINDS.values() if spec.model is model)


#: The URL segments of the registries, for URL patterns.
PREFIXES = tuple(spec.prefix for spec in KINDS.values())
