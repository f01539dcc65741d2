"""Write serializers of the registries' API, built from each kind's spec (``registry/specs.py``).

They only parse what the client sent (types, choices, a city by its code, a
provider or incubator by id): every rule (who may, dates, money, the credit
code, duplicates) is the service's and the model's (``full_clean``), whose
errors come back as a 400 naming the field. So model validators are dropped
here, as the pages' forms leave them to the service.

- Create: the parameters of the kind's ``create`` service; those without a
  default are required.
- Update: the kind's ``fields`` (what ``update`` may change); PUT requires
  what create requires, PATCH nothing.

A kind added to ``KINDS`` gets both without new code here.
"""

from __future__ import annotations

import inspect
from functools import cache

from rest_framework import serializers

from luzhi.accounts.models import City
from luzhi.registry.api.serializers import Choice
from luzhi.registry.specs import Kind

#: Service parameters that are not record fields.
NOT_FIELDS = {"actor", "reason"}


def service_parameters(service) -> dict[str, inspect.Parameter]:
    """The keyword parameters of a service (``actor`` aside)."""
    return {
        name: p
        for name, p in inspect.signature(service).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and name != "actor"
    }


def takes_reason(service) -> bool:
    """Does the service record a reason the client may give?"""
    return "reason" in service_parameters(service)


def create_fields(spec: Kind) -> tuple[str, ...]:
    return tuple(n for n in service_parameters(spec.create) if n not in NOT_FIELDS)


def required_fields(spec: Kind) -> set[str]:
    """The fields a create (or a full update) must give: the service's parameters without default."""
    return {
        name
        for name, p in service_parameters(spec.create).items()
        if p.default is inspect.Parameter.empty and name not in NOT_FIELDS
    }


class RecordWriteSerializer(serializers.ModelSerializer):
    """Parses a record's fields; validation is left to the service (see the module docstring)."""

    serializer_choice_field = Choice

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            # Model validators (lengths, ranges, uniqueness) run once, in the service's full_clean.
            field.validators = []
        return fields

    def get_validators(self):
        return []


@cache
def write_serializer(spec: Kind, *, create: bool) -> type[serializers.Serializer]:
    """The create or update serializer of ``spec`` (one class each, named for the schema)."""
    service = spec.create if create else spec.update
    names = create_fields(spec) if create else spec.fields
    required = required_fields(spec)
    attrs: dict = {}
    if "city" in names:
        attrs["city"] = serializers.SlugRelatedField(
            slug_field="code",
            queryset=City.objects.all(),
            required="city" in required,
            help_text="所在市代码(如 370100)",
        )
    if takes_reason(service):
        attrs["reason"] = serializers.CharField(
            required=False, allow_blank=True, write_only=True, help_text="修改原因(写入变更记录)"
        )
    extra = {name: {"required": name in required} for name in names if name != "city"}
    attrs["Meta"] = type(
        "Meta",
        (),
        {
            "model": spec.model,
            "fields": [*names, *(["reason"] if "reason" in attrs else [])],
            "extra_kwargs": extra,
        },
    )
    verb = "Create" if create else "Update"
    return type(f"Registry{spec.model.__name__}{verb}Serializer", (RecordWriteSerializer,), attrs)
