from django.urls import path

from graphviz_app.api import views

urlpatterns = [
    path("", views.WholeGraphView.as_view(), name="graph-api-whole"),
    path("neighborhood/<slug:slug>/", views.NeighbourhoodView.as_view(), name="graph-api-neighborhood"),
    path("path/", views.PathView.as_view(), name="graph-api-path"),
    path("hierarchy/<slug:slug>/", views.HierarchyView.as_view(), name="graph-api-hierarchy"),
    path("learning-path/<slug:slug>/", views.LearningPathView.as_view(), name="graph-api-learning-path"),
    path("narrower/<slug:slug>/", views.NarrowerView.as_view(), name="graph-api-narrower"),
    path("top-concepts/", views.TopConceptsView.as_view(), name="graph-api-top-concepts"),
    path("stats/", views.StatsView.as_view(), name="graph-api-stats"),
    path("engine/", views.EngineView.as_view(), name="graph-api-engine"),
]
