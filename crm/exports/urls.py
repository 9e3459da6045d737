from django.urls import path
from django.views.generic import TemplateView

app_name = "exports"

urlpatterns = [
    path("", TemplateView.as_view(template_name="crm/exports/list.html"), name="list"),
]
