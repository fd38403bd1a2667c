from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "Centraal debiteurenbeheer"
admin.site.site_title = "Inningen"
admin.site.index_title = "Functioneel beheer"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("stuf/", include("stuffin.urls")),
    path("verantwoording/", include("verantwoording.urls")),
    path("betalingen/", include("inningen.balie.urls.betalingen")),
    path("inloggen/", auth_views.LoginView.as_view(next_page="balie:zoeken"), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("", include("inningen.balie.urls.balie")),
]
