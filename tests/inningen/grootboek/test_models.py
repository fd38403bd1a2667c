import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from inningen.choices import Boekingsoort, VorderingStatus
from inningen.grootboek.models import Boeking, Vordering
from inningen.grootboek.models.boeking import ImmutableError
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.organisaties.models import Medewerker
from inningen.validators import is_valid_elfproef, validate_bsn
from tests.factories import DebiteurFactory, OrganisatieFactory, elfproef_nummer, vordering_maken

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "nummer, geldig",
    [
        ("111222333", True),
        ("123456782", True),
        ("123456789", False),
        ("000000000", False),  # passes the arithmetic but is never issued
        ("12345678", False),
        ("abcdefghi", False),
    ],
)
def test_elfproef(nummer, geldig):
    assert is_valid_elfproef(nummer) is geldig


def test_generated_numbers_pass_elfproef():
    assert all(is_valid_elfproef(elfproef_nummer()) for _ in range(200))


def test_debiteur_model_validates_bsn():
    debiteur = DebiteurFactory.build(bsn="123456789")
    with pytest.raises(ValidationError) as exc:
        debiteur.full_clean()
    assert "bsn" in exc.value.message_dict
    with pytest.raises(ValidationError):
        validate_bsn("000000000")


def test_vorderingnummer_unique_per_organisatie_and_tsa():
    org_a, org_b = OrganisatieFactory(), OrganisatieFactory()
    vordering_maken(org_a, vorderingnummer="V1", tsa="parkeren")
    # Same number under another TSA code or another organisation is a different claim.
    vordering_maken(org_a, vorderingnummer="V1", tsa="vergunningen")
    vordering_maken(org_b, vorderingnummer="V1", tsa="parkeren")
    with pytest.raises(IntegrityError), transaction.atomic():
        vordering_maken(org_a, vorderingnummer="V1", tsa="parkeren")
    assert Vordering.objects.filter(vorderingnummer="V1").count() == 3


def test_register_books_the_imposed_claim_and_status():
    vordering = vordering_maken()
    vordering.refresh_from_db()
    assert vordering.status == VorderingStatus.VERWERKT
    assert vordering.statussen.get().status == VorderingStatus.VERWERKT
    boeking = vordering.boekingen.get()
    assert (boeking.soort, boeking.bedrag_incl_btw, boeking.boekingssleutel) == (
        Boekingsoort.OPGELEGD,
        12100,
        "OMZ-001",
    )
    assert vordering.openstaand_bedrag == 12100


def test_open_balance_always_equals_sum_of_boekingen():
    org = OrganisatieFactory()
    vorderingen = [vordering_maken(org) for _ in range(5)]
    boekingen = []
    for i, v in enumerate(vorderingen):
        boekingen.append(
            Boeking(
                organisatie=org,
                vordering=v,
                soort=Boekingsoort.BETALING,
                boekdatum=v.creatiedatum,
                bedrag_incl_btw=-1000 * (i + 1),
                bedrag_excl_btw=-1000 * (i + 1),
                bedrag_btw=0,
                boekingssleutel="BETALING",
                door="test",
            )
        )
    # Two boekingen on one claim in the same batch must both count.
    boekingen.append(
        Boeking(
            organisatie=org,
            vordering=vorderingen[0],
            soort=Boekingsoort.KOSTEN,
            boekdatum=vorderingen[0].creatiedatum,
            bedrag_incl_btw=4100,
            bedrag_excl_btw=4100,
            bedrag_btw=0,
            boekingssleutel="KOSTEN",
            door="test",
        )
    )
    boekingen_create(boekingen=boekingen)
    sums = dict(Boeking.objects.values_list("vordering").annotate(s=Sum("bedrag_incl_btw")))
    for v in Vordering.objects.all():
        assert v.openstaand_bedrag == sums[v.pk]
    assert Vordering.objects.get(pk=vorderingen[0].pk).openstaand_bedrag == 12100 - 1000 + 4100


def test_boeking_is_immutable():
    vordering = vordering_maken()
    boeking = vordering.boekingen.get()
    boeking.bedrag_incl_btw = 1
    with pytest.raises(ImmutableError):
        boeking.save()
    with pytest.raises(ImmutableError):
        boeking.delete()
    with pytest.raises(ImmutableError):
        Boeking.objects.filter(pk=boeking.pk).update(bedrag_incl_btw=1)
    with pytest.raises(ImmutableError):
        Boeking.objects.all().delete()
    assert list(Boeking.objects.values_list("pk", "bedrag_incl_btw")) == [(boeking.pk, 12100)]


def test_boeking_refuses_incl_not_excl_plus_btw():
    vordering = vordering_maken()
    with pytest.raises(ValueError):
        boekingen_create(
            boekingen=[
                Boeking(
                    organisatie=vordering.organisatie,
                    vordering=vordering,
                    soort=Boekingsoort.CORRECTIE,
                    boekdatum=vordering.creatiedatum,
                    bedrag_incl_btw=100,
                    bedrag_excl_btw=50,
                    bedrag_btw=0,
                    boekingssleutel="X",
                    door="test",
                )
            ]
        )
    assert list(Boeking.objects.values_list("soort", flat=True)) == [Boekingsoort.OPGELEGD]
    vordering.refresh_from_db()
    assert vordering.openstaand_bedrag == 12100


def test_database_refuses_ledger_rewrite_on_postgresql(postgresql):
    vordering = vordering_maken()
    from django.db import DatabaseError, connection

    # Refused by the trigger (not by any other database error, e.g. a misspelt statement).
    with (
        pytest.raises(DatabaseError, match=r"onveranderlijk.*UPDATE"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE inningen_boeking SET bedrag_incl_btw = 0 WHERE vordering_id = %s",
            [vordering.pk],
        )
    with (
        pytest.raises(DatabaseError, match=r"onveranderlijk.*DELETE"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM inningen_boeking WHERE vordering_id = %s", [vordering.pk])
    assert list(vordering.boekingen.values_list("bedrag_incl_btw", flat=True)) == [12100]


def test_querysets_are_scoped_to_the_users_organisations():
    org_a, org_b = OrganisatieFactory(), OrganisatieFactory()
    va = vordering_maken(org_a)
    vb = vordering_maken(org_b)
    debiteur = DebiteurFactory()
    Vordering.objects.filter(pk__in=[va.pk, vb.pk]).update(debiteur=debiteur)
    user = get_user_model().objects.create_user("balie", password="x")
    Medewerker.objects.create(user=user).organisaties.add(org_a)
    assert list(Vordering.objects.for_user(user)) == [va]
    assert list(Boeking.objects.for_organisaties([org_a]).values_list("vordering", flat=True)) == [
        va.pk
    ]
    # A user without organisations sees nothing at all.
    nobody = get_user_model().objects.create_user("leeg", password="x")
    assert not Vordering.objects.for_user(nobody).exists()
    from inningen.debiteuren.models import Debiteur

    assert list(Debiteur.objects.for_organisaties([org_b])) == [debiteur]


def test_debiteur_naam_and_zoeknaam_fold_accents():
    debiteur = DebiteurFactory(
        geslachtsnaam="Öztürk", voorletters="H.", voorvoegsel_geslachtsnaam=""
    )
    assert debiteur.zoeknaam == "ozturk"
    assert debiteur.naam == "H. Öztürk"
