"""What each real tab shows beyond its rows (issue "synthèse client", § Onglets): the Détails'
characteristic groups (visible fields only) and the per-site wiki and vault buttons, the SSC's
covered assets count, the DIT's interventions and exchanges counts (hover preview, side panel),
the Commandes' margins and exchanges, the Pièces jointes' generated PDFs (viewable and
downloadable), the Signatures' status."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from parc.models import ServiceRequest
from synthese.context import context_from_query
from synthese.tables import PANEL_PAGE_SELECT
from synthese.tabs import TABS
from tests.factories import member
from tests.synthese.factories import build_world
from tests.tiers.factories_characteristics import CharacteristicFieldFactory, CharacteristicGroupFactory
from tests.tiers.factories_records import ExchangeFactory, media_root  # noqa: F401 (fixture)
from tests.ventes.factories_documents import InvoiceFactory
from tiers import models as tiers
from tiers.models import SignatureStatus, ThirdParty
from ventes.services.documents import document_pdf_attach

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%synthese\n"


@pytest.fixture
def manager(tenant):
    return member(tenant, "Manager")


@pytest.fixture
def world(tenant):
    return build_world(tenant)


def _render(world, user, key: str, query: dict | None = None) -> str:
    request = RequestFactory().get("/synthese/1/", {"onglet": key, "mois": "12", **(query or {})})
    request.tenant, request.user = world.tenant, user
    with scope(tenant=world.tenant):
        ctx = context_from_query(request.GET, tenant=world.tenant, user=user, customer=world.customer)
        return TABS[key].render(request, ctx)


def _row(html: str, row_id: str) -> str:
    found = re.search(rf'<tr[^>]* id="{row_id}".*?</tr>', html, re.S)
    assert found, row_id
    return found.group(0)


def _panel_buttons(row: str) -> None:
    for label in ("Wiki", "Coffre-fort"):
        button = re.search(rf"<a [^>]*>{label}</a>", row)
        assert button, label
        tag = button.group(0)
        assert 'hx-target="#synthese-panel-body"' in tag and 'hx-swap="innerHTML"' in tag
        assert f'hx-select="{PANEL_PAGE_SELECT}"' in tag and 'hx-push-url="false"' in tag


def test_details_shows_the_groups_fields_visible_in_the_synthese_only(world, manager):
    tenant = world.tenant
    group = CharacteristicGroupFactory(tenant=tenant, label="Environnement d'impression")
    shown = CharacteristicFieldFactory(tenant=tenant, group=group, label="Volume mensuel estimé")
    hidden = CharacteristicFieldFactory(
        tenant=tenant, group=group, label="Note interne", visible_in_synthese=False
    )
    other = CharacteristicFieldFactory(
        tenant=tenant,
        group=CharacteristicGroupFactory(tenant=tenant, label="Groupe sans champ visible"),
        visible_in_synthese=False,
    )
    with scope(tenant=tenant):
        for field, value in ((shown, "12 000 pages"), (hidden, "Ne pas afficher"), (other, "Non plus")):
            tiers.CharacteristicValue.objects.create(
                tenant=tenant,
                field=field,
                content_type=ContentType.objects.get_for_model(ThirdParty),
                object_id=world.customer.pk,
                value_text=value,
            )
    html = _render(world, manager, "details")
    assert "Environnement d&#x27;impression" in html and "Volume mensuel estimé" in html
    assert "12 000 pages" in html
    assert "Note interne" not in html and "Ne pas afficher" not in html
    assert "Groupe sans champ visible" not in html


def test_details_sites_have_filter_wiki_and_vault_buttons(world, manager):
    site = world.sites[0]
    row = _row(_render(world, manager, "details"), f"site-{site.pk}")
    assert f"site={site.pk}" in row and ">Filtrer</a>" in row
    _panel_buttons(row)
    assert (
        reverse(
            "tiers:wiki_list",
            kwargs={"content_type": ContentType.objects.get_for_model(site).pk, "object_id": site.pk},
        )
        in row
    )


def test_parc_asset_rows_have_wiki_and_vault_buttons(world, manager):
    _panel_buttons(_row(_render(world, manager, "parc"), f"bien-{world.asset.pk}"))


def test_ssc_shows_the_covered_assets_count_and_its_filter(world, manager):
    contract = world.contract
    row = _row(_render(world, manager, "ssc"), f"contrat-{contract.pk}")
    # C covers the assets in, bl, site and removed (tests/synthese/factories.py).
    assert re.search(r"<td[^>]*>\s*4\s*</td>", row)
    assert f"contrat={contract.pk}" in row and ">Filtrer</a>" in row


def test_dit_shows_the_interventions_and_exchanges_counts(world, manager):
    request = world.rows["dit"]["in"]
    with scope(tenant=world.tenant):
        for body in ("Premier message", "Second message"):
            ExchangeFactory(
                tenant=world.tenant,
                customer=world.customer,
                site=request.site,
                target_type=ContentType.objects.get_for_model(ServiceRequest),
                target_id=request.pk,
                body=body,
            )
    row = _row(_render(world, manager, "dit"), f"dit-{request.pk}")
    detail = reverse("parc:request_detail", kwargs={"pk": request.pk})
    assert f'1 <a href="{detail}#interventions">Plus</a>' in row
    thread = reverse(
        "tiers:exchanges",
        kwargs={
            "content_type": ContentType.objects.get_for_model(ServiceRequest).pk,
            "object_id": request.pk,
        },
    )
    assert f'hx-get="{thread}?apercu=1" hx-trigger="mouseenter once"' in row
    assert re.search(rf'<a href="{thread}" class="exchanges-link" hx-get="{thread}"[^>]*>2</a>', row)
    other = _row(_render(world, manager, "dit"), f"dit-{world.rows['dit']['bl'].pk}")
    assert re.search(r'class="exchanges-link"[^>]*>0</a>', other)


def test_commandes_show_margins_service_revenue_and_exchanges(world, manager):
    html = _render(world, manager, "commandes")
    for header in ("Marge", "CA SSC annuel", "Marge SSC annuelle", "Éch.", "Activité"):
        assert f">{header}</" in html, header
    order = world.rows["commandes"]["in"]
    row = _row(html, f"commande-{order.pk}")
    assert 'class="exchanges-cell"' in row and reverse("ventes:order_detail", kwargs={"pk": order.pk}) in row


@pytest.mark.usefixtures("media_root")
def test_pieces_lists_the_generated_pdfs_viewable_and_downloadable(world, manager, login):
    tenant = world.tenant
    invoice = InvoiceFactory(tenant=tenant, customer=world.customer, site=world.sites[0])
    documents = {
        "Devis PDF": world.rows["devis"]["in"],
        "Commande PDF": world.rows["commandes"]["in"],
        "Facture PDF": invoice,
    }
    with scope(tenant=tenant):
        attached = {
            title: document_pdf_attach(
                tenant=tenant,
                actor=manager,
                document=document,
                title=title,
                filename=f"{title}.pdf",
                content=PDF,
            )
            for title, document in documents.items()
        }
    html = _render(world, manager, "pieces")
    for title, item in attached.items():
        row = _row(html, f"document-{item.pk}")
        download = reverse("tiers:attachment_download", kwargs={"pk": item.pk})
        assert title in row and f'href="{download}" target="_blank"' in row and "download" in row
    response = login(manager).get(
        reverse("tiers:attachment_download", kwargs={"pk": attached["Facture PDF"].pk})
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # A link document opens its address.
    link = world.rows["pieces"]["unlinked"]
    assert f'<a href="{link.url}" target="_blank" rel="noopener">' in _row(html, f"document-{link.pk}")


def test_signatures_show_their_status(world, manager):
    signatures = world.rows["signatures"]
    with scope(tenant=world.tenant):
        tiers.Signature.objects.filter(pk=signatures["bl"].pk).update(
            status=SignatureStatus.SIGNED, answered_at=timezone.now()
        )
        tiers.Signature.objects.filter(pk=signatures["site"].pk).update(
            status=SignatureStatus.REFUSED, answered_at=timezone.now()
        )
    html = _render(world, manager, "signatures")
    assert 'badge-warning">Envoyée<' in _row(html, f"signature-{signatures['in'].pk}")
    assert 'badge-success">Signée<' in _row(html, f"signature-{signatures['bl'].pk}")
    assert 'badge-danger">Refusée<' in _row(html, f"signature-{signatures['site'].pk}")


def test_parc_type_column_names_each_kind_of_row(world, manager):
    html = _render(world, manager, "parc")
    rows = world.rows["parc"]
    competitor = rows["competitor"]
    assert ">Bien<" in _row(html, f"bien-{world.asset.pk}")
    assert ">Équipement inventorié<" in _row(html, f"equipement-{rows['equipment'].pk}")
    kind = competitor.get_kind_display()
    assert f">Concurrent — {kind}<" in _row(html, f"concurrent-{competitor.pk}")


def test_parc_detail_shows_the_last_vmm_of_each_meter_and_the_financing(world, manager):
    import datetime
    from decimal import Decimal

    from parc import models as parc
    from tests.parc.factories_assets import FinancingFactory
    from tests.parc.factories_meters import MeterTypeFactory

    asset, tenant = world.asset, world.tenant
    black = MeterTypeFactory(tenant=tenant, code="NOIR", position=1)
    colour = MeterTypeFactory(tenant=tenant, code="COULEUR", position=2)
    FinancingFactory(
        tenant=tenant, asset=asset, ends_on=datetime.date(2027, 6, 30), remaining=Decimal("4321.50")
    )
    with scope(tenant=tenant):
        for meter, month, value in (
            (black, datetime.date(2026, 8, 1), Decimal("1111")),
            (black, datetime.date(2026, 9, 1), Decimal("2345")),
            (colour, datetime.date(2026, 9, 1), Decimal("678")),
        ):
            parc.MonthlyVolume.objects.create(
                tenant=tenant,
                customer=asset.customer,
                site=asset.site,
                business_line=asset.business_line,
                asset=asset,
                meter_type=meter,
                month=month,
                value=value,
            )
    panel = _render(world, manager, "parc", {"parc-detail": f"bien-{asset.pk}"})
    panel = panel.replace("\xa0", " ").replace("\u202f", " ")  # French thousands separators
    assert "Noir et blanc" in panel and "Couleur" in panel
    assert '<td class="num">2 345</td>' in panel and '<td class="num">678</td>' in panel
    assert "1 111" not in panel  # an older month of the same meter
    assert "09/2026" in panel and "30/06/2027" in panel and "4 321,50" in panel
    bare = _render(world, manager, "parc", {"parc-detail": f"bien-{world.rows['parc']['bl'].pk}"})
    assert "Aucun VMM calculé pour ce bien." in bare
