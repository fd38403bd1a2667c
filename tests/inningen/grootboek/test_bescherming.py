"""Finding 11: the ledger is protected by the database itself, statement by statement, and an
application role without ownership cannot switch that protection off."""

import os

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from inningen.choices import Boekingsoort
from inningen.db.rollen import grant_statements
from inningen.grootboek.models import Boeking, Vordering
from inningen.grootboek.services.boekingen import boekingen_create
from tests.factories import vordering_maken

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def _sql(sql, params=None):
    """One statement in a savepoint of its own: a refused statement leaves the test's
    transaction usable."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _betaling(vordering, bedrag=-1000) -> Boeking:
    return Boeking(
        organisatie=vordering.organisatie,
        vordering=vordering,
        soort=Boekingsoort.BETALING,
        boekdatum=vordering.creatiedatum,
        bedrag_incl_btw=bedrag,
        bedrag_excl_btw=bedrag,
        bedrag_btw=0,
        boekingssleutel="test",
        door="test",
    )


def test_truncate_of_the_ledger_is_refused_even_with_the_privilege(app_rol):
    vordering = vordering_maken()
    # Even a role that holds TRUNCATE (an owner has it): the statement trigger refuses. (Only a
    # superuser passes, who could switch any trigger off anyway; the tests run as one.)
    _sql(f'GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO "{app_rol}"')
    # Django's foreign keys are checked at commit; TRUNCATE wants no checks pending.
    _sql("SET CONSTRAINTS ALL IMMEDIATE")
    _sql(f'SET LOCAL ROLE "{app_rol}"')
    try:
        with pytest.raises(DatabaseError, match="mag niet worden geleegd"):
            _sql("TRUNCATE inningen_boeking")
        # Cascading from the claims truncates the ledger as well: refused too.
        with pytest.raises(DatabaseError, match="mag niet worden geleegd"):
            _sql("TRUNCATE inningen_vordering CASCADE")
    finally:
        _sql("RESET ROLE")
    assert vordering.boekingen.count() == 1


def test_free_update_of_the_balance_is_refused(postgresql):
    vordering = vordering_maken()
    with pytest.raises(DatabaseError, match="wijkt af van de boekingen"):
        _sql("UPDATE inningen_vordering SET openstaand_bedrag = 0 WHERE id = %s", [vordering.pk])
    # The same through the ORM, as a careless save() or update() would do it.
    with pytest.raises(DatabaseError, match="wijkt af van de boekingen"), transaction.atomic():
        Vordering.objects.filter(pk=vordering.pk).update(openstaand_bedrag=1)
    # A new claim cannot start with a balance its Boekingen do not give.
    with pytest.raises(DatabaseError, match="zonder boekingen"):
        _kopie_met_saldo(vordering)
    assert Vordering.objects.get(pk=vordering.pk).openstaand_bedrag == 12100


def _kopie_met_saldo(vordering):
    kolommen = [
        f.column
        for f in Vordering._meta.concrete_fields
        if f.column not in ("id", "vorderingnummer", "uuid")
    ]
    lijst = ", ".join(kolommen)
    _sql(
        f"INSERT INTO inningen_vordering (vorderingnummer, uuid, {lijst}) "
        f"SELECT 'KOPIE', gen_random_uuid(), {lijst} FROM inningen_vordering WHERE id = %s",
        [vordering.pk],
    )


def test_other_updates_of_the_claim_and_the_entry_point_still_work(postgresql):
    vordering = vordering_maken()
    # A change of other columns, also rewriting the unchanged balance (a full save()).
    vordering.refresh_from_db()
    vordering.factuurnummer = "F-1"
    vordering.save()
    boekingen_create(boekingen=[_betaling(vordering)])
    vordering.refresh_from_db()
    assert vordering.openstaand_bedrag == 12100 - 1000


@pytest.fixture
def app_rol(postgresql):
    """An application role as the README prescribes: the GRANTs of `manage.py databaserollen`,
    no ownership. Created inside the test's transaction, so it is gone afterwards."""
    naam = f"inningen_app_test_{os.getpid()}"
    _sql(f'CREATE ROLE "{naam}" NOLOGIN')
    with connection.cursor() as cursor:
        for statement in grant_statements(app_rol=naam):
            if not statement.startswith("--"):
                cursor.execute(statement)
    return naam


def test_application_role_cannot_bypass_the_ledger(app_rol):
    vordering = vordering_maken()
    _sql(f'SET LOCAL ROLE "{app_rol}"')
    try:
        with pytest.raises(DatabaseError, match=r"permission denied|must be owner"):
            _sql("TRUNCATE inningen_boeking")
        with pytest.raises(DatabaseError, match=r"must be owner"):
            _sql("ALTER TABLE inningen_boeking DISABLE TRIGGER ALL")
        with pytest.raises(DatabaseError, match=r"must be owner"):
            _sql(
                "ALTER TABLE inningen_vordering DISABLE TRIGGER inningen_vordering_saldo_gewijzigd"
            )
        with pytest.raises(DatabaseError, match="permission denied"):
            _sql("UPDATE inningen_boeking SET bedrag_incl_btw = 0 WHERE vordering_id = %s",
                 [vordering.pk])  # fmt: skip
        with pytest.raises(DatabaseError, match="permission denied"):
            _sql("DELETE FROM inningen_boeking WHERE vordering_id = %s", [vordering.pk])
        with pytest.raises(DatabaseError, match="permission denied"):
            _sql("SET session_replication_role = replica")
        with pytest.raises(DatabaseError, match="wijkt af van de boekingen"):
            _sql("UPDATE inningen_vordering SET openstaand_bedrag = 0 WHERE id = %s",
                 [vordering.pk])  # fmt: skip

        # The normal service path works under this role: a new claim (COPY, keys drawn from the
        # sequences), a payment booked and the balance moved, another column changed.
        with transaction.atomic():
            nieuw = vordering_maken(vordering.organisatie, vorderingnummer="APP-1")
            boekingen_create(boekingen=[_betaling(nieuw, -2100)])
            Vordering.objects.filter(pk=nieuw.pk).update(factuurnummer="F-APP")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_rol
    finally:
        _sql("RESET ROLE")
    nieuw.refresh_from_db()
    assert (nieuw.openstaand_bedrag, nieuw.factuurnummer) == (12100 - 2100, "F-APP")
    assert vordering.boekingen.count() == 1


def test_databaserollen_prints_the_grants(postgresql, capsys):
    call_command("databaserollen", app_rol="inningen_app")
    uitvoer = capsys.readouterr().out
    assert 'GRANT SELECT, INSERT ON "public"."inningen_boeking" TO "inningen_app";' in uitvoer
    assert (
        'GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."inningen_vordering" TO "inningen_app";'
        in uitvoer
    )
    assert 'GRANT SELECT ON "public"."django_migrations" TO "inningen_app";' in uitvoer
    assert "TRUNCATE" not in uitvoer and "OWNER" not in uitvoer
