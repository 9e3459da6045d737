# Data migration: the French postal codes and the NAF rév. 2 codes of fixtures/.

from django.db import migrations


def load_tiers_reference(apps, schema_editor):
    """Upsert every postal code and NAF code of fixtures/ with the historical models."""
    from tiers.services.reference import tiers_reference_load

    tiers_reference_load(
        postal_code_model=apps.get_model("tiers", "PostalCode"),
        naf_code_model=apps.get_model("tiers", "NafCode"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tiers", "0001_initial"),
    ]

    operations = [
        # Reversing keeps the rows: global reference data, harmless to leave.
        migrations.RunPython(load_tiers_reference, migrations.RunPython.noop, elidable=False),
    ]
