"""The article catalogue: list, detail, create and edit (through parc.services.catalogue)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from crm.views.base import TenantPermissionRequiredMixin
from parc.forms.catalogue import ArticleForm
from parc.models import Article
from parc.selectors_assets import article_get
from parc.services.catalogue import article_create, article_update
from parc.tables import ArticleTable

from .base import ParcListView, ServiceFormView


def article_or_404(request, pk: int) -> Article:
    try:
        return article_get(tenant=request.tenant, pk=pk)
    except Article.DoesNotExist:
        raise Http404 from None


def detail_url(article: Article) -> str:
    return reverse("parc:article_detail", kwargs={"pk": article.pk})


class ArticleListView(ParcListView):
    permission_required = "parc.view_article"
    title = gettext_lazy("Catalogue d'articles")
    list_key = "articles"
    table_class = ArticleTable
    nav = "assets"
    create_url = reverse_lazy("parc:article_create")
    create_label = gettext_lazy("Nouvel article")
    create_permission = "parc.add_article"


class ArticleDetailView(TenantPermissionRequiredMixin, View):
    permission_required = "parc.view_article"
    http_method_names = ["get"]

    def get(self, request, pk: int):
        return render(request, "parc/articles/detail.html", {"article": article_or_404(request, pk)})


class _ArticleFormView(ServiceFormView):
    success_message = gettext_lazy("Article enregistré.")
    article: Article | None = None

    def make_form(self, data=None):
        return ArticleForm(data, instance=self.article, tenant=self.request.tenant)

    def success_url(self, saved) -> str:
        return detail_url(saved)


class ArticleCreateView(_ArticleFormView):
    permission_required = "parc.add_article"

    @property
    def title(self) -> str:
        return _("Nouvel article")

    def back_url(self) -> str:
        return reverse("parc:article_list")

    def save(self, form):
        return article_create(tenant=self.request.tenant, actor=self.request.user, **form.cleaned_data)


class ArticleUpdateView(_ArticleFormView):
    permission_required = "parc.change_article"

    def dispatch(self, request, *args, **kwargs):
        if self.has_permission():
            self.article = article_or_404(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self) -> str:
        return _("Modifier l'article %(code)s") % {"code": self.article.code}

    def back_url(self) -> str:
        return detail_url(self.article)

    def save(self, form):
        return article_update(
            tenant=self.request.tenant, actor=self.request.user, article=self.article, **form.cleaned_data
        )


urlpatterns = [
    path("articles/", ArticleListView.as_view(), name="article_list"),
    path("articles/nouveau/", ArticleCreateView.as_view(), name="article_create"),
    path("articles/<int:pk>/", ArticleDetailView.as_view(), name="article_detail"),
    path("articles/<int:pk>/modifier/", ArticleUpdateView.as_view(), name="article_update"),
]
