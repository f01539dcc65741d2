"""The registry policies, table-driven: role × action × own/other object, and what each role sees."""


from luzhi.core.policy import assert_policy_table
from luzhi.core.policy import policy_for
from luzhi.registry import permissions as policies
from luzhi.registry.models import AlgorithmProduct
from luzhi.registry.models import Enterprise
from luzhi.registry.models import EnterpriseYear
from luzhi.registry.models import Platform
from luzhi.registry.models import RecordStatus
from luzhi.registry.models import Talent
from luzhi.registry.specs import KINDS
from luzhi.registry.tests import test_record_services as fixtures

jinan = fixtures.jinan
qingdao = fixtures.qingdao
provider = fixtures.provider
member = fixtures.member
other_provider = fixtures.other_provider
outsider = fixtures.outsider
platform = fixtures.platform
talent = fixtures.talent
product = fixtures.product


def test_every_kind_has_its_registered_policy():
    for spec in KINDS.values():
        assert policy_for(spec.model) is spec.policy
    assert policy_for(EnterpriseYear) is policies.enterprise_years


def test_enterprise_policy_table(plan_officer, reporter_sti, member, outsider, anonymous, provider):
    P = policies.enterprises
    assert_policy_table(
        P,
        [
            (plan_officer, "edit", provider, True),
            (member, "edit", provider, True),
            (outsider, "edit", provider, False),
            (reporter_sti, "edit", provider, False),
            (anonymous, "edit", provider, False),
            (plan_officer, "approve", provider, True),
            (member, "approve", provider, False),
            (plan_officer, "create", None, True),
            (member, "create", None, True),
            (reporter_sti, "create", None, False),
            (anonymous, "create", None, False),
            (plan_officer, "figures", provider, True),
            (reporter_sti, "figures", provider, True),
            (member, "figures", provider, True),
            (outsider, "figures", provider, False),
            (anonymous, "figures", provider, False),
            (plan_officer, "members", provider, True),
            (member, "members", provider, False),
        ],
    )


def test_record_policies_table(plan_officer, reporter_sti, member, outsider, anonymous, platform, product):
    rows = []
    for user, office in [(plan_officer, True), (reporter_sti, False), (member, False), (anonymous, False)]:
        rows += [
            (user, "edit", platform, office),
            (user, "state", platform, office),
            (user, "approve", product, office),
            (user, "list", None, True),
        ]
    assert_policy_table(policies.platforms, [r for r in rows if r[1] in ("edit", "state", "list")])
    assert_policy_table(policies.algorithm_products, [r for r in rows if r[1] == "approve"])
    assert_policy_table(
        policies.algorithm_products,
        [
            (member, "edit", product, True),
            (outsider, "edit", product, False),
            (plan_officer, "edit", product, True),
            (member, "create", None, True),
            (outsider, "create", None, True),  # a member of another enterprise: its own products
            (reporter_sti, "create", None, False),
        ],
    )
    assert_policy_table(
        policies.talent,
        [(plan_officer, "list", None, True), (reporter_sti, "list", None, False), (anonymous, "list", None, False)],
    )


def test_visibility(plan_officer, reporter_sti, member, outsider, anonymous, provider, other_provider, talent, product):
    Enterprise.objects.filter(pk=other_provider.pk).update(status=RecordStatus.PENDING)
    Platform.objects.create(
        name="待审平台", kind="incubator", level="city", host="某", city=provider.city,
        approved_on="2024-01-01", status=RecordStatus.PENDING,
    )
    def names(policy, user):
        return {str(o) for o in policy.visible(user)}

    assert names(policies.enterprises, plan_officer) == {provider.name, other_provider.name}
    assert names(policies.enterprises, anonymous) == {provider.name}
    assert names(policies.enterprises, reporter_sti) == {provider.name}
    assert names(policies.enterprises, outsider) == {provider.name, other_provider.name}  # its own
    assert names(policies.enterprises, member) == {provider.name}
    assert "待审平台" in names(policies.platforms, plan_officer)
    assert "待审平台" not in names(policies.platforms, anonymous)
    assert names(policies.talent, plan_officer) == {talent.name}
    assert not policies.talent.visible(reporter_sti).exists()
    assert not policies.talent.visible(anonymous).exists()
    assert product.status == RecordStatus.PENDING
    assert names(policies.algorithm_products, member) == {product.name}
    assert names(policies.algorithm_products, outsider) == set()
    assert names(policies.algorithm_products, anonymous) == set()
    assert policies.enterprise_years.visible(anonymous).query is not None
    assert not Talent.objects.none().exists()
    assert AlgorithmProduct.objects.count() == 1
