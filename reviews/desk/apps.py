from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "reviews.desk"
    label = "desk"
    verbose_name = "The desk's pages"
