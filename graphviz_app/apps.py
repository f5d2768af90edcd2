from django.apps import AppConfig


class GraphvizAppConfig(AppConfig):
    name = "graphviz_app"
    verbose_name = "Graph explorer"
    default_auto_field = "django.db.models.BigAutoField"
