from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "factcheck.outbox"
    label = "outbox"
    verbose_name = "Background work (outbox)"
