"""The registry kinds as data: one :class:`Kind` per record type, read by every page and tool.

List pages, detail pages, imports, exports, URLs, the templates' links and the
API all find a registry here, by one name (``slug``, the model's name). Adding
a seventh registry is one model (with its filterset, form, resource, policy and
services, named as :func:`make_kind` says) and one line in :data:`KINDS`.

``slug`` names the registry everywhere in code (``registry_import(registry=…)``,
URL names ``registry:<slug>_list``/``_detail``/…, the API's basenames);
``prefix`` is its segment in page URLs (``/registry/algorithms/``) and the API.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from luzhi.core.policy import policy_for
from luzhi.registry import filters
from luzhi.registry import forms_records as forms
from luzhi.registry import permissions as policies
from luzhi.registry.models import Achievement
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import Platform
from luzhi.registry.models import Project
from luzhi.registry.models import Talent
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

    def save(self, record: Model | None, **values) -> Model:
        """Create a record (``record`` None) or change ``record``, through the registry's services."""
        if record is None:
            return self.create(**values)
        return self.update(**{self.instance_kwarg: record}, **values)


def _snake(name: str) -> str:
    """``AlgorithmProduct`` -> ``algorithm_product``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def make_kind(
    model: type[Model],
    prefix: str,
    title,
    note,
    *,
    writes=services,
    related: tuple[str, ...] = ("city",),
    instance_kwarg: str = "",
) -> Kind:
    """The :class:`Kind` of ``model``, found by the registries' naming convention.

    For a model ``AlgorithmProduct``: the filterset ``filters.AlgorithmProductFilter``, the
    page form ``forms_records.AlgorithmProductForm`` (none: the registry has pages of its
    own), the import/export resource ``AlgorithmProductResource``, the policy registered for
    the model, and in ``writes`` (a services module) ``algorithm_product_create``,
    ``algorithm_product_update`` (taking the record as ``instance_kwarg``, by default
    ``algorithm_product``) and ``ALGORITHM_PRODUCT_FIELDS``.
    """
    name = model.__name__
    service = _snake(name)
    return Kind(
        slug=model._meta.model_name,
        prefix=prefix,
        model=model,
        title=title,
        note=note,
        filterset=getattr(filters, f"{name}Filter"),
        policy=policy_for(model),
        resource_name=f"{name}Resource",
        related=related,
        form=getattr(forms, f"{name}Form", None),
        create=getattr(writes, f"{service}_create"),
        update=getattr(writes, f"{service}_update"),
        instance_kwarg=instance_kwarg or service,
        fields=getattr(writes, f"{service.upper()}_FIELDS"),
    )


#: Every registry, by slug, in the order of the registry index.
KINDS: dict[str, Kind] = {
    spec.slug: spec
    for spec in [
        make_kind(
            Enterprise,
            "enterprises",
            _("企业"),
            _("企业库:产业环节、资质与梯度"),
            writes=enterprise_services,
        ),
        make_kind(Platform, "platforms", _("创新平台"), _("实验室、技术创新中心、孵化器、产业园区等")),
        make_kind(Talent, "talent", _("人才"), _("国家级、省级人才(仅专项办可见)")),
        make_kind(Project, "projects", _("科研项目"), _("基础研究、重点研发等科研项目")),
        make_kind(Achievement, "achievements", _("科技成果"), _("专利、标准、论文等科技成果")),
        make_kind(
            AlgorithmProduct,
            "algorithms",
            _("算法产品"),
            _("企业提供的算法产品"),
            related=("provider",),
            instance_kwarg="product",
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
