"""URLs of the parc app: the concatenation of each view module's ``urlpatterns``."""

from crm.url_modules import area_urlpatterns

app_name = "parc"

VIEW_MODULES = (
    "articles",
    "assets",
    "equipment",
    "competitors",
    "meters",
    "contracts",
    "requests",
    "installed_base",
)

urlpatterns = area_urlpatterns("parc.views", VIEW_MODULES)
