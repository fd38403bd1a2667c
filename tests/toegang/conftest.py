import pytest
from django.core.cache import cache

WACHTWOORD = "geheim-wachtwoord-123"


@pytest.fixture(autouse=True)
def _lege_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def medewerker(django_user_model):
    return django_user_model.objects.create_user("medewerker", password=WACHTWOORD, is_staff=True)
