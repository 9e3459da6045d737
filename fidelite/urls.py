"""URLs of the fidelite app (included at /fidelite/)."""

from fidelite.views import urlpatterns  # noqa: F401

app_name = "fidelite"
