"""URLs of the tiers app: the concatenation of each view module's ``urlpatterns``."""

from importlib import import_module

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
    "lifecycle",
    "links",
    "characteristics",
    "registry",
    "merge",
)

urlpatterns: list = []
for _name in VIEW_MODULES:
    try:
        _module = import_module(f"tiers.views.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"tiers.views.{_name}":
            raise
        continue
    urlpatterns += _module.urlpatterns
