"""Demo catalogue of each company: families and sub-families, brands and articles of the four
business lines (Impression, Informatique, Téléphonie, Vidéosurveillance). Idempotent
(get_or_create on the business codes)."""

from __future__ import annotations

from crm.demo import DemoContext

# (family code, label, business line code, [(sub-family code, label)])
FAMILIES = [
    ("COP", "Copieurs", "IMP", [("COP-NB", "Copieurs noir et blanc"), ("COP-CL", "Copieurs couleur")]),
    ("INF", "Informatique", "INF", [("INF-PC", "Postes de travail"), ("INF-SRV", "Serveurs")]),
    ("TEL", "Téléphonie", "TEL", [("TEL-STD", "Standards"), ("TEL-PST", "Postes téléphoniques")]),
    ("VID", "Vidéosurveillance", "VID", [("VID-CAM", "Caméras"), ("VID-ENR", "Enregistreurs")]),
]
# (code, label, sub-family code, brand, model)
ARTICLES = [
    ("CAN-IR2630", "Canon imageRUNNER 2630i noir et blanc A3", "COP-NB", "Canon", "iR 2630i"),
    ("CAN-C3830", "Canon imageRUNNER ADVANCE C3830i couleur A3", "COP-CL", "Canon", "iR-ADV C3830i"),
    ("RIC-IM430", "Ricoh IM 430F noir et blanc A4", "COP-NB", "Ricoh", "IM 430F"),
    ("RIC-IMC3000", "Ricoh IM C3000 couleur A3", "COP-CL", "Ricoh", "IM C3000"),
    ("KM-B301I", "Konica Minolta bizhub 301i noir et blanc A3", "COP-NB", "Konica Minolta", "bizhub 301i"),
    ("KM-C450I", "Konica Minolta bizhub C450i couleur A3", "COP-CL", "Konica Minolta", "bizhub C450i"),
    ("DELL-7010", "PC Dell OptiPlex 7010", "INF-PC", "Dell", "OptiPlex 7010"),
    ("HP-800G9", "PC HP EliteDesk 800 G9", "INF-PC", "HP", "EliteDesk 800 G9"),
    ("DELL-R750", "Serveur Dell PowerEdge R750", "INF-SRV", "Dell", "PowerEdge R750"),
    ("HPE-DL380", "Serveur HPE ProLiant DL380 Gen11", "INF-SRV", "HPE", "ProLiant DL380"),
    ("ALE-OXO", "Standard Alcatel-Lucent OmniPCX Office", "TEL-STD", "Alcatel-Lucent", "OXO Connect"),
    ("3CX-PRO", "Standard IP 3CX Pro", "TEL-STD", "3CX", "Pro"),
    ("YEA-T54W", "Poste IP Yealink T54W", "TEL-PST", "Yealink", "T54W"),
    ("ALE-8058", "Poste Alcatel-Lucent 8058s", "TEL-PST", "Alcatel-Lucent", "8058s"),
    ("HIK-DS2CD", "Caméra dôme Hikvision 4 MP", "VID-CAM", "Hikvision", "DS-2CD2143G2"),
    ("AXIS-P3265", "Caméra Axis P3265-LVE", "VID-CAM", "Axis", "P3265-LVE"),
    ("HIK-NVR16", "Enregistreur Hikvision 16 voies", "VID-ENR", "Hikvision", "DS-7616NI"),
]


def seed(ctx: DemoContext) -> None:
    from crm.models import BusinessLine
    from crm.services.tenant_binding import tenant_context

    from .models import Article, ArticleFamily, Brand

    for company in ctx.companies:
        with tenant_context(company):
            lines = {line.code: line for line in BusinessLine.objects.filter(tenant=company)}
            sub_families: dict[str, tuple] = {}
            for code, label, line_code, children in FAMILIES:
                family, _created = ArticleFamily.objects.get_or_create(
                    tenant=company, code=code, defaults={"label": label}
                )
                for sub_code, sub_label in children:
                    sub_family, _created = ArticleFamily.objects.get_or_create(
                        tenant=company, code=sub_code, defaults={"label": sub_label, "parent": family}
                    )
                    sub_families[sub_code] = (family, sub_family, lines.get(line_code))
            for code, label, sub_code, brand_name, model in ARTICLES:
                family, sub_family, line = sub_families[sub_code]
                if line is None:
                    continue
                brand, _created = Brand.objects.get_or_create(tenant=company, name=brand_name)
                Article.objects.get_or_create(
                    tenant=company,
                    code=code,
                    defaults={
                        "label": label,
                        "business_line": line,
                        "family": family,
                        "sub_family": sub_family,
                        "brand": brand,
                        "model": model,
                    },
                )
