from django.urls import path

from . import views

app_name = "synthese"

urlpatterns = [
    path("", views.SearchView.as_view(), name="search"),
    path("recherche-rapide/", views.QuickSearchView.as_view(), name="quick_search"),
    path("<int:pk>/", views.CustomerView.as_view(), name="customer"),
    path("<int:pk>/suivi-commercial/", views.FollowUpsPanelView.as_view(), name="follow_ups"),
    path("<int:pk>/wiki/", views.WikiPanelView.as_view(), name="wiki"),
    path("<int:pk>/coffre-fort/", views.VaultPanelView.as_view(), name="vault"),
    path("<int:pk>/colonnes/<slug:tab>/", views.ColumnsSaveView.as_view(), name="columns"),
]
