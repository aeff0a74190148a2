from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo store (`manage.py demo_data`, `load_demo_data`): the top layer, since seeding
    a store that can be browsed, bought from and returned to touches every app below."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
