"""Serializers of the registries' API: the fields the public pages show, and the review state.

Each kind shows the fields its ``update`` service may change (``services/``), plus its id,
review state and what only other services change (a platform's state, an expert review).

An enterprise's yearly figures are served only to those who may see them
(``EnterprisePolicy.can(user, "figures", enterprise)``).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from luzhi.registry import permissions as policies
from luzhi.registry.models import Achievement
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import Platform
from luzhi.registry.models import Project
from luzhi.registry.models import Qualification
from luzhi.registry.models import Talent
from luzhi.registry.services.enterprises import ENTERPRISE_FIELDS
from luzhi.registry.services.records import ACHIEVEMENT_FIELDS
from luzhi.registry.services.records import ALGORITHM_PRODUCT_FIELDS
from luzhi.registry.services.records import PLATFORM_FIELDS
from luzhi.registry.services.records import PROJECT_FIELDS
from luzhi.registry.services.records import TALENT_FIELDS


@extend_schema_field(OpenApiTypes.STR)
class Choice(serializers.ChoiceField):
    """A choice documented as a string (enum names stay unique across apps)."""


class Serializer(serializers.ModelSerializer):
    serializer_choice_field = Choice
    city = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="所在市代码")


class QualificationSerializer(serializers.ModelSerializer):
    serializer_choice_field = Choice

    class Meta:
        model = Qualification
        fields = ["id", "kind", "certificate_no", "granted_on", "expires_on"]


class EnterpriseYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnterpriseYear
        fields = ["year", "revenue", "ai_core_revenue", "rd_spend", "employees"]


class RegistryEnterpriseSerializer(Serializer):
    qualifications = QualificationSerializer(many=True, read_only=True)

    class Meta:
        model = Enterprise
        fields = ["id", *ENTERPRISE_FIELDS, "status", "qualifications", "updated_at"]


class RegistryEnterpriseDetailSerializer(RegistryEnterpriseSerializer):
    years = serializers.SerializerMethodField(help_text="年度数据(仅专项办、填报单位和本企业用户)")

    class Meta(RegistryEnterpriseSerializer.Meta):
        fields = [*RegistryEnterpriseSerializer.Meta.fields, "years"]

    @extend_schema_field(EnterpriseYearSerializer(many=True, allow_null=True))
    def get_years(self, obj):
        user = self.context["request"].user
        if not policies.enterprises.can(user, "figures", obj):
            return None
        return EnterpriseYearSerializer(obj.years.order_by("-year"), many=True).data


class RegistryPlatformSerializer(Serializer):
    class Meta:
        model = Platform
        fields = ["id", *PLATFORM_FIELDS, "state", "status", "updated_at"]


class RegistryTalentSerializer(Serializer):
    class Meta:
        model = Talent
        fields = ["id", *TALENT_FIELDS, "updated_at"]


class RegistryProjectSerializer(Serializer):
    class Meta:
        model = Project
        fields = ["id", *PROJECT_FIELDS, "updated_at"]


class RegistryAchievementSerializer(Serializer):
    class Meta:
        model = Achievement
        fields = ["id", *ACHIEVEMENT_FIELDS, "original_major", "reviewed_on", "updated_at"]


class RegistryAlgorithmProductSerializer(Serializer):
    city = None
    provider_name = serializers.CharField(source="provider.name", read_only=True)

    class Meta:
        model = AlgorithmProduct
        fields = ["id", *ALGORITHM_PRODUCT_FIELDS, "provider_name", "status", "updated_at"]


SERIALIZERS = {
    "enterprise": (RegistryEnterpriseSerializer, RegistryEnterpriseDetailSerializer),
    "platform": (RegistryPlatformSerializer, RegistryPlatformSerializer),
    "talent": (RegistryTalentSerializer, RegistryTalentSerializer),
    "project": (RegistryProjectSerializer, RegistryProjectSerializer),
    "achievement": (RegistryAchievementSerializer, RegistryAchievementSerializer),
    "algorithmproduct": (RegistryAlgorithmProductSerializer, RegistryAlgorithmProductSerializer),
}
