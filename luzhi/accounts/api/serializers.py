"""Serializers for units and cities: read shapes and the plan office's write requests."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from luzhi.accounts.models import City
from luzhi.accounts.models import Unit
from luzhi.accounts.models import UnitAlias
from luzhi.accounts.permissions import units

CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")


class CitySerializer(serializers.ModelSerializer):
    """One of Shandong's 16 prefecture-level cities."""

    class Meta:
        model = City
        fields = ["id", "name", "code", "order"]


class UnitBriefSerializer(serializers.ModelSerializer):
    """A unit as referenced from plan data: id and names."""

    class Meta:
        model = Unit
        fields = ["id", "name", "short_name"]


class UnitAliasSerializer(serializers.ModelSerializer):
    """A name under which plan texts refer to a unit."""

    class Meta:
        model = UnitAlias
        fields = ["id", "unit", "alias", "normalized"]


class UnitSerializer(serializers.ModelSerializer):
    """A unit with its aliases; contact details only for the plan office and unit reporters."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    city_name = serializers.CharField(source="city.name", read_only=True, allow_null=True)
    aliases = serializers.SlugRelatedField(slug_field="alias", many=True, read_only=True)
    # Not read-only, only so the schema marks them optional: they are absent for the public.
    # This serializer is only used for output; writes go through UnitWriteSerializer.
    contact_name = serializers.CharField(required=False, help_text=_("仅专项办和单位填报员可见"))
    contact_phone = serializers.CharField(required=False, help_text=_("仅专项办和单位填报员可见"))
    contact_email = serializers.CharField(required=False, help_text=_("仅专项办和单位填报员可见"))

    class Meta:
        model = Unit
        fields = [
            "id",
            "name",
            "short_name",
            "kind",
            "kind_display",
            "city",
            "city_name",
            "order",
            "aliases",
            *CONTACT_FIELDS,
            "created_at",
            "updated_at",
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if not units.can(getattr(request, "user", None), "view_contact", instance):
            for name in CONTACT_FIELDS:
                data.pop(name, None)
        return data


class UnitWriteSerializer(serializers.Serializer):
    """The plan office creating or changing a unit (``unit_create_full`` / ``unit_update``)."""

    name = serializers.CharField(max_length=100)
    short_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Unit.Kind.choices)
    city = serializers.PrimaryKeyRelatedField(
        queryset=City.objects.all(), required=False, allow_null=True
    )
    order = serializers.IntegerField(min_value=0, required=False)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        help_text=_("新建时一并登记的别名(仅 POST)"),
    )
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text=_("修改原因(记入历史)")
    )


class UnitContactSerializer(serializers.Serializer):
    """A unit's contact details; omitted fields keep their current value."""

    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)


class UnitContactOutSerializer(serializers.ModelSerializer):
    """A unit's contact details as stored."""

    class Meta:
        model = Unit
        fields = ["id", "name", *CONTACT_FIELDS, "updated_at"]


class UnitAliasAddSerializer(serializers.Serializer):
    """A new alias (简称 or other name as written in plan texts) for a unit."""

    alias = serializers.CharField(max_length=100)
