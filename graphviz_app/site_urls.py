"""Graph pages that live outside /graph/: a term's learning path, the hierarchy browser and the
quality report."""

from django.urls import path

from graphviz_app import views

app_name = "graphsite"

urlpatterns = [
    path("terms/<slug:slug>/learn/", views.learning_path, name="learn"),
    path("hierarchy/", views.hierarchy, name="hierarchy"),
    path("quality/", views.quality, name="quality"),
]
