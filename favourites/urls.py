from django.urls import path

from . import views

app_name = "favourites"

urlpatterns = [
    path("favoritos/", views.favourite_list, name="list"),
    path("favoritos/guardar/", views.toggle, name="toggle"),
    path("favoritos/compartir/", views.share, name="share"),
    path("favoritos/compartir/revocar/", views.share_revoke, name="share_revoke"),
    path("favoritos/lista/<str:token>/", views.shared, name="shared"),
    path("vistos/", views.recently_viewed, name="recent"),
]
