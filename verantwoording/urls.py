from django.urls import path

from . import views

app_name = "verantwoording"

urlpatterns = [
    path("<int:pk>/export.<str:formaat>", views.export, name="export"),
]
