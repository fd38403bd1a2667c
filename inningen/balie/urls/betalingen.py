"""Screens of the inningen app; included in config/urls.py under "betalingen/"."""

from django.urls import path

from inningen.balie.views import betalingen

app_name = "inningen"

urlpatterns = [
    path("afschrift/", betalingen.afschrift_upload, name="afschrift_upload"),
    path("afschrift/import/<int:pk>/", betalingen.afschriftimport_detail, name="afschriftimport"),
    path(
        "afschrift/import/<int:pk>/status/",
        betalingen.afschriftimport_status,
        name="afschriftimport_status",
    ),
    path("werklijst/", betalingen.werklijst, name="werklijst"),
    path("<int:pk>/", betalingen.betaling_detail, name="betaling"),
    path(
        "<int:pk>/terugbetaling/",
        betalingen.betaling_terugbetaling,
        name="betaling_terugbetaling",
    ),
    path("<int:pk>/<str:actie>/", betalingen.betaling_actie, name="betaling_actie"),
]
