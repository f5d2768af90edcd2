from django.urls import path

from glossary import history_views, release_views, views
from glossary.feeds import ChangesFeed

app_name = "glossary"

urlpatterns = [
    path("", views.home, name="home"),
    path("terms/", views.term_list, name="term-list"),
    path("terms/<slug:slug>/", views.term_detail, name="term-detail"),
    path("terms/<slug:slug>/path/", views.term_path, name="term-path"),
    path("terms/<slug:slug>/history/", history_views.term_history, name="term-history"),
    path("terms/<slug:slug>/history/<int:number>/revert/", history_views.term_revert, name="term-revert"),
    # Last of the term URLs: a name or alias with characters a slug cannot hold ("/terms/GPT 4/").
    path("terms/<str:name>/", views.term_by_name, name="term-by-name"),
    path("categories/", views.category_list, name="category-list"),
    path("categories/<slug:slug>/", views.category_detail, name="category-detail"),
    path("search/", views.search, name="search"),
    path("changes/", views.changes, name="changes"),
    path("changes/feed/", ChangesFeed(), name="changes-feed"),
    path("releases/", release_views.release_list, name="release-list"),
    path("releases/<str:name>/", release_views.release_detail, name="release-detail"),
    path("releases/<str:name>/diff/<str:other>/", release_views.release_diff, name="release-diff"),
]
