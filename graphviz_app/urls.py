from django.urls import path

from graphviz_app import views

app_name = "graph"

urlpatterns = [
    path("", views.explorer, name="explorer"),
    path("path/", views.path, name="path"),
    path("<slug:slug>/", views.neighbourhood, name="neighbourhood"),
]
