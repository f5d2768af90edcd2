from django.urls import path

from glossary import views

app_name = "glossary"

urlpatterns = [
    path("", views.home, name="home"),
    path("terms/<slug:slug>/", views.term_detail, name="term-detail"),
    path("categories/<slug:slug>/", views.category_detail, name="category-detail"),
]
