import pytest
from rest_framework.test import APIClient

from api.models import Scope
from api.services.clients import apiclient_save
from tests.factories import OrganisatieFactory

ALLE_SCOPES = list(Scope.values)


@pytest.fixture(autouse=True)
def _lege_cache():
    """The lockout counts unknown tokens per client IP in the cache; every test request comes
    from 127.0.0.1, so each test starts and ends with a clean count."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organisatie(db):
    return OrganisatieFactory()


@pytest.fixture
def maak_client(db):
    """maak_client(organisatie, scopes=[...], tsa_codes=[...], naam=...) → (ApiClient, token)."""
    teller = iter(range(1, 10_000))

    def maak(organisatie=None, *, scopes=None, tsa_codes=("PARKEREN",), naam=None):
        organisatie = organisatie or OrganisatieFactory()
        nieuw = apiclient_save(
            naam=naam or f"client-{next(teller)}",
            organisatie=organisatie,
            scopes=ALLE_SCOPES if scopes is None else list(scopes),
            tsa_codes=list(tsa_codes),
        )
        return nieuw.client, nieuw.token

    return maak


@pytest.fixture
def http():
    """A DRF test client without credentials."""
    return APIClient()


@pytest.fixture
def api(maak_client, organisatie):
    """A DRF test client with a Bearer token of a client of ``organisatie`` holding every scope
    and TSA code PARKEREN; ``api.client_obj`` is the ApiClient."""
    client, token = maak_client(organisatie)
    http = APIClient()
    http.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    http.client_obj = client
    return http
