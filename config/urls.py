from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from config import health
from toegang import urls as toegang_urls
from toegang.views import InloggenView

admin.site.site_header = "Centraal debiteurenbeheer"
admin.site.site_title = "Inningen"
admin.site.index_title = "Functioneel beheer"

# Under /api/ errors outside the views (unknown path, malformed id, a crash in middleware)
# are problem+json too; elsewhere Django's pages.
handler404 = "api.views.niet_gevonden"
handler500 = "api.views.serverfout"

urlpatterns = [
    # The admin logs in through the one login (lockout, second factor).
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("health/live", health.live, name="health_live"),
    path("health/ready", health.ready, name="health_ready"),
    path("admin/", admin.site.urls),
    path("stuf/", include("stuffin.urls")),
    path("api/v1/", include("api.urls")),
    path("verantwoording/", include("verantwoording.urls")),
    path("betalingen/", include("inningen.balie.urls.betalingen")),
    path("inloggen/", InloggenView.as_view(), name="login"),
    path("", include((toegang_urls.twee_factor, "two_factor"))),
    path("", include((toegang_urls.toegang, "toegang"))),
    path("", include(toegang_urls.sso)),
    path("uitloggen/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("", include("inningen.balie.urls.balie")),
]
