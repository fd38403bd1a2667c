from django.urls import path

from stuffin import views

app_name = "stuffin"

urlpatterns = [
    path(
        "fin0310/VerstrekVorderingOfVerantwoording",
        views.VerstrekVorderingOfVerantwoordingView.as_view(),
        name="verstrek-vordering-of-verantwoording",
    ),
    path("fin0310/BeantwoordVraag", views.BeantwoordVraagView.as_view(), name="beantwoord-vraag"),
    path("schemas/<path:pad>", views.schema_view, name="schema"),
]
