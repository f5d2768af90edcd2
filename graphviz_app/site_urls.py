"""Graph pages that live outside /graph/: a term's learning path and the hierarchy browser."""

from django.urls import path

from graphviz_app import views

app_name = "graphsite"

urlpatterns = [
    path("terms/<slug:slug>/learn/", views.learning_path, name="learn"),
    path("hierarchy/", views.hierarchy, name="hierarchy"),
]
