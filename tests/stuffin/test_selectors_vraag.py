"""The vrdLv01 selector: the PostgreSQL statement answers exactly as the ORM path, within the
koppeling's scope, with the same vervolg rules."""

import datetime

import pytest
from django.utils import timezone

from inningen.choices import (
    AanduidingNaamgebruik,
    Boekingsoort,
    BtwCategorie,
    Debiteursoort,
    Geslachtsaanduiding,
    Invorderingsregime,
    Vorderingtype,
)
from inningen.grootboek.models import Boeking, Vordering
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.grootboek.services.vorderingen import MachtigingInvoer, TermijnInvoer
from stuffin import selectors
from stuffin.services.koppelingen import koppeling_upsert
from stuffin.stuf import berichten as stuf
from stuffin.stuf.fouten import Foutcode, StufFout
from tests.factories import (
    DebiteurFactory,
    OrganisatieFactory,
    elfproef_nummer,
    regel_invoer,
    vordering_maken,
)

pytestmark = pytest.mark.django_db

PEILMOMENT = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
DAG = datetime.date(2026, 2, 1)


def _claim(organisatie, nummer, regels=None, tsa="belastingen", **overrides):
    # vordering_invoer derives the totals from the regels.
    return vordering_maken(organisatie, tsa=tsa, vorderingnummer=nummer, regels=regels, **overrides)


def _boek(vordering, *bedragen_en_soorten) -> None:
    # One call per Boeking, so created_at rises and orders them as the answer must.
    for bedrag, soort in bedragen_en_soorten:
        boekingen_create(
            boekingen=[
                Boeking(
                    organisatie=vordering.organisatie,
                    vordering=vordering,
                    soort=soort,
                    boekdatum=DAG,
                    bedrag_incl_btw=bedrag,
                    bedrag_excl_btw=bedrag,
                    bedrag_btw=0,
                    boekingssleutel=soort,
                    door="test",
                )
            ]
        )


def _boek_eerder(monkeypatch, vordering, bedrag, soort) -> None:
    """A Boeking stamped before the others but written after them, as by a transaction that
    commits late: created_at orders the payments, not the pk."""
    eerder = Boeking.objects.filter(vordering=vordering).earliest("created_at").created_at
    with monkeypatch.context() as m:
        m.setattr(timezone, "now", lambda: eerder - datetime.timedelta(hours=1))
        _boek(vordering, (bedrag, soort))


def _vraag(nummer, maximum_aantal=None) -> stuf.VorderingVraag:
    return stuf.VorderingVraag(
        stuurgegevens=stuf.Stuurgegevens(berichtcode="Lv01"),
        vorderingnummer=nummer,
        maximum_aantal=maximum_aantal,
    )


@pytest.fixture
def organisatie():
    return OrganisatieFactory(naam="Gemeente Teststad")


@pytest.fixture
def koppeling(organisatie):
    return koppeling_upsert(
        applicatie="BEL",
        rol="tsa",
        gebruikersnaam="bel",
        wachtwoord="bel-wachtwoord-2026",
        tsa_codes=["belastingen", "parkeren"],
        vorderende_organisaties=[organisatie.rsin],
    )[0]


@pytest.fixture
def vorderingen(organisatie, koppeling, monkeypatch):
    """Claims that differ in every part of the answer; their numbers."""
    persoon = DebiteurFactory(
        debiteurnummer="D-1",
        a_nummer="1234567890",
        geslachtsnaam="Vries",
        voorvoegsel_geslachtsnaam="de",
        voornamen="Jan Pieter",
        aanduiding_naamgebruik=AanduidingNaamgebruik.PARTNER_NA_EIGEN,
        geslachtsnaam_partner="Berg",
        voorvoegsel_geslachtsnaam_partner="van den",
        aanhef_aanschrijving="Geachte heer",
        adellijke_titel_predikaat="JH",
        geslachtsaanduiding=Geslachtsaanduiding.MAN,
        geboortedatum=datetime.date(1964, 4, 24),
        adresseerbaar_object_id="0363010000000001",
        straatnaam="Dorpsstraat",
        huisnummer=12,
        huisletter="a",
        huisnummertoevoeging="bis",
        postcode="1234AB",
        woonplaats="Teststad",
        locatiebeschrijving="achterom",
        telefoonnummer="0201234567",
        emailadres="jan@example.nl",
    )
    bedrijf = DebiteurFactory(
        soort=Debiteursoort.NIET_NATUURLIJK_PERSOON,
        bsn=None,
        rsin=elfproef_nummer(),
        statutaire_naam="Buitenland B.V.",
        rechtsvorm="BV",
        straatnaam="",
        huisnummer=None,
        postcode="",
        woonplaats="",
        land="Duitsland",
        adresregel_buitenland_1="Hauptstraße 1",
        adresregel_buitenland_2="10115 Berlin",
    )
    zonder_adres = DebiteurFactory(straatnaam="", huisnummer=None, postcode="", woonplaats="")

    volledig = _claim(
        organisatie,
        "V-VOLLEDIG",
        regels=[
            regel_invoer(
                aantal=3, eenheid="uur", stuksprijs_excl_btw=3333, vorderingtoelichting="x"
            ),
            regel_invoer(
                bedrag_excl_btw=500,
                bedrag_btw=45,
                bedrag_incl_btw=545,
                btw_categorie=BtwCategorie.LAAG,
                btw_percentage=900,
                vorderingtype=Vorderingtype.AANSLAG,
                vorderingcode="BEL-2",
            ),
        ],
        debiteur=persoon,
        machtiging=MachtigingInvoer(
            kenmerk="M-1", afgiftedatum=DAG, iban="NL91ABNA0417164300", bic="ABNANL2A"
        ),
        organisatorische_eenheid=("OEH-1", "Belastingen"),
        zaak_identificatie="Z-1",
        zaak_omschrijving="Aanslag 2026",
        heeft_betrekking_op_nummer="V-ELDERS",
        invorderingsregime=Invorderingsregime.TERMIJNVERVOLGING,
        termijnen=[
            TermijnInvoer(datum=DAG, bedrag=6000, vervaldatum=DAG + datetime.timedelta(days=30)),
            TermijnInvoer(datum=None, bedrag=None, vervaldatum=None),
            TermijnInvoer(datum=DAG, bedrag=6645, vervaldatum=DAG + datetime.timedelta(days=60)),
        ],
        btw_totaalregels=[(BtwCategorie.HOOG, 2100), (BtwCategorie.LAAG, 45)],
        factuurnummer="F-1",
        taaknummer="T-1",
        publiekrechtelijk=True,
    )
    _boek(
        volledig,
        (-5000, Boekingsoort.BETALING),
        (5000, Boekingsoort.STORNO),
        (-3000, Boekingsoort.BETALING),
        (400, Boekingsoort.TERUGBETALING),
        (-700, Boekingsoort.CREDITERING),  # not a payment: in neither total
    )
    _boek_eerder(monkeypatch, volledig, -1000, Boekingsoort.BETALING)
    buitenland = _claim(
        organisatie,
        "V-BUITENLAND",
        tsa="parkeren",
        debiteur=bedrijf,
        # Without a regime there is no invorderingsschema, termijnen or not.
        termijnen=[TermijnInvoer(datum=DAG, bedrag=12100, vervaldatum=DAG)],
        btw_totaalregels=[("", None)],
        factuurdatum=None,
        vervaldatum=None,
    )
    _boek(buitenland, (2500, Boekingsoort.STORNO))
    _claim(organisatie, "V-ZONDER-DEBITEUR", invorderingsregime=Invorderingsregime.EINDVERVOLGING)
    _claim(
        organisatie, "V-ZONDER-ADRES", debiteur=zonder_adres, indicator_factuur_uitgestuurd=False
    )
    return ["V-VOLLEDIG", "V-BUITENLAND", "V-ZONDER-DEBITEUR", "V-ZONDER-ADRES"]


def _by_orm(nummer, koppeling, limiet=101):
    return selectors.vorderingen_by_orm(
        vorderingnummer=nummer, koppeling=koppeling, limiet=limiet, peilmoment=PEILMOMENT
    )


def _by_sql(nummer, koppeling, limiet=101):
    return selectors.vorderingen_by_sql(
        vorderingnummer=nummer, koppeling=koppeling, limiet=limiet, peilmoment=PEILMOMENT
    )


@pytest.fixture(params=["orm", "sql"])
def by(request):
    """Each path; the SQL one only on PostgreSQL."""
    if request.param == "sql":
        request.getfixturevalue("postgresql")
        return _by_sql
    return _by_orm


def test_sql_answers_as_orm(postgresql, koppeling, vorderingen):
    for nummer in vorderingen:
        orm = _by_orm(nummer, koppeling)
        sql = _by_sql(nummer, koppeling)
        assert len(orm) == 1, nummer
        assert sql == orm, nummer


def test_sql_answers_as_orm_types(postgresql, koppeling, vorderingen):
    # Equality alone lets 1 pass for True and a datetime for a date.
    [v] = _by_sql("V-VOLLEDIG", koppeling)
    assert type(v.indicator_publiekrechtelijk) is bool
    assert type(v.indicator_factuur_uitgestuurd) is bool
    assert type(v.creatiedatum) is datetime.date
    assert type(v.invorderingsschema.termijnen[0].datum) is datetime.date
    assert type(v.automatische_incasso.afgiftedatum) is datetime.date
    assert type(v.debiteur.natuurlijk_persoon.geboortedatum) is datetime.date
    assert type(v.regels[0].aantal) is int


def test_answer_of_the_full_claim(by, koppeling, vorderingen):
    """What both paths must say; keeps the differential test from comparing two empty answers."""
    [v] = by("V-VOLLEDIG", koppeling)
    assert [(r.aantal, r.stuksprijs_excl_btw) for r in v.regels] == [(3, 3333), (None, None)]
    assert [(b.btw_categorie, b.totaalbedrag_btw) for b in v.btw_totaalregels] == [
        ("HOO", 2100),
        ("LAA", 45),
    ]
    assert v.invorderingsschema.invorderingsregime == "TV"
    assert v.invorderingsschema.termijnen == [
        stuf.Termijn(datum=DAG, termijnbedrag=6000, vervaldatum=DAG + datetime.timedelta(days=30)),
        stuf.Termijn(datum=None, termijnbedrag=None, vervaldatum=None),
        stuf.Termijn(datum=DAG, termijnbedrag=6645, vervaldatum=DAG + datetime.timedelta(days=60)),
    ]
    # Payments 5000 + 3000 + 1000, the 5000 reversed, 400 refunded; the last payment in time
    # was the 3000 (the 1000 was written last but stamped first).
    assert v.vorderingstatus == stuf.Vorderingstatus(
        status="VRW", datum_en_tijd=PEILMOMENT, totaal_betaald=3600, deel_bedrag_betaald=3000
    )
    assert v.automatische_incasso == stuf.AutomatischeIncasso(
        machtigingskenmerk="M-1",
        afgiftedatum=DAG,
        rekeningnummer="NL91ABNA0417164300",
        bic="ABNANL2A",
    )
    assert v.organisatorische_eenheid == stuf.OrganisatorischeEenheid("OEH-1", "Belastingen")
    assert v.zaak == stuf.Zaak("Z-1", "Aanslag 2026")
    assert v.heeft_betrekking_op == "V-ELDERS"
    assert v.vorderende_organisatie.statutaire_naam == "Gemeente Teststad"
    persoon = v.debiteur.natuurlijk_persoon
    assert (persoon.voorvoegsel_geslachtsnaam_partner, persoon.geboortedatum) == (
        "van den",
        datetime.date(1964, 4, 24),
    )
    assert persoon.verblijfsadres.huisnummertoevoeging == "bis"
    assert persoon.verblijfsadres.aoa_identificatie == "0363010000000001"


def test_answer_of_the_sparse_claims(by, koppeling, vorderingen):
    [buitenland] = by("V-BUITENLAND", koppeling)
    nnp = buitenland.debiteur.niet_natuurlijk_persoon
    assert nnp.statutaire_naam == "Buitenland B.V."
    assert nnp.adres == stuf.Adres(
        landnaam="Duitsland", adres_buitenland_1="Hauptstraße 1", adres_buitenland_2="10115 Berlin"
    )
    assert buitenland.invorderingsschema is None
    assert buitenland.automatische_incasso is None
    assert buitenland.btw_totaalregels == [stuf.BtwTotaalregel(None, "")]
    assert (buitenland.factuurdatum, buitenland.zaak, buitenland.heeft_betrekking_op) == (
        None,
        None,
        None,
    )
    # A reversal without a payment: something to say in total, no last payment.
    assert buitenland.vorderingstatus.totaal_betaald == -2500
    assert buitenland.vorderingstatus.deel_bedrag_betaald is None

    [zonder] = by("V-ZONDER-DEBITEUR", koppeling)
    assert zonder.debiteur is None
    assert zonder.organisatorische_eenheid is None
    assert zonder.invorderingsschema == stuf.Invorderingsschema("EV", [])
    assert zonder.vorderingstatus.totaal_betaald == 0

    [zonder_adres] = by("V-ZONDER-ADRES", koppeling)
    assert zonder_adres.debiteur.natuurlijk_persoon.verblijfsadres is None
    assert zonder_adres.indicator_factuur_uitgestuurd is False


def test_scope_other_tsa_code_or_organisation(by, organisatie, koppeling, vorderingen):
    andere = OrganisatieFactory()
    _claim(andere, "V-ANDERE-ORG")
    _claim(organisatie, "V-ANDERE-TSA", tsa="vergunningen")
    koppeling_upsert(
        applicatie="VERG",
        rol="tsa",
        gebruikersnaam="verg",
        wachtwoord="verg-wachtwoord-2026",
        tsa_codes=["vergunningen"],
        vorderende_organisaties=[organisatie.rsin, andere.rsin],
    )
    for nummer in ("V-ANDERE-ORG", "V-ANDERE-TSA", "V-ONBEKEND"):
        assert by(nummer, koppeling) == []
        with pytest.raises(StufFout) as fout:
            selectors.vorderingen_for_vraag(vraag=_vraag(nummer), koppeling=koppeling)
        assert (fout.value.code, fout.value.soort) == (Foutcode.FIN014, "Fo02")


def test_without_vorderingnummer_stuf055(koppeling):
    with pytest.raises(StufFout) as fout:
        selectors.vorderingen_for_vraag(vraag=_vraag(None), koppeling=koppeling)
    assert (fout.value.code, fout.value.soort) == (Foutcode.STUF055, "Fo02")


@pytest.fixture
def drie_met_een_nummer(organisatie, koppeling):
    """One number on three claims of this koppeling (two TSA codes, two organisations), and on
    one of another koppeling; their pks in the answer's order."""
    tweede = OrganisatieFactory()
    koppeling.vorderende_organisaties.add(tweede)
    eigen = [
        _claim(organisatie, "V-DUBBEL", tsa="belastingen"),
        _claim(tweede, "V-DUBBEL", tsa="belastingen"),
        _claim(organisatie, "V-DUBBEL", tsa="parkeren"),
    ]
    _claim(organisatie, "V-DUBBEL", tsa="vergunningen")
    return sorted(v.pk for v in eigen)


@pytest.mark.parametrize(
    ("maximum_aantal", "aantal", "vervolg"), [(None, 3, False), (3, 3, False), (2, 2, True)]
)
def test_maximum_aantal_and_vervolg(
    koppeling, drie_met_een_nummer, maximum_aantal, aantal, vervolg
):
    vorderingen, meer = selectors.vorderingen_for_vraag(
        vraag=_vraag("V-DUBBEL", maximum_aantal), koppeling=koppeling
    )
    assert (len(vorderingen), meer) == (aantal, vervolg)
    assert {v.tsa for v in vorderingen} <= {"belastingen", "parkeren"}


def test_ceiling_max_antwoord(monkeypatch, koppeling, drie_met_een_nummer):
    monkeypatch.setattr(selectors, "MAX_ANTWOORD", 2)
    vorderingen, meer = selectors.vorderingen_for_vraag(
        vraag=_vraag("V-DUBBEL", 50), koppeling=koppeling
    )
    assert (len(vorderingen), meer) == (2, True)


def test_both_paths_order_by_pk(by, koppeling, drie_met_een_nummer):
    # The answer carries no pk: the organisation and TSA code tell the claims apart.
    verwacht = [
        (v.organisatie.rsin, v.tsa)
        for v in Vordering.objects.filter(pk__in=drie_met_een_nummer).order_by("pk")
    ]
    gekregen = by("V-DUBBEL", koppeling, limiet=3)
    assert [(v.vorderende_organisatie.nnp_id, v.tsa) for v in gekregen] == verwacht
    assert by("V-DUBBEL", koppeling, limiet=2) == gekregen[:2]


def test_postgresql_answers_in_one_query(
    postgresql, koppeling, vorderingen, django_assert_num_queries
):
    with django_assert_num_queries(1):
        vorderingen, meer = selectors.vorderingen_for_vraag(
            vraag=_vraag("V-VOLLEDIG"), koppeling=koppeling
        )
    # The one query is the whole answer: the claim with its regels, termijnen and debtor.
    assert not meer
    [v] = vorderingen
    assert v.vorderingnummer == "V-VOLLEDIG" and len(v.regels) == 2
    assert len(v.invorderingsschema.termijnen) == 3
    assert v.debiteur.natuurlijk_persoon.geboortedatum == datetime.date(1964, 4, 24)
