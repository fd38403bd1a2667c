"""Manual matching (#16): the claims suggested for an entry on the work list, with the reason for
each, the search by name/number/kenmerk/IBAN/amount, and the default split over picked claims.
Scoped to the user's organisations, a bounded number of queries."""

import datetime

import pytest
from django.contrib.auth.models import User

from inningen import betalingskenmerk as bk
from inningen.betalingen.models import Betaling
from inningen.betalingen.selectors import (
    betaling_suggesties,
    verdeling_voorstellen,
    vorderingen_zoeken,
)
from inningen.betalingen.services.afschriften import afschrift_import
from inningen.choices import BetalingStatus
from inningen.debiteuren.models import DebiteurRekening
from inningen.organisaties.models import Bankrekening, Medewerker
from tests.factories import DebiteurFactory, OrganisatieFactory, regel_invoer, vordering_maken
from tests.inningen.betalingen.afschriftbestanden import camt053

pytestmark = pytest.mark.django_db

ORG_IBAN = "NL91ABNA0417164300"
ANDER_ORG_IBAN = "NL27ABNA0123456789"
DEB_IBAN = "NL20INGB0001234567"
VREEMD_IBAN = "NL44RABO0123456789"


@pytest.fixture
def org():
    o = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=o, iban=ORG_IBAN)
    return o


@pytest.fixture
def user(org):
    u = User.objects.create_user("inv", password="x")
    Medewerker.objects.create(user=u).organisaties.add(org)
    return u


@pytest.fixture
def de_vries():
    return DebiteurFactory(voorletters="J.", voorvoegsel_geslachtsnaam="de", geslachtsnaam="Vries")


def werklijstpost(ident="W1", **post) -> Betaling:
    """One unmatched receipt imported from a statement (it lands on the work list)."""
    afschrift_import(inhoud=camt053(ORG_IBAN, [post], ident=ident), door="test")
    b = Betaling.objects.get(afschrift__identificatie=ident)
    assert b.status == BetalingStatus.ONGEMATCHT, b.status
    return b


def redenen(suggesties) -> dict[str, list[str]]:
    return {s.vordering.vorderingnummer: s.redenen for s in suggesties}


def test_zelfde_bedrag(org, user):
    vordering_maken(org, vorderingnummer="V-121")
    vordering_maken(
        org,
        vorderingnummer="V-50",
        regels=[regel_invoer(bedrag_excl_btw=5000, bedrag_btw=0, bedrag_incl_btw=5000)],
    )
    b = werklijstpost(bedrag=12100, naam="Onbekend", iban=VREEMD_IBAN, tekst="factuur")
    assert redenen(betaling_suggesties(user=user, betaling=b)) == {"V-121": ["zelfde bedrag"]}


def test_zelfde_iban_bekende_rekening_en_eerdere_betaling(org, user, de_vries):
    DebiteurRekening.objects.create(debiteur=de_vries, iban=DEB_IBAN)
    v = vordering_maken(org, vorderingnummer="V-1", debiteur=de_vries)
    b = werklijstpost(bedrag=5000, naam="X", iban=DEB_IBAN, tekst="?")
    assert redenen(betaling_suggesties(user=user, betaling=b)) == {
        "V-1": ["zelfde IBAN als bekende rekening van de debiteur"]
    }
    # Another debtor paid from an account we know only from an earlier (matched) payment.
    ander = DebiteurFactory(geslachtsnaam="Bakker")
    w1 = vordering_maken(org, vorderingnummer="W-1", debiteur=ander)
    vordering_maken(org, vorderingnummer="W-2", debiteur=ander)
    afschrift_import(
        inhoud=camt053(
            ORG_IBAN, [{"bedrag": 12100, "kenmerk": w1.betalingskenmerk, "iban": VREEMD_IBAN}],
            ident="E1",
        ),
        door="test",
    )  # fmt: skip
    tweede = werklijstpost(ident="E2", bedrag=3000, naam="X", iban=VREEMD_IBAN, tekst="?")
    assert redenen(betaling_suggesties(user=user, betaling=tweede)) == {
        "W-2": ["zelfde IBAN als eerdere betaling"]
    }
    assert v.pk not in {s.vordering.pk for s in betaling_suggesties(user=user, betaling=tweede)}


def test_naam_lijkt_op(org, user, de_vries):
    vordering_maken(org, vorderingnummer="V-1", debiteur=de_vries)
    vordering_maken(org, vorderingnummer="V-2", debiteur=DebiteurFactory(geslachtsnaam="Jansen"))
    b = werklijstpost(bedrag=777, naam="HR J DE VRIES EO", iban=VREEMD_IBAN, tekst="gemeente")
    assert redenen(betaling_suggesties(user=user, betaling=b)) == {
        "V-1": [f"naam lijkt op {de_vries.naam}"]
    }
    # A spelling difference in the name still finds the debtor; a different name does not.
    jansen = DebiteurFactory(geslachtsnaam="Jansen")
    vordering_maken(org, vorderingnummer="V-3", debiteur=jansen)
    vordering_maken(org, vorderingnummer="V-4", debiteur=DebiteurFactory(geslachtsnaam="Jansma"))
    b2 = werklijstpost(ident="W2", bedrag=778, naam="MW A JANSSEN", iban=VREEMD_IBAN, tekst="x")
    r = redenen(betaling_suggesties(user=user, betaling=b2))
    assert r["V-3"] == [f"naam lijkt op {jansen.naam}"] and "V-4" not in r


def test_nummers_en_kenmerk_met_typefout_in_de_omschrijving(org, user):
    v1 = vordering_maken(org, vorderingnummer="2026-0001")
    vordering_maken(org, vorderingnummer="2026-0002", factuurnummer="F-88")
    vordering_maken(org, vorderingnummer="2026-0003")
    kenmerk = v1.betalingskenmerk
    fout = str((int(kenmerk[0]) + 1) % 10) + kenmerk[1:]  # wrong check digit
    assert bk.decode(fout) is None
    b = werklijstpost(
        bedrag=100,
        naam="X",
        iban=VREEMD_IBAN,
        tekst=f"nota 2026-0001 en F-88 kenmerk {bk.formatteer(fout)}",
    )
    r = redenen(betaling_suggesties(user=user, betaling=b))
    assert r == {
        "2026-0001": [
            f"kenmerk {bk.formatteer(fout)} in de omschrijving (controlecijfer klopt niet)",
            "vorderingnummer 2026-0001 in de omschrijving",
        ],
        "2026-0002": ["factuurnummer F-88 in de omschrijving"],
    }
    # The strongest signals first.
    assert [s.vordering.vorderingnummer for s in betaling_suggesties(user=user, betaling=b)] == [
        "2026-0001",
        "2026-0002",
    ]


def test_volgorde_sterkste_signaal_eerst(org, user, de_vries):
    DebiteurRekening.objects.create(debiteur=de_vries, iban=DEB_IBAN)
    vordering_maken(org, vorderingnummer="A-bedrag")
    # Two claims of the debtor of the amount: the automatic IBAN rule cannot choose.
    vordering_maken(org, vorderingnummer="B-1", debiteur=de_vries)
    vordering_maken(org, vorderingnummer="B-2", debiteur=de_vries)
    b = werklijstpost(bedrag=12100, naam="J. de Vries", iban=DEB_IBAN, tekst="?")
    s = betaling_suggesties(user=user, betaling=b)
    assert [x.vordering.vorderingnummer for x in s] == ["B-1", "B-2", "A-bedrag"]
    assert s[0].redenen == [
        "zelfde IBAN als bekende rekening van de debiteur",
        "zelfde bedrag",
        f"naam lijkt op {de_vries.naam}",
    ]


def test_alleen_eigen_organisatie_en_open_vorderingen(org, user, de_vries):
    ander = OrganisatieFactory()
    Bankrekening.objects.create(organisatie=ander, iban=ANDER_ORG_IBAN)
    vordering_maken(ander, vorderingnummer="VREEMD", debiteur=de_vries)
    betaald = vordering_maken(org, vorderingnummer="BETAALD", debiteur=de_vries)
    afschrift_import(
        inhoud=camt053(ORG_IBAN, [{"bedrag": 12100, "kenmerk": betaald.betalingskenmerk}],
                       ident="B1"),
        door="test",
    )  # fmt: skip
    b = werklijstpost(ident="B2", bedrag=12100, naam="J de Vries", iban=VREEMD_IBAN, tekst="?")
    assert betaling_suggesties(user=user, betaling=b) == []
    # A user of another organisation gets nothing from this one (the screen refuses the entry
    # itself; the selector scopes on its own too).
    buiten = User.objects.create_user("buiten", password="x")
    Medewerker.objects.create(user=buiten).organisaties.add(ander)
    vordering_maken(org, vorderingnummer="OPEN", debiteur=de_vries)
    assert [s.vordering.vorderingnummer for s in betaling_suggesties(user=user, betaling=b)] == [
        "OPEN"
    ]
    assert betaling_suggesties(user=buiten, betaling=b) == []
    assert vorderingen_zoeken(user=buiten, betaling=b, q="OPEN") == []


def test_begrensd_aantal_queries_en_resultaten(org, user, de_vries, django_assert_max_num_queries):
    DebiteurRekening.objects.create(debiteur=de_vries, iban=DEB_IBAN)
    for i in range(30):
        vordering_maken(org, vorderingnummer=f"N-{i}", debiteur=de_vries)
    b = werklijstpost(bedrag=12100, naam="J de Vries", iban=DEB_IBAN, tekst="N-1 N-2 N-3")
    b = Betaling.objects.get(pk=b.pk)
    with django_assert_max_num_queries(6):
        s = betaling_suggesties(user=user, betaling=b)
    assert len(s) == 10
    assert [x.vordering.vorderingnummer for x in s[:3]] == ["N-1", "N-2", "N-3"]
    with django_assert_max_num_queries(2):
        gevonden = vorderingen_zoeken(user=user, betaling=b, q="N-1")
        [v.debiteur for v in gevonden]
    assert sorted(v.vorderingnummer for v in gevonden) == sorted(
        ["N-1"] + [f"N-1{i}" for i in range(10)]
    )


def test_zoeken_op_naam_nummer_kenmerk_iban_en_bedrag(org, user, de_vries):
    DebiteurRekening.objects.create(debiteur=de_vries, iban=DEB_IBAN)
    v1 = vordering_maken(org, vorderingnummer="2026-0042", factuurnummer="F-9", debiteur=de_vries)
    v2 = vordering_maken(
        org, vorderingnummer="2026-0100", debiteur=DebiteurFactory(geslachtsnaam="Jansen")
    )
    b = werklijstpost(bedrag=100, naam="X", iban=VREEMD_IBAN, tekst="?")

    def zoek(q, bedrag=None):
        return [v.pk for v in vorderingen_zoeken(user=user, betaling=b, q=q, bedrag=bedrag)]

    assert zoek("de Vries") == [v1.pk]
    assert zoek("jans") == [v2.pk]
    assert zoek("2026-0042") == [v1.pk]
    assert zoek("F-9") == [v1.pk]
    assert sorted(zoek("2026-0")) == sorted([v1.pk, v2.pk])
    assert zoek(bk.formatteer(v2.betalingskenmerk)) == [v2.pk]
    assert zoek("NL20 INGB 0001 2345 67") == [v1.pk]
    assert sorted(zoek("121,00", bedrag=12100)) == sorted([v1.pk, v2.pk])
    assert zoek("") == [] and zoek("onbekend") == []


def test_verdeling_oudste_vordering_eerst_tot_het_restbedrag(org):
    vandaag = datetime.date(2026, 11, 1)
    jong = vordering_maken(org, vorderingnummer="JONG", vervaldatum=vandaag)
    oud = vordering_maken(
        org, vorderingnummer="OUD", vervaldatum=vandaag - datetime.timedelta(days=60)
    )
    derde = vordering_maken(org, vorderingnummer="DERDE", vervaldatum=vandaag)
    # Nothing typed: the oldest claim is filled first, then the next, up to the rest.
    toewijzingen, leeg = verdeling_voorstellen(rest=15000, gekozen=[(jong, None), (oud, None)])
    assert [(v.vorderingnummer, c) for v, c in toewijzingen] == [("JONG", 2900), ("OUD", 12100)]
    assert leeg == []
    # A typed amount stands; the others share what is left; nothing left is reported.
    toewijzingen, leeg = verdeling_voorstellen(
        rest=15000, gekozen=[(jong, 14000), (oud, None), (derde, None)]
    )
    assert [(v.vorderingnummer, c) for v, c in toewijzingen] == [("JONG", 14000), ("OUD", 1000)]
    assert [v.vorderingnummer for v in leeg] == ["DERDE"]
