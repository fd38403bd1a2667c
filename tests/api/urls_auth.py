"""A tiny API view for the authentication and scope tests, independent of the real endpoints."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from api.models import Scope


class Proef(APIView):
    scopes = {"GET": Scope.VORDERINGEN_LEZEN, "POST": Scope.VORDERINGEN_AANMAKEN}

    def get(self, request):
        client = request.user
        return Response(
            {
                "client": client.naam,
                "auth": request.auth.pk,
                "organisatie": client.organisatie.rsin,
                "tsaCodes": sorted(client.tsa_code_set),
            }
        )

    def post(self, request):
        return Response({"ok": True}, status=201)

    def delete(self, request):  # implemented, but no scope declared for it
        return Response(status=204)


urlpatterns = [path("proef", Proef.as_view())]
