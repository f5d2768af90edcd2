from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from glossary.api import views
from glossary.api.releases import ReleaseViewSet


class Router(DefaultRouter):
    # No `.json` suffix routes: ?format=json does the same, and the schema stays one path per resource.
    include_format_suffixes = False
    APIRootView = views.APIRootView


router = Router()
router.register("terms", views.TermViewSet, basename="term")
router.register("relations", views.RelationViewSet, basename="relation")
router.register("relation-types", views.RelationTypeViewSet, basename="relationtype")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("references", views.ReferenceViewSet, basename="reference")
router.register("releases", ReleaseViewSet, basename="release")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's start-up script served as a file (?script), not inline: the CSP allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="glossary/api_docs.html"),
         name="api-docs"),
    path("auth/token/", views.ObtainTokenView.as_view(), name="api-token"),
    path("health/", views.health, name="api-health"),
    path("changes/", views.ChangeListView.as_view(), name="api-changes"),
    *router.urls,
    # Last: whatever else ends in a slash under /api/ gets a JSON 404, not the site's HTML page.
    re_path(r"^(?P<path>[\s\S]*/)$", views.not_found),
]
