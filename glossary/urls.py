"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path

from glossary.views import favicon

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("api/graph/", include("graphviz_app.api.urls")),
    path("api/export/", include("glossary.exchange.urls")),
    path("api/", include("glossary.api.urls")),
    path("graph/", include("graphviz_app.urls")),
    path("", include("graphviz_app.site_urls")),
    path("", include("glossary.web_urls")),
]

# A database outage is a 503 with Retry-After (JSON under /api/), other errors a plain 500 page.
handler500 = "glossary.errors.server_error"
