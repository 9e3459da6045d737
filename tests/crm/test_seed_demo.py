"""The demo-data command and its registry."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_scopes import scope, scopes_disabled

from crm.demo import (
    DEMO_PASSWORD,
    SCALES,
    SIZES,
    DemoContext,
    bulk_create_in_batches,
    demo_run,
    step_rng,
)
from crm.models import BusinessLine, Company, Country, Membership
from crm.rights import ROLES

PROJECT_APPS = ("crm", "tiers", "parc", "ventes", "fidelite", "synthese")


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", scale="small", stdout=out, **options)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every model of the project's apps, plus users and roles."""
    models = [
        model
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.managed and not model._meta.proxy
    ]
    models += [get_user_model(), apps.get_model("auth", "Group")]
    # Counting every tenant's rows at once is the point here: no scope filter replaces it.
    with scopes_disabled():
        return {model._meta.label: model.objects.count() for model in models}


def test_seed_demo_creates_every_role_and_both_licences_in_two_companies(db):
    seed()

    companies = list(Company.objects.filter(code__in=["durand", "martin"]))
    assert len(companies) == 2
    for company in companies:
        with scope(tenant=company):
            memberships = Membership.objects.filter(tenant=company).select_related("role")
            assert {m.role.name for m in memberships} == set(ROLES)
            assert {m.licence for m in memberships} == {"artis", "crm"}


def test_seed_demo_creates_a_user_with_a_different_role_in_each_company(db):
    seed()

    memberships = Membership.unscoped.filter(user__username="multi").select_related("tenant", "role")
    roles = {m.tenant.code: m.role.name for m in memberships}
    assert roles == {"durand": "Manager", "martin": "Commercial"}


def test_seed_demo_companies_use_france_and_euro(db):
    seed()

    for company in Company.objects.filter(code__in=["durand", "martin"]).select_related(
        "country", "currency"
    ):
        assert company.country.code == "FR"
        assert company.currency.code == "EUR"


def test_seed_demo_prints_logins_and_the_common_password(db):
    output = seed()

    assert f"mot de passe commun : {DEMO_PASSWORD}" in output
    for login in ("commercial.durand", "technicien.martin", "admin.durand", "multi", "superadmin"):
        assert login in output


def test_seed_demo_users_log_in_with_the_common_password(db):
    seed()

    user = get_user_model().objects.get(username="commercial-artis.martin")
    assert user.check_password(DEMO_PASSWORD)


def test_seed_demo_second_run_adds_no_row(db):
    seed()
    before = row_counts()

    seed()

    assert row_counts() == before


def test_seed_demo_refused_with_an_unknown_scale(db):
    with pytest.raises(
        CommandError, match=r"^Échelle inconnue : huge \(valeurs possibles : small, medium, large\)\.$"
    ):
        call_command("seed_demo", scale="huge", stdout=io.StringIO())


def test_demo_run_refused_with_an_unknown_scale(db):
    with pytest.raises(
        ValueError, match=r"^Échelle inconnue : huge \(valeurs possibles : small, medium, large\)\.$"
    ):
        demo_run(scale="huge", out=lambda _line: None)


def test_demo_run_gives_each_step_a_generator_of_the_seed_and_its_label():
    same = [step_rng(7, "tiers").random() for _ in range(2)]
    other_seed = step_rng(8, "tiers").random()
    other_step = step_rng(7, "parc").random()

    assert same[0] == same[1]
    assert other_seed != same[0]
    assert other_step != same[0]


def test_demo_context_faker_is_deterministic():
    first = DemoContext(scale="small", seed=1, rng=step_rng(1, "tiers")).faker().company()
    second = DemoContext(scale="small", seed=1, rng=step_rng(1, "tiers")).faker().company()

    assert first == second


def test_every_scale_has_the_same_sizes_growing_with_the_scale():
    assert set(SIZES) == set(SCALES)
    for key in SIZES["small"]:
        assert SIZES["small"][key] <= SIZES["medium"][key] <= SIZES["large"][key], key
    for sizes in SIZES.values():
        assert sizes.keys() == SIZES["small"].keys()


def test_demo_context_reads_its_scale_and_bulk_mode():
    small = DemoContext(scale="small", seed=1, rng=step_rng(1, "x"))
    large = DemoContext(scale="large", seed=1, rng=step_rng(1, "x"))

    assert small.sizes["third_parties"] == SIZES["small"]["third_parties"]
    assert not small.bulk
    assert large.bulk


def test_bulk_create_in_batches_inserts_in_the_tenant_scope(tenant, django_assert_num_queries):
    rows = (BusinessLine(code=f"BL{n}", name=f"Activité {n}") for n in range(5))

    # Three batches, between the tenant's database binding and its restore.
    with django_assert_num_queries(5):
        inserted = bulk_create_in_batches(BusinessLine, rows, tenant=tenant, batch_size=2)

    assert inserted == 5
    with scope(tenant=tenant):
        assert BusinessLine.objects.filter(tenant=tenant).count() == 5


def test_bulk_create_in_batches_skips_existing_rows_with_ignore_conflicts(tenant):
    def rows():
        return [BusinessLine(code=f"BL{n}", name=f"Activité {n}") for n in range(3)]

    bulk_create_in_batches(BusinessLine, rows(), tenant=tenant, ignore_conflicts=True)
    bulk_create_in_batches(BusinessLine, rows(), tenant=tenant, ignore_conflicts=True)

    with scope(tenant=tenant):
        assert BusinessLine.objects.filter(tenant=tenant).count() == 3


def test_bulk_create_in_batches_refused_without_tenant_for_a_tenant_model(db):
    with pytest.raises(ValueError, match="BusinessLine is a tenant model"):
        bulk_create_in_batches(BusinessLine, [BusinessLine(code="IMP", name="Impression")])


def test_bulk_create_in_batches_refused_for_a_row_of_another_tenant(tenant, other_tenant):
    row = BusinessLine(tenant=other_tenant, code="IMP", name="Impression")

    with pytest.raises(ValueError, match="row of tenant"):
        bulk_create_in_batches(BusinessLine, [row], tenant=tenant)

    with scope(tenant=other_tenant):
        assert not BusinessLine.objects.exists()


def test_bulk_create_in_batches_inserts_a_global_model_without_scope(db):
    inserted = bulk_create_in_batches(Country, [Country(code="XK", name="Kosovo")], ignore_conflicts=True)

    assert inserted == 1
    assert Country.objects.get(code="XK").name == "Kosovo"
