"""URLs of the tiers app. Each vertical (third parties, addresses, contacts...) adds its views here."""

app_name = "tiers"

urlpatterns: list = []
