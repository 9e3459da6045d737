"""Root URLs. Apps are included by dotted string, so the core never imports them."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from crm.views import account

urlpatterns = [
    path("", account.HomeView.as_view(), name="home"),
    path("societe/changer/", account.tenant_switch, name="tenant_switch"),
    path("activites/", account.business_lines_update, name="business_lines_update"),
    path("compte/connexion/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("compte/deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("compte/mot-de-passe/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "compte/mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("exports/", include("crm.exports.urls")),
    path("tiers/", include("tiers.urls")),
    path("parc/", include("parc.urls")),
    path("ventes/", include("ventes.urls")),
    path("fidelite/", include("fidelite.urls")),
    path("synthese/", include("synthese.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
