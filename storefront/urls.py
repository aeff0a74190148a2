from django.urls import path

from . import views

# The home page kept the URL name it had when core served it (core:home), so links stay.
app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
]
