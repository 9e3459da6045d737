from django.urls import path

from . import views
from .views import cti, search_f10
from .views.record import RecordView

app_name = "synthese"

urlpatterns = [
    path("", views.SearchView.as_view(), name="search"),
    path("recherche-rapide/", views.QuickSearchView.as_view(), name="quick_search"),
    path("f10/", search_f10.F10View.as_view(), name="f10"),
    path("appels/entrant/", cti.IncomingCallView.as_view(), name="cti_incoming"),
    path("appels/nouveaux/", cti.CallPollView.as_view(), name="cti_poll"),
    path("appels/preference/", cti.CallPreferenceView.as_view(), name="cti_preference"),
    path("<int:pk>/", views.CustomerView.as_view(), name="customer"),
    path("<int:pk>/suivi-commercial/", views.FollowUpsPanelView.as_view(), name="follow_ups"),
    path("<int:pk>/wiki/", views.WikiPanelView.as_view(), name="wiki"),
    path("<int:pk>/coffre-fort/", views.VaultPanelView.as_view(), name="vault"),
    path("<int:pk>/colonnes/<slug:tab>/", views.ColumnsSaveView.as_view(), name="columns"),
    path("<int:pk>/fiche/", RecordView.as_view(), name="record_home"),
    path("<int:pk>/fiche/<slug:section>/", RecordView.as_view(), name="record"),
    path("<int:pk>/exporter/", views.SyntheseExportView.as_view(), name="export"),
]
