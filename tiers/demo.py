"""Demo data of the tiers app: a realistic population of customers, prospects and contacts.

Per company: segmentation lists and tags, then third parties built in memory and inserted in
batches (crm.demo.bulk_create_in_batches) chunk by chunk, so memory stays flat at any scale:
French company names with accents, valid SIREN/SIRET (Luhn), VAT numbers (key computed from
the SIREN) and NAF codes, real postal code/city pairs (tiers.PostalCode when it is filled, else
a short built-in list), a default address with phone and e-mail, sites (one main with GPS
coordinates in France) with their business lines and reps, 1 to 5 contacts per customer (some
shared by two customers), bank accounts with valid IBANs (schwifty, from a French BBAN with its
RIB key), ship-to rows, tags; a few prospects (draft and validated), one closed customer and one
customer reserved to the company's manager.

Rows are written directly (not through the services): the same invariants hold (normalized
name, visibility row, one default address, one main site, one default contact and bank
account), and it is what makes ``--scale large`` (100,000 third parties and 300,000 contacts in
the first company) take minutes. The code counters are moved past the demo codes, so the
services' next generated code is free.

Idempotent: a company that already has third parties is left as it is.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from crm.demo import DemoContext, bulk_create_in_batches

# At --scale large the issue asks for one company of this size (the others follow the scale table).
LARGE_FIRST_COMPANY = {"third_parties": 100_000, "contacts": 300_000}
CHUNK = 5_000  # third parties built in memory at once
PROSPECT_SHARE = 0.15
SHARED_CONTACT_SHARE = 0.06
# Counter keys of the code generators (tiers.services.third_parties.CODE_COUNTER and
# tiers.services.contacts.COUNTER_KEY) and the formats they produce (C000042; 15 digits).
THIRD_PARTY_COUNTER = "tiers"
CONTACT_COUNTER = "contacts"
CONTACT_KEY_WIDTH = 15

SEGMENTS = {
    "category": [
        ("PME", "PME"),
        ("GC", "Grand compte"),
        ("ADM", "Administration"),
        ("ASSO", "Association"),
        ("PRO", "Profession libérale"),
    ],
    "classification": [("A", "Classe A"), ("B", "Classe B"), ("C", "Classe C")],
    "activity": [
        ("COMPTA", "Cabinet comptable"),
        ("INDUS", "Industrie"),
        ("SANTE", "Santé"),
        ("ENSEIGN", "Enseignement"),
        ("COMMERCE", "Commerce de détail"),
        ("BTP", "Bâtiment et travaux publics"),
        ("JURID", "Études juridiques"),
    ],
    "origin": [
        ("SALON", "Salon professionnel"),
        ("WEB", "Site internet"),
        ("RECO", "Recommandation"),
        ("PHONING", "Prospection téléphonique"),
        ("AO", "Appel d'offres"),
    ],
    "contact_function": [
        ("DG", "Directeur général"),
        ("DAF", "Directeur administratif et financier"),
        ("ACHATS", "Responsable des achats"),
        ("DSI", "Responsable informatique"),
        ("COMPTA", "Comptable"),
        ("ASSIST", "Assistante de direction"),
        ("OFFICE", "Office manager"),
        ("GERANT", "Gérant"),
    ],
}
TAGS = ["VIP", "Parc à renouveler", "Contrat en cours", "Appel d'offres", "Mauvais payeur", "Fidèle"]

NAME_PATTERNS = [
    "Imprimerie {name}",
    "Cabinet {name} & Associés",
    "Établissements {name}",
    "Société Générale d'Équipement {name}",
    "Pâtisserie {name}",
    "Électricité {name}",
    "Hôtel {name}",
    "Clinique vétérinaire {name}",
    "Études notariales {name}",
    "Garage {name}",
    "Pharmacie {name}",
    "Boulangerie {name}",
    "Agence immobilière {name}",
    "Crèche Les Petits Loups {name}",
    "Menuiserie {name} Frères",
    "Transports {name}",
    "Bureau d'études {name}",
    "Laboratoire {name}",
    "{name} Informatique",
    "{name} Télécom",
]
LEGAL_FORMS = ["SARL", "SAS", "SA", "EURL", "SASU", "", ""]
NAF_FALLBACK = [
    "62.01Z", "62.02A", "46.66Z", "69.20Z", "86.21Z", "47.11F", "43.21A", "56.10A",
    "68.20B", "71.12B", "82.11Z", "85.59A", "45.20A", "10.71C", "49.41A", "75.00Z",
]  # fmt: skip
# (postal code, city, département, latitude, longitude): the fallback places, and the centres
# around which sites of a département get their GPS coordinates.
PLACES = [
    ("75008", "PARIS", "75", 48.8722, 2.3170),
    ("69002", "LYON", "69", 45.7485, 4.8270),
    ("13001", "MARSEILLE", "13", 43.2990, 5.3820),
    ("31000", "TOULOUSE", "31", 43.6045, 1.4440),
    ("06000", "NICE", "06", 43.7031, 7.2661),
    ("44000", "NANTES", "44", 47.2184, -1.5536),
    ("67000", "STRASBOURG", "67", 48.5734, 7.7521),
    ("34000", "MONTPELLIER", "34", 43.6108, 3.8767),
    ("33000", "BORDEAUX", "33", 44.8378, -0.5792),
    ("59000", "LILLE", "59", 50.6292, 3.0573),
    ("35000", "RENNES", "35", 48.1173, -1.6778),
    ("51100", "REIMS", "51", 49.2583, 4.0317),
    ("42000", "SAINT-ÉTIENNE", "42", 45.4397, 4.3872),
    ("83000", "TOULON", "83", 43.1242, 5.9280),
    ("38000", "GRENOBLE", "38", 45.1885, 5.7245),
    ("21000", "DIJON", "21", 47.3220, 5.0415),
    ("49000", "ANGERS", "49", 47.4784, -0.5632),
    ("30000", "NÎMES", "30", 43.8367, 4.3601),
    ("63000", "CLERMONT-FERRAND", "63", 45.7772, 3.0870),
    ("72000", "LE MANS", "72", 48.0061, 0.1996),
    ("29200", "BREST", "29", 48.3904, -4.4861),
    ("37000", "TOURS", "37", 47.3941, 0.6848),
    ("80000", "AMIENS", "80", 49.8941, 2.2958),
    ("87000", "LIMOGES", "87", 45.8336, 1.2611),
    ("74000", "ANNECY", "74", 45.8992, 6.1294),
    ("64000", "PAU", "64", 43.2951, -0.3708),
    ("76000", "ROUEN", "76", 49.4432, 1.0999),
    ("57000", "METZ", "57", 49.1193, 6.1757),
    ("25000", "BESANÇON", "25", 47.2378, 6.0241),
    ("14000", "CAEN", "14", 49.1829, -0.3707),
]
CENTRES = {department: (lat, lon) for _code, _city, department, lat, lon in PLACES}
STREETS = [
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Gambetta",
    "place de l'Église", "rue du Général de Gaulle", "allée des Tilleuls", "rue Pasteur",
    "chemin des Écoliers", "avenue de la Libération", "rue Émile Zola", "quai Saint-Antoine",
    "rue de la Gare", "impasse des Châtaigniers", "route de Lyon", "rue des Frères Lumière",
]  # fmt: skip
# (bank code, bank name, BIC): real French banks; the IBAN is built by schwifty.
BANKS = [
    ("30004", "BNP Paribas", "BNPAFRPP"),
    ("30003", "Société Générale", "SOGEFRPP"),
    ("30006", "Crédit Agricole", "AGRIFRPP"),
    ("10278", "Crédit Mutuel", "CMCIFR2A"),
    ("30002", "LCL", "CRLYFRPP"),
    ("20041", "La Banque Postale", "PSSTFRPP"),
    ("10107", "BRED Banque Populaire", "BREDFRPP"),
]
# La Poste's SIREN escapes the Luhn rule (its SIRETs do not check): never drawn at random.
LA_POSTE_SIREN = "356000000"


@dataclass
class _Population:
    """Everything one company's step needs besides the rows it creates."""

    company: object
    france: object
    euro: object
    places: list[tuple[str, str, str]]
    naf_codes: list[str]
    segments: dict[str, list]
    tags: list
    reps_by_line: dict[int, list]
    business_lines: list
    manager: object | None
    sirens: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)


def seed_tiers(ctx: DemoContext) -> None:
    from crm.services.tenant_binding import tenant_context

    from .models import ThirdParty

    seeded = False
    for index, company in enumerate(ctx.companies):
        sizes = dict(ctx.sizes)
        if ctx.scale == "large" and index == 0:
            sizes.update(LARGE_FIRST_COMPANY)
        with tenant_context(company):
            population = _population(ctx, company)
            if ThirdParty.objects.filter(tenant=company).exists():
                continue  # already seeded: a second run adds nothing
            _seed_company(ctx, population, sizes)
            seeded = True
    if seeded and ctx.bulk:
        _analyze()


def _analyze() -> None:
    """Refresh the planner's statistics of the tables just filled: without them the list queries
    are planned for empty tables (seconds instead of milliseconds until autovacuum runs)."""
    from django.apps import apps
    from django.db import connection

    tables = [model._meta.db_table for model in apps.get_app_config("tiers").get_models()]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _population(ctx: DemoContext, company) -> _Population:
    from crm.models import BusinessLine, Country, Currency, Membership

    from .models import NafCode, PostalCode, SegmentValue, Tag

    segments = {
        kind: [
            SegmentValue.objects.get_or_create(
                tenant=company, kind=kind, code=code, defaults={"label": label}
            )[0]
            for code, label in values
        ]
        for kind, values in SEGMENTS.items()
    }
    tags = [Tag.objects.get_or_create(tenant=company, label=label)[0] for label in TAGS]
    places = list(
        PostalCode.objects.filter(country_code="FR", subdivision__in=list(CENTRES))
        .order_by("postal_code", "city", "pk")
        .values_list("postal_code", "city", "subdivision")
    ) or [(code, city, department) for code, city, department, _lat, _lon in PLACES]
    naf_codes = list(NafCode.objects.order_by("code").values_list("code", flat=True)) or NAF_FALLBACK
    business_lines = list(BusinessLine.objects.filter(tenant=company).order_by("code"))
    memberships = list(
        Membership.objects.filter(tenant=company, is_active=True)
        .select_related("user", "role")
        .prefetch_related("business_lines")
        .order_by("user__username")
    )
    managers = [m.user for m in memberships if m.role.name == "Manager"]
    reps_by_line: dict[int, list] = {}
    for line in business_lines:
        reps = [m.user for m in memberships if m.role.name == "Commercial" and line in m.business_lines.all()]
        reps_by_line[line.pk] = reps or managers[:1]
    return _Population(
        company=company,
        france=Country.objects.get(code="FR"),
        euro=company.currency or Currency.objects.get(code="EUR"),
        places=places,
        naf_codes=naf_codes,
        segments=segments,
        tags=tags,
        reps_by_line=reps_by_line,
        business_lines=business_lines,
        manager=managers[0] if managers else None,
    )


def _seed_company(ctx: DemoContext, population: _Population, sizes: dict[str, int]) -> None:
    from crm.models import Counter

    total = sizes["third_parties"]
    contacts_total = sizes["contacts"]
    sites_per_customer = max(1.0, sizes["sites"] / max(1, total))
    fake = ctx.faker()
    made_contacts = 0
    for start in range(0, total, CHUNK):
        count = min(CHUNK, total - start)
        # Contacts are spread in proportion to the chunk's share of third parties.
        chunk_contacts = round(contacts_total * (start + count) / total) - made_contacts
        made_contacts += _seed_chunk(
            ctx,
            fake,
            population,
            first_number=start + 1,
            count=count,
            contacts=chunk_contacts,
            first_contact=made_contacts + 1,
            sites_per_customer=sites_per_customer,
        )
    company = population.company
    for key, value in ((THIRD_PARTY_COUNTER, total), (CONTACT_COUNTER, made_contacts)):
        counter, _created = Counter.objects.get_or_create(tenant=company, key=key, defaults={"value": value})
        if counter.value < value:
            Counter.objects.filter(pk=counter.pk).update(value=value)


def _seed_chunk(
    ctx: DemoContext,
    fake,
    population: _Population,
    *,
    first_number: int,
    count: int,
    contacts: int,
    first_contact: int,
    sites_per_customer: float,
) -> int:
    """Build and insert ``count`` third parties with their neighbourhood; returns the contacts made."""
    from .models import (
        Address,
        AddressEmail,
        AddressPhone,
        BankAccount,
        Contact,
        ContactLink,
        Lifecycle,
        ShipTo,
        Site,
        SiteBusinessLine,
        ThirdParty,
        ThirdPartyAllowedUser,
        ThirdPartyClassification,
        ThirdPartyTag,
        ThirdPartyVisibility,
    )
    from .models.addresses import PhoneKind

    rng = ctx.rng
    company = population.company
    today = ctx.today
    closed_at = datetime.datetime.combine(today, datetime.time(9), tzinfo=datetime.UTC)

    def insert(model, rows) -> list:
        rows = list(rows)
        bulk_create_in_batches(model, rows, tenant=company)
        return rows

    # --- third parties
    third_parties: list = []
    for number in range(first_number, first_number + count):
        third_parties.append(_third_party(rng, fake, population, number=number, today=today))
    if first_number == 1:
        # The first customers of the company: one closed, one reserved to the manager.
        customers = [tp for tp in third_parties if tp.lifecycle == Lifecycle.CUSTOMER]
        customers[0].is_closed, customers[0].closed_at = True, closed_at
        customers[0].observations = "Compte fermé : société liquidée."
        if population.manager is not None:
            customers[1].is_reserved = True
            customers[1].observations = "Client suivi personnellement par la direction."
    insert(ThirdParty, third_parties)
    insert(
        ThirdPartyVisibility,
        (
            ThirdPartyVisibility(third_party=tp, is_closed=tp.is_closed, is_reserved=tp.is_reserved)
            for tp in third_parties
        ),
    )
    insert(
        ThirdPartyAllowedUser,
        (
            ThirdPartyAllowedUser(third_party=tp, user=population.manager)
            for tp in third_parties
            if tp.is_reserved
        ),
    )
    tags = [
        ThirdPartyTag(third_party=tp, tag=tag)
        for tp in third_parties
        for tag in rng.sample(population.tags, k=rng.choice((0, 0, 1, 1, 2)))
    ]
    insert(ThirdPartyTag, tags)
    insert(
        ThirdPartyClassification,
        (
            ThirdPartyClassification(third_party=tp, value=rng.choice(population.segments["classification"]))
            for tp in third_parties
            if rng.random() < 0.3
        ),
    )

    # --- addresses, phones, e-mails
    addresses: list = []
    default_address: dict[int, object] = {}
    extra_addresses: dict[int, list] = {}
    customers = [tp for tp in third_parties if tp.lifecycle == Lifecycle.CUSTOMER]
    for tp in third_parties:
        place = rng.choice(population.places)
        address = _address(rng, fake, population, tp, code="001", place=place, default=True)
        default_address[tp.pk] = address
        addresses.append(address)
        if tp.lifecycle == Lifecycle.CUSTOMER:
            extra = []
            while 1 + len(extra) < 3 and rng.random() < sites_per_customer - 1 - len(extra):
                extra_place = rng.choice(population.places)
                extra.append(
                    _address(
                        rng,
                        fake,
                        population,
                        tp,
                        code=f"{len(extra) + 2:03d}",
                        place=extra_place,
                        default=False,
                    )
                )
            extra_addresses[tp.pk] = extra
            addresses.extend(extra)
    insert(Address, addresses)
    phones = []
    emails = []
    for tp in third_parties:
        address = default_address[tp.pk]
        number = _landline(rng, address.subdivision)
        phones.append(
            AddressPhone(address=address, kind=PhoneKind.PHONE, number=number, digits=_digits(number))
        )
        if rng.random() < 0.3:
            fax = _landline(rng, address.subdivision)
            phones.append(AddressPhone(address=address, kind=PhoneKind.FAX, number=fax, digits=_digits(fax)))
        emails.append(AddressEmail(address=address, email=f"contact@{_domain(tp.name)}"))
    insert(AddressPhone, phones)
    insert(AddressEmail, emails)

    # --- sites (customers only), business lines and reps
    sites: list = []
    for tp in customers:
        sites.append(_site(rng, tp, default_address[tp.pk], main=True, name="Siège"))
        for index, address in enumerate(extra_addresses[tp.pk], start=1):
            sites.append(_site(rng, tp, address, main=False, name=f"Agence {address.city.title()} {index}"))
    insert(Site, sites)
    links = []
    for site in sites:
        lines = population.business_lines
        for line in rng.sample(lines, k=min(len(lines), rng.choice((1, 1, 2, 3)))):
            reps = population.reps_by_line.get(line.pk) or [None]
            links.append(SiteBusinessLine(site=site, business_line=line, rep=rng.choice(reps)))
    insert(SiteBusinessLine, links)

    # --- contacts: 1 per prospect, 1 to 5 per customer (about ``contacts`` in all), some shared
    per_third_party = {tp.pk: 1 for tp in third_parties}
    remaining = max(0, contacts - len(third_parties))
    growable = [tp.pk for tp in customers]
    while remaining > 0 and growable:
        pk = growable[rng.randrange(len(growable))]
        per_third_party[pk] += 1
        remaining -= 1
        if per_third_party[pk] == 5:
            growable.remove(pk)
    contact_rows: list = []
    link_rows: list = []
    owners: list = []
    functions = population.segments["contact_function"]
    for tp in third_parties:
        for index in range(per_third_party[tp.pk]):
            contact = _contact(
                rng,
                fake,
                population,
                tp,
                key=first_contact + len(contact_rows),
                function=rng.choice(functions),
            )
            contact_rows.append(contact)
            owners.append((contact, tp, index == 0))
    insert(Contact, contact_rows)
    for contact, tp, is_default in owners:
        link_rows.append(
            ContactLink(
                contact=contact, third_party=tp, is_default=is_default, address=default_address[tp.pk]
            )
        )
    shared = [contact for contact, tp, _default in owners if tp.lifecycle == Lifecycle.CUSTOMER]
    if len(customers) > 1 and shared:
        owner_of = {contact.pk: tp.pk for contact, tp, _default in owners}
        for contact in rng.sample(shared, k=max(1, round(len(shared) * SHARED_CONTACT_SHARE))):
            other = rng.choice(customers)
            if other.pk != owner_of[contact.pk]:
                link_rows.append(ContactLink(contact=contact, third_party=other, is_default=False))
    insert(ContactLink, link_rows)

    # --- bank accounts and ship-to rows (customers)
    accounts = []
    ship_tos = []
    for tp in customers:
        address = default_address[tp.pk]
        if rng.random() < 0.5:
            accounts.append(_bank_account(rng, tp, address, population))
        if rng.random() < 0.3:
            ship_tos.append(
                ShipTo(
                    third_party=tp,
                    address=address,
                    lead_time_days=rng.choice((1, 2, 3, 5)),
                    incoterm="DAP",
                    working_days=["lundi", "mardi", "mercredi", "jeudi", "vendredi"],
                    delivery_note="Livraison à l'accueil, du lundi au vendredi de 9 h à 17 h.",
                    vat_number=tp.vat_number,
                )
            )
    insert(BankAccount, accounts)
    insert(ShipTo, ship_tos)
    return len(contact_rows)


# --- Builders of one row ------------------------------------------------------------------------


def _third_party(rng, fake, population: _Population, *, number: int, today: datetime.date):
    from crm.normalize import normalize_text

    from .models import Lifecycle, ThirdParty

    draw = rng.random()
    if draw < PROSPECT_SHARE / 2:
        lifecycle = Lifecycle.PROSPECT_DRAFT
    elif draw < PROSPECT_SHARE:
        lifecycle = Lifecycle.PROSPECT_VALIDATED
    else:
        lifecycle = Lifecycle.CUSTOMER
    # Fixed roles first: the closed customer, the reserved one, a draft and a validated prospect.
    lifecycle = {
        1: Lifecycle.CUSTOMER,
        2: Lifecycle.CUSTOMER,
        3: Lifecycle.PROSPECT_DRAFT,
        4: Lifecycle.PROSPECT_VALIDATED,
    }.get(number, lifecycle)
    name = rng.choice(NAME_PATTERNS).format(name=fake.last_name())
    legal_form = rng.choice(LEGAL_FORMS)
    if legal_form:
        name = f"{name} {legal_form}"
    siren = _siren(rng, population.sirens)
    segments = population.segments
    return ThirdParty(
        code=f"C{number:06d}",
        name=name,
        name_search=normalize_text(name),
        short_name=name[:40],
        country=population.france,
        currency=population.euro,
        siren=siren,
        siret=_siret(rng, siren),
        naf=rng.choice(population.naf_codes),
        vat_number=_vat(siren),
        website=f"https://www.{_domain(name)}" if rng.random() < 0.6 else "",
        no_mailing=rng.random() < 0.05,
        category=rng.choice(segments["category"]),
        activity=rng.choice(segments["activity"]),
        origin=rng.choice(segments["origin"]),
        client_since=(
            today - datetime.timedelta(days=rng.randrange(30, 15 * 365))
            if lifecycle == Lifecycle.CUSTOMER
            else None
        ),
        lifecycle=lifecycle,
        is_blocked=lifecycle == Lifecycle.CUSTOMER and rng.random() < 0.02,
        is_supplier=rng.random() < 0.03,
        observations="Livraison impérative avant 10 h." if rng.random() < 0.05 else "",
    )


def _address(rng, fake, population: _Population, tp, *, code: str, place, default: bool):
    from .models import Address

    postal_code, city, department = place
    return Address(
        third_party=tp,
        code=code,
        description="Siège social" if default else "Agence",
        line1=f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
        line2="Zone d'activité des Érables" if rng.random() < 0.1 else "",
        postal_code=postal_code,
        city=city.upper(),
        subdivision=department,
        country=population.france,
        is_default=default,
    )


def _site(rng, tp, address, *, main: bool, name: str):
    from .models import Site

    lat, lon = CENTRES.get(address.subdivision, (46.6, 2.4))
    return Site(
        third_party=tp,
        name=name,
        address=address,
        latitude=Decimal(f"{lat + rng.uniform(-0.12, 0.12):.6f}"),
        longitude=Decimal(f"{lon + rng.uniform(-0.12, 0.12):.6f}"),
        is_main=main,
    )


def _contact(rng, fake, population: _Population, tp, *, key: int, function):
    from .models import Civility, Contact

    civility = rng.choice((Civility.MR, Civility.MRS))
    first_name = fake.first_name_male() if civility == Civility.MR else fake.first_name_female()
    last_name = fake.last_name()
    email = f"{_ascii(first_name)}.{_ascii(last_name)}@{_domain(tp.name)}"
    if email in population.emails:
        email = f"{_ascii(first_name)}.{_ascii(last_name)}{key}@{_domain(tp.name)}"
    population.emails.add(email)
    phone = _landline(rng, "")
    mobile = _mobile(rng)
    return Contact(
        key=f"{key:0{CONTACT_KEY_WIDTH}d}",
        civility=civility,
        first_name=first_name,
        last_name=last_name,
        function=function,
        email=email,
        phone=phone,
        phone_digits=_digits(phone),
        mobile=mobile,
        mobile_digits=_digits(mobile),
        no_mailing=rng.random() < 0.05,
    )


def _bank_account(rng, tp, address, population: _Population):
    from schwifty import IBAN

    from .models import BankAccount

    bank_code, bank_name, bic = rng.choice(BANKS)
    iban = IBAN.generate(
        "FR",
        bank_code=bank_code,
        branch_code=f"{rng.randrange(100000):05d}",
        account_code=f"{rng.randrange(10**11):011d}",
    )
    return BankAccount(
        third_party=tp,
        address=address,
        iban=iban.compact,
        bic=bic,
        bank_name=bank_name,
        domiciliation=f"{bank_name} {address.city.title()}",
        holder=tp.name[:100],
        currency=population.euro,
        is_default=True,
    )


# --- Identifiers --------------------------------------------------------------------------------


def _siren(rng, taken: set[str]) -> str:
    from stdnum import luhn

    while True:
        body = f"{rng.randrange(10_000_000, 100_000_000):08d}"
        siren = body + luhn.calc_check_digit(body)
        if siren not in taken and siren != LA_POSTE_SIREN:
            taken.add(siren)
            return siren


def _siret(rng, siren: str) -> str:
    from stdnum import luhn

    body = siren + f"{rng.randrange(1, 100):04d}"
    return body + luhn.calc_check_digit(body)


def _vat(siren: str) -> str:
    from stdnum.fr import siren as stdnum_siren

    return f"FR{stdnum_siren.to_tva(siren)}"


def _landline(rng, department: str) -> str:
    """A French landline in E.164 whose zone matches the département (01 Paris … 05 south-west)."""
    zone = {"75": "1", "13": "4", "69": "4", "06": "4", "33": "5", "31": "5", "59": "3", "67": "3"}.get(
        department, rng.choice("12345")
    )
    return f"+33{zone}{rng.randrange(10**8):08d}"


def _mobile(rng) -> str:
    return f"+33{rng.choice('67')}{rng.randrange(10**8):08d}"


def _digits(e164: str) -> str:
    """National digits of a French E.164 number: '+33478000000' → '0478000000'."""
    return "0" + e164[3:]


def _ascii(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _domain(name: str) -> str:
    words = [word for word in _ascii(name).split("-") if word not in {"sarl", "sas", "sa", "eurl", "sasu"}]
    return "-".join(words[-2:] or ["entreprise"]) + ".fr"
