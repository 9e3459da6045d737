from django.views.generic import TemplateView


class SearchView(TemplateView):
    """The synthèse search screen: an empty synthèse with its search field focused."""

    template_name = "synthese/search.html"
    permission_required = None  # any member of the tenant
