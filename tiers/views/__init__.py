"""Views of the tiers app, one module per area; each module exposes its own ``urlpatterns``."""
