"""URLs of the tiers app: the concatenation of each view module's ``urlpatterns``."""

from importlib import import_module

app_name = "tiers"

VIEW_MODULES = ("lists", "third_parties", "sites_banks", "contacts")

urlpatterns: list = []
for _name in VIEW_MODULES:
    try:
        _module = import_module(f"tiers.views.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"tiers.views.{_name}":
            raise
        continue
    urlpatterns += _module.urlpatterns
