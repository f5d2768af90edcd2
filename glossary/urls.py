"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/graph/", include("graphviz_app.api.urls")),
    path("api/export/", include("glossary.exchange.urls")),
    path("api/", include("glossary.api.urls")),
    path("graph/", include("graphviz_app.urls")),
    path("", include("glossary.web_urls")),
]
