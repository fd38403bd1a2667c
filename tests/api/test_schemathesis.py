"""Schemathesis against the live OpenAPI document: every operation, generated requests, no server
errors and every response conforming to the document (status code, content type, body, headers).

The document is the one the running app serves (GET /api/v1/openapi.json through the WSGI app),
not the committed copy. Requests carry the token of a client with every scope and TSA code
PARKEREN of the organisation the document's examples name, and the database holds claims,
a verantwoording and a subscription: the examples phase creates a real claim, and for the
{uuid}/{id} paths every other case ask for an existing object (random ids only ever give 404).

Bounded for CI: few examples per operation, no Hypothesis example database, derandomized.
Every example runs in a savepoint that is rolled back, so what one creates (a claim, a
subscription) does not change the answer to the next; this works on SQLite and PostgreSQL.
"""

import datetime
import itertools

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import Scope
from api.services.abonnementen import abonnement_create
from api.services.clients import apiclient_save
from inningen.grootboek.services.statussen import vordering_status_set
from tests.factories import DebiteurFactory, OrganisatieFactory, vordering_maken
from verantwoording.models import FinancieleVerantwoording, Verantwoordingsregel

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# The document's request example names this organisation and TSA code (api/views.py).
RSIN = "002220647"
MAX_EXAMPLES = 20
TSA = "PARKEREN"


@pytest.fixture
def wsgi_in_test_transaction():
    """Requests go through the real WSGI handler, which closes the database connection when a
    request starts or ends outside autocommit, i.e. inside the test's transaction (on SQLite in
    memory it never does). Switched off for the test, as Django's test Client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bestaand(db, wsgi_in_test_transaction):
    """Objects in the client's scope for the path parameters, and the client's token."""
    organisatie = OrganisatieFactory(rsin=RSIN)
    client = apiclient_save(
        naam="schemathesis", organisatie=organisatie, scopes=list(Scope.values), tsa_codes=[TSA]
    )
    vandaag = timezone.localdate()
    vorderingen = [
        vordering_maken(
            organisatie=organisatie,
            tsa=TSA,
            vorderingnummer=f"ST-{i}",
            vervaldatum=vandaag - datetime.timedelta(days=10 * i),
            debiteur=DebiteurFactory() if i == 0 else None,
        )
        for i in range(3)
    ]
    # Some history on one of them: a status change after the VRW.
    vordering_status_set(vordering=vorderingen[0], status="VRS", door="test")
    abonnement = abonnement_create(
        client=client.client,
        callback_url="https://example.org/callback",
        auth="Bearer x",
        kanalen=["vorderingstatussen"],
    )
    verantwoording = FinancieleVerantwoording.objects.create(
        organisatie=organisatie,
        verantwoordingsnummer=1,
        datum_en_tijd=timezone.now(),
        begindatum=vandaag,
        einddatum=vandaag,
        aantal_boekingen=1,
        door="test",
    )
    Verantwoordingsregel.objects.create(
        verantwoording=verantwoording,
        boekingssleutel="8010.OPGELEGD",
        bedrag_incl_btw=12100,
        bedrag_excl_btw=10000,
        bedrag_btw=2100,
        aantal_boekingen=1,
    )
    return {
        "token": client.token,
        "/vorderingen/{uuid}": [str(v.uuid) for v in vorderingen],
        "/abonnementen/{uuid}": [str(abonnement.uuid)],
        "/verantwoordingen/{id}": [verantwoording.pk],
    }


def _live_schema():
    """The document as the running app serves it (schema generation needs no database)."""
    from config.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=True)
    return schema


# Loaded at collection: schemathesis.pytest.from_fixture (lazy loading) fails on pytest 9
# (it sets Function._nodeid, which pytest 9 no longer has), so the schema is loaded eagerly.
schema = _live_schema()
_teller = itertools.count()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    # ``bestaand`` is shared by the examples on purpose: each example rolls back what it did.
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_api_conforms_to_its_document(case, bestaand):
    waarden = bestaand.get(case.operation.path)
    n = next(_teller)
    if waarden and case.path_parameters and n % 2:
        (naam,) = case.path_parameters
        case.path_parameters[naam] = waarden[n // 2 % len(waarden)]
    with transaction.atomic():
        case.call_and_validate(
            headers={"Authorization": f"Bearer {bestaand['token']}"}, checks=CHECKS
        )
        transaction.set_rollback(True)
