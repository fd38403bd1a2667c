"""The invorderaar's screens: upload, work list, search, split in euro input, park, refund;
login, permission and organisation scope."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from inningen.balie.forms.balie import euro_naar_cent
from inningen.betalingen.models import Betaling
from inningen.choices import BetalingStatus, VorderingStatus
from inningen.organisaties.models import Bankrekening, Medewerker
from tests.factories import OrganisatieFactory, vordering_maken
from tests.inningen.betalingen.afschriftbestanden import camt053

pytestmark = pytest.mark.django_db

ORG_IBAN = "NL91ABNA0417164300"
ANDER_ORG_IBAN = "NL27ABNA0123456789"


@pytest.fixture
def org():
    o = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=o, iban=ORG_IBAN)
    return o


@pytest.fixture
def invorderaar(org):
    user = User.objects.create_user("inv", password="x")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="inningen",
            codename__in=["import_afschrift", "view_betaling", "change_betaling"],
        )
    )
    Medewerker.objects.create(user=user).organisaties.add(org)
    return user


@pytest.fixture
def client_inv(client, invorderaar):
    client.force_login(invorderaar)
    return client


def _upload(client, inhoud, naam="afschrift.xml"):
    return client.post(
        "/betalingen/afschrift/", {"bestand": SimpleUploadedFile(naam, inhoud)}, follow=True
    )


@pytest.mark.parametrize(
    "tekst, cent",
    [
        ("12,34", 1234),
        ("1.234,5", 123450),
        ("€ 7", 700),
        ("0,01", 1),
        ("100000000,99", 10000000099),
    ],
)
def test_euro_naar_cent_exact(tekst, cent):
    assert euro_naar_cent(tekst) == cent


@pytest.mark.parametrize("tekst", ["12.34", "12,345", "abc", "-5", "1,2,3", ""])
def test_euro_naar_cent_weigert(tekst):
    with pytest.raises(ValidationError):
        euro_naar_cent(tekst)


def test_inloggen_verplicht(client):
    assert client.get("/betalingen/werklijst/").status_code == 302


def test_zonder_recht_geen_toegang(client, org):
    client.force_login(User.objects.create_user("balie", password="x"))
    assert client.get("/betalingen/afschrift/").status_code == 403


def test_upload_en_werklijst_splitsen(client_inv, org):
    v1, v2 = (
        vordering_maken(org, vorderingnummer="VW-1"),
        vordering_maken(org, vorderingnummer="VW-2"),
    )
    r = _upload(
        client_inv,
        camt053(ORG_IBAN, [{"bedrag": 20000, "tekst": "twee facturen", "iban": ANDER_ORG_IBAN}]),
    )
    assert "1 ongematcht" in r.content.decode()
    b = Betaling.objects.get()
    assert "twee facturen" in client_inv.get("/betalingen/werklijst/").content.decode()
    zoek = client_inv.get(f"/betalingen/{b.pk}/", {"q": "VW-2"}).content.decode()
    assert "VW-2" in zoek and "€ 121,00" in zoek
    # The claims are picked by a checkbox each (no typed ids), with an amount each.
    data = {
        f"kies_{v1.pk}": "on",
        f"bedrag_{v1.pk}": "121,00",
        f"kies_{v2.pk}": "on",
        f"bedrag_{v2.pk}": "78,99",
    }
    r = client_inv.post(f"/betalingen/{b.pk}/", data, follow=True)
    assert "Betaling toegerekend" in r.content.decode()
    b.refresh_from_db()
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (b.restbedrag, v1.status, v2.openstaand_bedrag) == (
        1,
        VorderingStatus.BETAALD,
        12100 - 7899,
    )
    geboekt = b.boekingen.count()
    r = client_inv.post(
        f"/betalingen/{b.pk}/",
        {f"kies_{v1.pk}": "on", f"bedrag_{v1.pk}": "0,02"},
        follow=True,
    )
    assert "er is maar 1 cent te verdelen" in r.content.decode()
    b.refresh_from_db()
    v1.refresh_from_db()
    assert (b.restbedrag, b.boekingen.count(), v1.openstaand_bedrag) == (1, geboekt, 0)
    client_inv.post(f"/betalingen/{b.pk}/parkeren/", {"opmerking": "1 cent"})
    b.refresh_from_db()
    assert b.status == BetalingStatus.GEPARKEERD and "1 cent" in b.opmerking


def test_terugbetalen_en_geweigerd_bestand(client_inv, org):
    _upload(client_inv, camt053(ORG_IBAN, [{"bedrag": 500, "tekst": "?", "iban": ANDER_ORG_IBAN}]))
    b = Betaling.objects.get()
    client_inv.post(f"/betalingen/{b.pk}/terugbetalen/")
    b.refresh_from_db()
    assert b.status == BetalingStatus.TERUGBETALEN
    r = _upload(client_inv, b"<kapot")
    assert "Geweigerd, niets ingelezen" in r.content.decode()


def test_andere_organisatie_onzichtbaar(client_inv, org):
    ander = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=ander, iban=ANDER_ORG_IBAN)
    r = _upload(client_inv, camt053(ANDER_ORG_IBAN, [{"bedrag": 500}]))
    assert "waarvoor u niet werkt" in r.content.decode()
    from inningen.betalingen.services.afschriften import afschrift_import

    afschrift_import(inhoud=camt053(ANDER_ORG_IBAN, [{"bedrag": 500}]), door="test")
    b = Betaling.objects.get()
    assert client_inv.get(f"/betalingen/{b.pk}/").status_code == 404
    assert client_inv.post(f"/betalingen/{b.pk}/parkeren/").status_code == 404
    assert client_inv.post(f"/betalingen/{b.pk}/terugbetalen/").status_code == 404
    b.refresh_from_db()
    assert (b.status, b.opmerking) == (BetalingStatus.ONGEMATCHT, "")
    # a claim of the other organisation cannot be allocated to from a payment of ours
    _upload(client_inv, camt053(ORG_IBAN, [{"bedrag": 500, "tekst": "?"}], ident="X2"))
    eigen = Betaling.objects.get(organisatie=org)
    vreemd = vordering_maken(ander)
    data = {f"kies_{vreemd.pk}": "on", f"bedrag_{vreemd.pk}": "5,00"}
    geboekt = eigen.boekingen.count()
    r = client_inv.post(f"/betalingen/{eigen.pk}/", data, follow=True)
    assert "niet gevonden" in r.content.decode()
    eigen.refresh_from_db()
    vreemd.refresh_from_db()
    assert (eigen.status, eigen.restbedrag, eigen.boekingen.count()) == (
        BetalingStatus.ONGEMATCHT,
        500,
        geboekt,
    )
    assert (vreemd.openstaand_bedrag, vreemd.boekingen.count()) == (12100, 1)


def test_tegenpartij_zonder_debiteur_wordt_gelogd(client_inv, invorderaar, org):
    """The work list and the payment screen show a counterparty's name and IBAN; when it is no
    debtor, the verwerkingenlogging gets a row for the counterparty itself (AVG)."""
    from inningen.verwerkingen.models import Verwerking

    _upload(
        client_inv,
        camt053(
            ORG_IBAN,
            [{"bedrag": 777, "tekst": "onbekend", "iban": ANDER_ORG_IBAN, "naam": "J. Onbekend"}],
        ),
    )
    b = Betaling.objects.get()
    assert b.debiteur_id is None
    voor = Verwerking.objects.count()

    html = client_inv.get("/betalingen/werklijst/").content.decode()
    assert "J. Onbekend" in html
    rij = Verwerking.objects.order_by("-pk").first()
    assert Verwerking.objects.count() == voor + 1
    assert rij.debiteur_id is None
    assert rij.betrokkene == f"J. Onbekend {ANDER_ORG_IBAN}"
    assert rij.gebruiker == invorderaar and rij.activiteit == "werklijst betalingen"

    client_inv.get(f"/betalingen/{b.pk}/")
    rij = Verwerking.objects.order_by("-pk").first()
    assert rij.betrokkene == f"J. Onbekend {ANDER_ORG_IBAN}"
    assert rij.activiteit == f"betaling {b.pk}: tegenpartij"
