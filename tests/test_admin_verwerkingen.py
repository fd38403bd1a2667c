"""Issue #15, finding 3 (admin part): showing a natural person's data in the admin, and a raw
StUF message, writes verwerkingenlogging rows."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from inningen.choices import Debiteursoort
from inningen.verwerkingen.models import Verwerking
from stuffin.models import Bericht, Richting
from tests.factories import (
    DebiteurFactory,
    OrganisatieFactory,
    brief_maken,
    elfproef_nummer,
    vordering_maken,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    user = User.objects.create_superuser("root", password="x")
    client.force_login(user)
    return user


@pytest.fixture
def persoon():
    return DebiteurFactory(geslachtsnaam="Jansen")


@pytest.fixture
def vordering(persoon):
    return vordering_maken(OrganisatieFactory(), debiteur=persoon, vorderingnummer="V-LOG-1")


def _rijen(**filters):
    return list(Verwerking.objects.filter(doel="beheer", **filters))


def test_debtor_detail_and_list_are_logged(client, root, persoon, vordering):
    assert (
        client.get(reverse("admin:inningen_debiteur_change", args=[persoon.pk])).status_code == 200
    )
    (rij,) = _rijen(activiteit__startswith="beheer: inzage")
    assert (rij.debiteur, rij.gebruiker, rij.gebruikersnaam) == (persoon, root, "root")
    assert client.get(reverse("admin:inningen_debiteur_changelist")).status_code == 200
    assert [r.debiteur for r in _rijen(activiteit__startswith="beheer: lijst")] == [persoon]


def test_claim_letter_and_raw_message_views_are_logged(client, root, persoon, vordering):
    client.get(reverse("admin:inningen_vordering_change", args=[vordering.pk]))
    (rij,) = _rijen(activiteit="beheer: inzage vordering")
    assert rij.debiteur == persoon and rij.vordering == vordering
    brief = brief_maken(vordering)
    client.get(reverse("admin:inningen_brief_change", args=[brief.pk]))
    assert [r.debiteur for r in _rijen(activiteit__contains="brief")] == [persoon]
    bericht = Bericht.objects.create(richting=Richting.IN, inhoud=f"<bsn>{persoon.bsn}</bsn>")
    bericht.vorderingen.add(vordering)
    r = client.get(reverse("admin:stuffin_bericht_change", args=[bericht.pk]))
    assert r.status_code == 200 and persoon.bsn in r.content.decode()
    assert [x.debiteur for x in _rijen(activiteit__contains="bericht")] == [persoon]


def test_companies_and_pages_without_persons_are_not_logged(client, root):
    bedrijf = DebiteurFactory(
        soort=Debiteursoort.NIET_NATUURLIJK_PERSOON, bsn=None, rsin=elfproef_nummer(),
        statutaire_naam="Bedrijf B.V.",
    )  # fmt: skip
    vordering_maken(OrganisatieFactory(), debiteur=bedrijf)
    client.get(reverse("admin:inningen_debiteur_change", args=[bedrijf.pk]))
    client.get(reverse("admin:inningen_debiteur_changelist"))
    client.get(reverse("admin:inningen_kostentarief_changelist"))
    assert not Verwerking.objects.exists()


def test_bank_counterparty_without_debtor_is_logged(client, root):
    """A bank entry's counterparty (name, IBAN) shown in the admin is logged as such when it is
    no debtor (issue #16: the counterparty may be a natural person)."""
    from inningen.betalingen.models import Betaling
    from inningen.betalingen.services.afschriften import afschrift_import
    from inningen.organisaties.models import Bankrekening
    from tests.inningen.betalingen.afschriftbestanden import camt053

    org = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=org, iban="NL91ABNA0417164300")
    afschrift_import(
        inhoud=camt053(
            "NL91ABNA0417164300",
            [{"bedrag": 777, "tekst": "?", "iban": "NL27ABNA0123456789", "naam": "P. Onbekend"}],
        ),
        door="test",
    )
    b = Betaling.objects.get()
    client.get(reverse("admin:inningen_betaling_change", args=[b.pk]))
    (rij,) = _rijen(betrokkene="P. Onbekend NL27ABNA0123456789")
    assert rij.debiteur_id is None and rij.gebruiker == root
    client.get(reverse("admin:inningen_betaling_changelist"))
    assert len(_rijen(betrokkene="P. Onbekend NL27ABNA0123456789")) == 2
