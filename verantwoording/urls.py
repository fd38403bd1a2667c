from django.urls import path

from verantwoording import views

app_name = "verantwoording"

urlpatterns = [
    path("<int:pk>/export.<str:formaat>", views.export, name="export"),
]
