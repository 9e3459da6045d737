"""URLs of the tiers app: the concatenation of each view module's ``urlpatterns``."""

from crm.url_modules import area_urlpatterns

app_name = "tiers"

# Each module appends its urlpatterns; the later ones also register sections of the third party's
# page (tiers.views.detail), so "detail" comes first.
VIEW_MODULES = (
    "detail",
    "lists",
    "third_parties",
    "sites_banks",
    "contacts",
    "terms",
    "terms_footer",
    "lifecycle",
    "links",
    "characteristics",
    "registry",
    "merge",
    "records",
    "signing",
)

urlpatterns = area_urlpatterns("tiers.views", VIEW_MODULES)
