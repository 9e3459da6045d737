from django.urls import path

from crm.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.ExportListView.as_view(), name="list"),
    path("demander/", views.ExportRequestView.as_view(), name="request"),
    path("<int:pk>/etat/", views.ExportStatusView.as_view(), name="status"),
    path("<int:pk>/telecharger/", views.ExportDownloadView.as_view(), name="download"),
]
