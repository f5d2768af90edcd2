from django.urls import path

from glossary.exchange.views import ExportView

urlpatterns = [
    path("", ExportView.as_view(), name="export"),
]
