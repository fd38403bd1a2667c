from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularYAMLAPIView
from rest_framework.permissions import AllowAny

from api import views

app_name = "api"

urlpatterns = [
    path(
        "openapi.json",
        SpectacularJSONAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny]),
        name="openapi-json",
    ),
    path(
        "openapi.yaml",
        SpectacularYAMLAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny]),
        name="openapi-yaml",
    ),
    path("vorderingen", views.VorderingenView.as_view(), name="vordering-list"),
    path("vorderingen/<uuid:uuid>", views.VorderingView.as_view(), name="vordering-detail"),
    path("debiteuren/_zoek", views.DebiteurenZoekView.as_view(), name="debiteur-zoek"),
    path("abonnementen", views.AbonnementenView.as_view(), name="abonnement-list"),
    path("abonnementen/<uuid:uuid>", views.AbonnementView.as_view(), name="abonnement-detail"),
    path("verantwoordingen", views.VerantwoordingenView.as_view(), name="verantwoording-list"),
    path(
        "verantwoordingen/<int:pk>",
        views.VerantwoordingView.as_view(),
        name="verantwoording-detail",
    ),
]
