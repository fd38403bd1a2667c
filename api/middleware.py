from django.conf import settings


class ApiVersieMiddleware:
    """Every answer under /api/ says which API version answered (NL API Design Rules:
    the API-Version header), errors included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/"):
            response["API-Version"] = settings.API_VERSIE
        if request.path in ("/api/v1/openapi.json", "/api/v1/openapi.yaml"):
            # ADR /core/publish-openapi: any web application may read the document.
            response["Access-Control-Allow-Origin"] = "*"
        return response
