"""The synthèse with its real tabs: each tab hidden without its model's view permission (and
Actions without a CRM licence), the context parameters of the query string (tab, contact, site,
asset, contract, highlighted row), the Actions block's links pre-filled from the selection and
the create pages reading them, the column choice saved per user, each tab's sort and pages."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django_scopes import scope

from crm.models import Licence
from synthese.context import context_from_query
from synthese.tabs import TABS, tab_counts
from tests.factories import member
from tests.synthese.factories import build_world
from tests.tiers.factories_sites_banks import CustomerFactory

pytestmark = pytest.mark.django_db
HTMX_TAB = {"HX-Request": "true", "HX-Target": "synthese-tab-body"}


def url(customer, query: str = "") -> str:
    base = reverse("synthese:customer", kwargs={"pk": customer.pk})
    return f"{base}?{query}" if query else base


def role_without(permission: str) -> str:
    """A role with the Manager's permissions but ``permission``; its name."""
    app_label, codename = permission.split(".")
    manager = Group.objects.get(name="Manager")
    role = Group.objects.create(name=f"Manager sans {codename}")
    role.permissions.set(manager.permissions.exclude(codename=codename, content_type__app_label=app_label))
    return role.name


@pytest.fixture
def world(tenant):
    return build_world(tenant)


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


# --- Tab visibility -------------------------------------------------------------------------------


def test_a_manager_with_a_crm_licence_sees_every_tab(tenant, manager, login):
    customer = CustomerFactory(tenant=tenant)
    response = login(manager).get(url(customer))
    assert [tab["key"] for tab in response.context["tabs"]] == [
        "details",
        "affaires",
        "actions",
        "devis",
        "ssc",
        "parc",
        "dit",
        "commandes",
        "pieces",
        "signatures",
    ]


@pytest.mark.parametrize("key", sorted(TABS))
def test_each_tab_is_hidden_without_its_view_permission(tenant, login, key):
    customer = CustomerFactory(tenant=tenant)
    user = login(member(tenant, role_without(TABS[key].permission)))
    response = user.get(url(customer, f"onglet={key}"))
    keys = [tab["key"] for tab in response.context["tabs"]]
    assert key not in keys and keys  # the others stay
    html = response.content.decode()
    assert f'id="tab-{key}"' not in html and f'id="onglet-{key}"' not in html
    # Asked for by htmx, it is never served: the first visible tab comes instead.
    body = user.get(
        url(customer, f"onglet={key}"),
        headers={**HTMX_TAB, "HX-Current-URL": f"http://testserver{url(customer)}"},
    ).content.decode()
    assert f'id="onglet-{key}"' not in body and f'id="onglet-{keys[0]}"' in body


def test_the_actions_tab_needs_a_crm_licence(tenant, login):
    customer = CustomerFactory(tenant=tenant)
    artis = login(member(tenant, "Manager", licence=Licence.ARTIS)).get(url(customer, "onglet=actions"))
    keys = [tab["key"] for tab in artis.context["tabs"]]
    assert "actions" not in keys and "affaires" in keys and "commandes" in keys
    assert 'id="onglet-actions"' not in artis.content.decode()
    crm = login(member(tenant, "Manager")).get(url(customer, "onglet=actions"))
    assert 'id="onglet-actions"' in crm.content.decode()


# --- Context parameters ---------------------------------------------------------------------------


def _counts(world, user, query: dict) -> dict[str, int]:
    with scope(tenant=world.tenant):
        ctx = context_from_query(query, tenant=world.tenant, user=user, customer=world.customer)
        return tab_counts(ctx, list(TABS.values()))


def test_contract_and_highlighted_row_from_the_query_string(world, manager, login):
    contract = world.contract
    response = login(manager).get(
        url(world.customer, f"tab=ssc&contract={contract.pk}&row=contrat-{contract.pk}")
    )
    html = response.content.decode()
    ctx = response.context["ctx"]
    assert (ctx.tab, ctx.contract_id, ctx.row) == ("ssc", contract.pk, f"contrat-{contract.pk}")
    assert 'id="onglet-ssc"' in html
    assert f'id="contrat-{contract.pk}" class="is-highlighted' in html
    counts = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    assert counts == _counts(world, manager, {"contrat": str(contract.pk)})
    assert counts["ssc"] == 1
    assert f"{contract.code} {contract.label}" in html  # the row filter's label in the Filters block


def test_asset_site_and_contact_from_the_query_string(world, manager, login):
    asset, site = world.asset, world.sites[0]
    contact_id = world.rows["details"]["in"].contact_id
    query = f"onglet=parc&asset={asset.pk}&site={site.pk}&contact={contact_id}"
    response = login(manager).get(url(world.customer, query))
    ctx = response.context["ctx"]
    assert (ctx.asset_id, ctx.site_id, ctx.contact_id) == (asset.pk, site.pk, contact_id)
    counts = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    assert counts == _counts(world, manager, {"bien": str(asset.pk), "site": str(site.pk)})
    assert counts["parc"] == 1
    html = response.content.decode()
    assert f'id="bien-{asset.pk}"' in html
    assert f'name="contact" value="{contact_id}"' in html  # kept by the filter form
    assert any(f"contact={contact_id}" in link.url for link in response.context["actions"])


def test_ids_of_another_customer_are_ignored(world, tenant, manager, login):
    other = build_world(tenant)
    contact_id = other.rows["details"]["in"].contact_id
    query = (
        f"onglet=ssc&contrat={other.contract.pk}&bien={other.asset.pk}&site={other.sites[0].pk}"
        f"&contact={contact_id}"
    )
    response = login(manager).get(url(world.customer, query))
    ctx = response.context["ctx"]
    assert (ctx.contract_id, ctx.asset_id, ctx.site_id, ctx.contact_id) == (None, None, None, None)
    counts = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    assert counts == _counts(world, manager, {})
    assert response.context["clear_url"] == ""


def test_another_tenants_customer_is_404_with_the_real_tabs(world, other_tenant, login):
    foreign = build_world(other_tenant)
    user = login(member(world.tenant, "Manager"))
    assert user.get(url(foreign.customer, "onglet=ssc")).status_code == 404
    htmx = {**HTMX_TAB, "HX-Current-URL": f"http://testserver{url(foreign.customer)}"}
    assert user.get(url(foreign.customer, "onglet=ssc"), headers=htmx).status_code == 404


# --- Actions block: each link's pre-fill, read by its create page ---------------------------------

# action key -> (the selection it passes on, the create form's field -> expected selection).
PREFILL = {
    "affaire": ({"site"}, {"site": "site"}),
    "devis": ({"site"}, {"site": "site"}),
    "action": ({"site", "contact"}, {"site": "site", "contact": "contact"}),
    "dit": ({"site", "contact", "bien"}, {"site": "site", "requester": "contact", "assets": "bien"}),
    "commande": ({"site"}, {}),
    "concurrent": ({"site"}, {"site": "site"}),
    "contact": (set(), {}),
    "site": (set(), {}),
}


@pytest.fixture
def selection(world):
    return {
        "site": world.sites[0].pk,
        "contact": world.rows["details"]["in"].contact_id,
        "bien": world.asset.pk,
    }


def _action_links(world, manager, login, selection) -> dict[str, str]:
    query = "&".join(f"{name}={value}" for name, value in selection.items())
    response = login(manager).get(url(world.customer, f"onglet=parc&{query}"))
    return {link.key: link.url for link in response.context["actions"]}


def test_every_action_is_offered_to_a_manager_with_a_crm_licence(world, manager, login, selection):
    assert set(_action_links(world, manager, login, selection)) == set(PREFILL)


@pytest.mark.parametrize("key", sorted(PREFILL))
def test_each_action_link_passes_its_selection_and_comes_back(world, manager, login, selection, key):
    link = _action_links(world, manager, login, selection)[key]
    query = parse_qs(urlsplit(link).query)
    passed, _fields = PREFILL[key]
    assert {name for name in query if name != "next"} == passed
    for name in passed:
        assert query[name] == [str(selection[name])]
    back = query["next"][0]
    assert back.startswith(url(world.customer)) and f"bien={world.asset.pk}" in back


@pytest.mark.parametrize("key", [key for key, (_passed, fields) in PREFILL.items() if fields])
def test_each_create_page_reads_the_selection(world, manager, login, selection, key):
    link = _action_links(world, manager, login, selection)[key]
    response = login(manager).get(link)
    assert response.status_code == 200
    form = response.context["form"]
    for field_name, parameter in PREFILL[key][1].items():
        value = form[field_name].value()
        expected = selection[parameter]
        assert value == expected or value == [expected], (field_name, value)


def test_the_service_request_proposes_the_assets_coverages_checked(world, manager, login, selection):
    link = _action_links(world, manager, login, selection)["dit"]
    response = login(manager).get(link)
    rows = response.context["form"].coverage_rows
    covering = {row.contract.pk for row in rows}
    assert world.contract.pk in covering
    assert all(row.checked for row in rows)
    # Checked, and the user may uncheck them (no disabled box).
    box = re.search(
        rf'<input[^>]*name="coverages" value="{world.contract.pk}"[^>]*>', response.content.decode()
    )
    assert box and " checked" in box.group(0) and "disabled" not in box.group(0)


# --- Column choice, sort and pages of the real tabs -----------------------------------------------


def test_column_choice_on_a_real_tab_is_saved_per_user_and_applied(world, manager, login):
    colleague = member(world.tenant, "Manager")
    save = reverse("synthese:columns", kwargs={"pk": world.customer.pk, "tab": "ssc"})
    offered = ["code", "label", "contract_type", "kind", "status", "starts_on", "ends_on", "asset_count"]
    shown = [name for name in offered if name != "label"]
    response = login(manager).post(f"{save}?onglet=ssc", {"offertes": offered, "colonnes": shown})
    assert response.status_code == 302
    mine = login(manager).get(url(world.customer, "onglet=ssc")).content.decode()
    theirs = login(colleague).get(url(world.customer, "onglet=ssc")).content.decode()
    assert ">Libellé</" not in mine.split('id="onglet-ssc"')[1].split("</thead>")[0]
    assert ">Libellé</" in theirs.split('id="onglet-ssc"')[1].split("</thead>")[0]
    assert 'name="colonnes" value="label">' in mine and 'name="colonnes" value="label" checked>' in theirs


def _render(tenant, user, world, key: str, query: dict | None = None) -> str:
    request = RequestFactory().get("/synthese/1/", {"onglet": key, "mois": "12", **(query or {})})
    request.tenant, request.user = tenant, user
    with scope(tenant=tenant):
        ctx = context_from_query(request.GET, tenant=tenant, user=user, customer=world.customer)
        return TABS[key].render(request, ctx)


# Each tab's main table: the prefix of its row ids, a column of unique values to sort on.
MAIN_TABLE = {
    "details": ("contact", "name"),
    "affaires": ("affaire", "number"),
    "actions": ("action", "subject"),
    "devis": ("devis", "number"),
    "ssc": ("contrat", "code"),
    "parc": ("bien|equipement|concurrent", "row_label"),
    "dit": ("dit", "number"),
    "commandes": ("commande", "number"),
    "pieces": ("document", "title"),
    "signatures": ("signature", "signer_email"),
}


def _row_ids(html: str, key: str) -> list[str]:
    prefix = MAIN_TABLE[key][0]
    return re.findall(rf'<tr[^>]* id="((?:{prefix})-\d+)"', html)


def test_every_tab_has_a_main_table_entry():
    assert set(MAIN_TABLE) == set(TABS)


@pytest.mark.parametrize("key", sorted(TABS))
def test_each_tab_sorts_both_ways_on_its_own_parameter(world, tenant, manager, key):
    if key == "signatures":  # same document and signer on every row: sort on the e-mail's id
        with scope(tenant=tenant):
            for index, row in enumerate(world.rows["signatures"].values()):
                type(row).objects.filter(pk=row.pk).update(signer_email=f"signataire{index}@example.com")
    column = MAIN_TABLE[key][1]
    ascending = _render(tenant, manager, world, key, {f"{key}-tri": column})
    descending = _render(tenant, manager, world, key, {f"{key}-tri": f"-{column}"})
    up, down = _row_ids(ascending, key), _row_ids(descending, key)
    assert len(up) >= 2 and up == list(reversed(down))
    assert f"{key}-tri=-{column}" in ascending  # the header's link reverses the order


@pytest.mark.parametrize("key", sorted(TABS))
def test_each_tab_is_paginated_on_its_own_parameter(tenant, manager, key):
    world = build_world(tenant, extra=24)
    first = _row_ids(_render(tenant, manager, world, key), key)
    second = _row_ids(_render(tenant, manager, world, key, {f"{key}-page": "2"}), key)
    assert len(first) == 25 and second and not set(first) & set(second)
    assert len(first) + len(second) == _counts(world, manager, {})[key]


# --- Vault panel: add, edit, delete and reveal by permission --------------------------------------


def test_vault_panel_offers_add_edit_delete_and_reveal_by_permission(tenant, login):
    from tests.tiers.factories_records import VaultSecretFactory

    customer = CustomerFactory(tenant=tenant)
    item = VaultSecretFactory(tenant=tenant, customer=customer, label="Routeur du siège")
    panel = reverse("synthese:vault", kwargs={"pk": customer.pk})
    links = {
        "edit": reverse("tiers:vault_update", kwargs={"pk": item.pk}),
        "delete": reverse("tiers:vault_delete", kwargs={"pk": item.pk}),
        "reveal": reverse("tiers:vault_reveal", kwargs={"pk": item.pk}),
        "add": "/coffre-fort/ajouter/",
    }
    manager = login(member(tenant, "Manager")).get(panel, headers={"HX-Request": "true"}).content.decode()
    assert all(link in manager for link in links.values())
    commercial = (
        login(member(tenant, "Commercial")).get(panel, headers={"HX-Request": "true"}).content.decode()
    )
    assert links["edit"] in commercial and links["add"] in commercial
    assert links["delete"] not in commercial and links["reveal"] not in commercial


def test_only_the_contact_action_opens_in_the_side_panel(world, manager, login, selection):
    response = login(manager).get(url(world.customer))
    modal = {link.key for link in response.context["actions"] if link.modal}
    assert modal == {"contact"}
    html = response.content.decode()
    contact = re.search(r'<a [^>]*data-action="contact".*?</a>', html).group(0)
    assert (
        'hx-target="#synthese-panel-body"' in contact
        and 'hx-select="#content > .page-header, #content > form"' in contact
    )
    assert "hx-get" not in re.search(r'<a [^>]*data-action="affaire".*?</a>', html).group(0)
    # The contact form posts to its own page (with ``next``), not to the synthèse around the panel.
    link = next(link.url for link in response.context["actions"] if link.key == "contact")
    page = login(manager).get(link).content.decode()
    assert f'action="{link.replace("&", "&amp;")}"' in page


# --- Global filters' defaults ---------------------------------------------------------------------


def test_every_business_line_by_default_whatever_the_users_own_selection(world, manager, client):
    from crm.services.tenancy import SESSION_BUSINESS_LINES

    client.force_login(manager)
    session = client.session
    session[SESSION_BUSINESS_LINES] = [world.lines[0].pk]  # the lists' selection: one line only
    session.save()
    response = client.get(url(world.customer))
    assert response.context["ctx"].business_line_ids is None
    counts = {tab["key"]: tab["count"] for tab in response.context["tabs"]}
    assert counts == _counts(world, manager, {})
    assert counts["affaires"] == 4  # the deal of the other line is counted


def test_the_default_period_is_the_tenants_parameter(world, manager, login):
    from crm.services.parameters import NOMBRE_MOIS_SYNTHESE_CLIENT, parameter_set

    client = login(manager)
    default = client.get(url(world.customer))
    assert default.context["ctx"].months == 12
    assert {tab["key"]: tab["count"] for tab in default.context["tabs"]}["affaires"] == 4
    with scope(tenant=world.tenant):
        parameter_set(tenant=world.tenant, actor=manager, key=NOMBRE_MOIS_SYNTHESE_CLIENT, value=60)
    longer = client.get(url(world.customer))
    assert longer.context["ctx"].months == 60
    # The deal opened three years ago comes into the period; ``mois`` still wins.
    assert {tab["key"]: tab["count"] for tab in longer.context["tabs"]}["affaires"] == 5
    explicit = client.get(url(world.customer, "mois=12"))
    assert {tab["key"]: tab["count"] for tab in explicit.context["tabs"]}["affaires"] == 4
