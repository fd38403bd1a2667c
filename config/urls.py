from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Centraal debiteurenbeheer"
admin.site.site_title = "Inningen"
admin.site.index_title = "Functioneel beheer"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("stuf/", include("stuffin.urls")),
    path("verantwoording/", include("verantwoording.urls")),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
