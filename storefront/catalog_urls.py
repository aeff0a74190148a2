from django.urls import path

from . import views

# The catalog's pages kept their URL names (catalog:product, ...) when they moved here from catalog.
app_name = "catalog"

urlpatterns = [
    path("f/<slug:slug>/", views.family, name="family"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("marca/<slug:slug>/", views.brand, name="brand"),
    path("p/<slug:slug>/", views.product, name="product"),
    path("lines/<slug:slug>/", views.line, name="line"),
    path("kits/", views.kits, name="kits"),
    path("kits/<slug:slug>/", views.kit, name="kit"),
    path("collections/<slug:slug>/", views.collection, name="collection"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.search_suggestions, name="search_suggestions"),
]
