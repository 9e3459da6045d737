"""URLs of the ventes app: the concatenation of each view module's ``urlpatterns``."""

from crm.url_modules import area_urlpatterns

app_name = "ventes"

VIEW_MODULES = (
    "deals",
    "actions",
    "quotes",
    "orders",
    "deliveries",
    "invoices",
    "payments",
    "credit",
    "history",
    "documents",
)

urlpatterns = area_urlpatterns("ventes.views", VIEW_MODULES)
