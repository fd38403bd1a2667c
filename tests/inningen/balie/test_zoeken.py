"""Balie search by name (#19 finding 1): any word of the name, in any order, "surname,
initials", folded (accents, IJ, ø ı ł ß...), voorvoegsels optional, ranked by relevance, scoped
to the user's organisations; on PostgreSQL served by the pg_trgm index."""

import importlib
import itertools
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from inningen.balie.selectors.zoeken import naamvraag, zoek
from inningen.choices import Debiteursoort
from inningen.debiteuren.models import Debiteur
from inningen.debiteuren.models.debiteur import compute_zoekwoorden, fold, woorden
from inningen.debiteuren.services import DebiteurInvoer, debiteuren_upsert
from inningen.organisaties.services.rollen import roles_ensure
from tests.factories import (
    DebiteurFactory,
    OrganisatieFactory,
    elfproef_nummer,
    gebruiker_maken,
    vordering_maken,
)

pytestmark = pytest.mark.django_db

_teller = itertools.count(1)


@pytest.fixture
def org():
    return OrganisatieFactory(naam="Gemeente Rivierstad")


@pytest.fixture
def balie(org):
    roles_ensure()
    return gebruiker_maken("balie", "baliemedewerker", org)


def _persoon(org, geslachtsnaam, voornamen="", voorletters="", voorvoegsel="", **kw):
    deb = DebiteurFactory(
        geslachtsnaam=geslachtsnaam, voornamen=voornamen, voorletters=voorletters,
        voorvoegsel_geslachtsnaam=voorvoegsel, **kw,
    )  # fmt: skip
    if org is not None:
        vordering_maken(org, debiteur=deb, vorderingnummer=f"Z-{next(_teller):06d}")
    return deb


def _bedrijf(org, naam):
    deb = DebiteurFactory(
        soort=Debiteursoort.NIET_NATUURLIJK_PERSOON, bsn=None, rsin=elfproef_nummer(),
        statutaire_naam=naam, geslachtsnaam="", voorletters="",
    )  # fmt: skip
    vordering_maken(org, debiteur=deb, vorderingnummer=f"Z-{next(_teller):06d}")
    return deb


# --- folding ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tekst", "gevouwen"),
    [
        ("Öztürk", "ozturk"),
        ("Hüseyin", "huseyin"),
        ("Ĳzerman", "ijzerman"),  # the ligature as one character
        ("ĳzerman", "ijzerman"),
        ("IJzerman", "ijzerman"),
        ("Sørensen", "sorensen"),
        ("ØSTERGAARD", "ostergaard"),
        ("Yılmaz", "yilmaz"),
        ("Wałęsa", "walesa"),
        ("Łukasz", "lukasz"),
        ("Strauß", "strauss"),
        ("STRAUẞ", "strauss"),
        ("Ærø", "aero"),
        ("Cœur", "coeur"),
        ("Đorđević", "dordevic"),
        ("Þórsdóttir", "thorsdottir"),
        ("Guðmundsson", "gudmundsson"),
        ("Dvořák", "dvorak"),
        ("Çelik", "celik"),
        ("Núñez", "nunez"),
        ("d’Hondt", "d'hondt"),
        ("  Lefèvre ", "lefevre"),
    ],
)
def test_fold(tekst, gevouwen):
    assert fold(tekst) == gevouwen


def test_woorden_and_zoekwoorden():
    assert woorden("Öztürk, H.") == ["ozturk", "h"]
    assert woorden("Bakkerij IJzerman & Zn. B.V.") == ["bakkerij", "ijzerman", "zn", "b", "v"]
    zw = compute_zoekwoorden("Hüseyin Ali", "H.A.", "van der", "Öztürk", "", "Bakkerij B.V.")
    assert zw == " huseyin ali h a ha van der ozturk bakkerij b v bv "
    assert compute_zoekwoorden("", "") == ""


def test_zoekwoorden_kept_up_to_date_on_save_and_upsert():
    deb = DebiteurFactory(geslachtsnaam="Öztürk", voornamen="Hüseyin", voorletters="H.")
    assert deb.zoekwoorden == " huseyin h ozturk "
    deb.geslachtsnaam = "Yılmaz"
    deb.save(update_fields=["geslachtsnaam"])
    deb.refresh_from_db()
    assert deb.zoekwoorden == " huseyin h yilmaz " and deb.zoeknaam == "yilmaz"
    bsn = elfproef_nummer()
    nieuw = DebiteurInvoer(soort="NPS", bsn=bsn, gegevens={"geslachtsnaam": "Strauß"})
    [d] = debiteuren_upsert(invoer=[nieuw])
    assert Debiteur.objects.get(pk=d.pk).zoekwoorden == " strauss "
    # A known debtor whose name changes (the bulk_update path).
    nieuw = DebiteurInvoer(soort="NPS", bsn=bsn, gegevens={"voornamen": "Jürgen"})
    debiteuren_upsert(invoer=[nieuw])
    assert Debiteur.objects.get(pk=d.pk).zoekwoorden == " jurgen strauss "


def test_migration_backfills_both_columns():
    deb = DebiteurFactory(geslachtsnaam="Sørensen", voornamen="Åse", voorletters="Å.")
    Debiteur.objects.filter(pk=deb.pk).update(zoeknaam="sørensen", zoekwoorden="")
    migratie = importlib.import_module("inningen.migrations.0025_zoeken")
    # RunPython hands the function a schema editor; it only reads its connection.
    migratie.vullen(apps, SimpleNamespace(connection=connection))
    deb.refresh_from_db()
    assert deb.zoeknaam == "sorensen"
    assert deb.zoekwoorden == " ase a sorensen "


# --- the examples of the issue ------------------------------------------------------------------


@pytest.fixture
def oztuerk(org):
    return _persoon(org, "Öztürk", voornamen="Hüseyin", voorletters="H.")


@pytest.fixture
def ijzerman(org):
    return _bedrijf(org, "Bakkerij IJzerman & Zn. B.V.")


@pytest.mark.parametrize(
    "q",
    [
        "Hüseyin Öztürk",
        "Öztürk Hüseyin",  # reversed
        "Öztürk, H",  # surname, initials
        "Öztürk, H.",
        "H. Öztürk",
        "ozturk",
        "OZTURK",
        "huseyin",
        "Hüs Özt",  # word starts
        "Öztürk hüseyin h",
    ],
)
def test_finds_person_by_any_form_of_the_name(balie, oztuerk, q):
    assert zoek(balie, q).debiteuren == [oztuerk]


@pytest.mark.parametrize(
    "q", ["IJzerman", "ijzerman", "ĳzerman", "Ĳzerman", "Bakkerij IJzerman", "ijzerman bakkerij",
          "zn", "B.V. IJzerman", "bv ijzerman", "Bakkerij IJzerman & Zn. B.V.", "jzerman"],
)  # fmt: skip
def test_finds_company_by_any_word(balie, ijzerman, q):
    assert zoek(balie, q).debiteuren == [ijzerman]


def test_not_found_when_a_word_does_not_match(balie, oztuerk):
    assert zoek(balie, "Hüseyin Yılmaz").leeg
    assert zoek(balie, "Öztürk, J").leeg
    assert zoek(balie, "h").leeg  # one letter alone searches nothing


@pytest.mark.parametrize(
    ("naam", "q"),
    [
        ("Strauß", "strauss"),
        ("Strauß", "Strauß"),
        ("Strauss", "strauß"),
        ("Sørensen", "sorensen"),
        ("Sorensen", "Sørensen"),
        ("Yılmaz", "yilmaz"),
        ("Yilmaz", "Yılmaz"),
        ("Wałęsa", "walesa"),
        ("Ĳsselmuiden", "IJsselmuiden"),
        ("IJsselmuiden", "ĳsselmuiden"),
        ("Þórsdóttir", "thorsdottir"),
        ("Lefèvre", "lefevre"),
        ("Παπαδόπουλος", "παπαδοπουλος"),  # other scripts keep their letters
        ("Иванова", "иванова"),
    ],
)
def test_folding_in_search(balie, org, naam, q):
    deb = _persoon(org, naam, voorletters="A.")
    assert zoek(balie, q).debiteuren == [deb]


def test_voorvoegsel_optional(balie, org):
    heuvel = _persoon(org, "Heuvel", voorvoegsel="van den", voorletters="P.")
    for q in (
        "van den Heuvel",
        "Heuvel",
        "van Heuvel",
        "Heuvel, P",
        "P. van den Heuvel",
        "v Heuvel",
    ):
        assert zoek(balie, q).debiteuren == [heuvel], q
    # Only voorvoegsels typed: then they are the words searched.
    assert zoek(balie, "van den").debiteuren == [heuvel]


def test_scope_other_organisation_not_found(balie, oztuerk):
    elders = OrganisatieFactory(naam="Gemeente Elders")
    _persoon(elders, "Öztürk", voornamen="Hüseyin", voorletters="H.")
    _persoon(None, "Öztürk", voornamen="Hüseyin", voorletters="H.")  # no claim at all
    assert zoek(balie, "Hüseyin Öztürk").debiteuren == [oztuerk]


# --- ranking ------------------------------------------------------------------------------------


def test_ranking_order(balie, org):
    # Created in the reverse of the expected order, so pk order does not explain the result.
    binnen = _persoon(org, "Willemjansen", voorletters="A.")  # inside a word
    begin = _persoon(org, "Jansenius", voorletters="A.")  # word start only
    dubbel = _persoon(org, "Vries", voorvoegsel="de", voorletters="A.",
                      geslachtsnaam_partner="Jansen", aanduiding_naamgebruik="N")  # fmt: skip
    exact_b = _persoon(org, "Jansen", voorletters="B.")
    exact_a = _persoon(org, "Jansen", voorletters="A.")
    gevonden = zoek(balie, "jansen").debiteuren
    # Exact family name (tie-break zoeknaam, then pk: the A. was created last, higher pk),
    # then a whole word, then a word start, then inside a word.
    assert gevonden == [exact_b, exact_a, dubbel, begin, binnen]


def test_ranking_whole_words_before_word_starts(balie, org):
    ali = _persoon(org, "Öztürk", voornamen="Alişan", voorletters="A.")
    precies = _persoon(org, "Öztürk", voornamen="Ali", voorletters="A.")
    assert zoek(balie, "Ali Öztürk").debiteuren == [precies, ali]
    assert zoek(balie, "Öztürk, A").debiteuren == [ali, precies]  # same rank: by pk


def test_ranking_voorvoegsel_counts(balie, org):
    zonder = _persoon(org, "Berg", voorletters="A.")
    met = _persoon(org, "Berg", voorvoegsel="van den", voorletters="A.")
    assert zoek(balie, "van den Berg").debiteuren == [met, zonder]


def test_pagination_follows_ranking(balie, org):
    for i in range(30):
        _persoon(org, f"Visser{i:02d}", voorletters="A.")
    exact = _persoon(org, "Visser", voorletters="A.")
    eerste = zoek(balie, "visser")
    tweede = zoek(balie, "visser", pagina=2)
    assert eerste.debiteuren[0] == exact and eerste.heeft_volgende
    assert len(eerste.debiteuren) == 25 and len(tweede.debiteuren) == 6
    assert not {d.pk for d in eerste.debiteuren} & {d.pk for d in tweede.debiteuren}


def test_naamvraag_needs_two_letters():
    assert naamvraag("") is None
    assert naamvraag("h.") is None
    assert naamvraag("-, .") is None
    assert naamvraag("hu") is not None


# --- screens ------------------------------------------------------------------------------------


def test_search_screen_and_linking_screen(client, balie, org, oztuerk):
    client.force_login(balie)
    html = client.get("/", {"q": "Öztürk, H"}).content.decode()
    assert "Öztürk" in html
    invorderaar = gebruiker_maken("invorderaar", "invorderaar", org)
    zonder = vordering_maken(org, vorderingnummer="ZONDER-19")
    client.force_login(invorderaar)
    html = client.get(f"/werklijsten/zonder-debiteur/{zonder.pk}/", {"q": "Hüseyin Öztürk"})
    assert f'value="{oztuerk.pk}"' in html.content.decode()


# --- PostgreSQL: the index ------------------------------------------------------------------------


def test_postgresql_trigram_index_serves_word_search(postgresql, balie, oztuerk):
    with connection.cursor() as c:
        c.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'debiteur_zoekwoorden_trgm'")
        [(indexdef,)] = c.fetchall()
        assert "gin" in indexdef and "gin_trgm_ops" in indexdef
        c.execute("SET LOCAL enable_seqscan = off")
        vraag = naamvraag("Öztürk, H")
        rijen = Debiteur.objects.filter(vraag.filter).order_by().values("pk")
        sql, params = rijen.query.sql_with_params()
        c.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(r[0] for r in c.fetchall())
    assert "debiteur_zoekwoorden_trgm" in plan
    assert zoek(balie, "Öztürk, H").debiteuren == [oztuerk]


# --- the cap on candidates ----------------------------------------------------------------------


def test_cap_keeps_exact_and_whole_word_matches(balie, org, monkeypatch):
    monkeypatch.setattr("inningen.balie.selectors.zoeken.MAX_KANDIDATEN", 5)
    # Word starts first, so the table's order alone would fill the cap with them.
    begin = [_persoon(org, f"Vissering{i}", voorletters="A.") for i in range(8)]
    partner = _persoon(org, "Bakker", voorletters="A.", geslachtsnaam_partner="Visser",
                       aanduiding_naamgebruik="V")  # fmt: skip
    exact = _persoon(org, "Visser", voorletters="B.")
    res = zoek(balie, "visser")
    assert res.afgekapt
    assert res.debiteuren[:2] == [exact, partner]
    # At most 5 word starts looked at, beside the two whole-word matches.
    assert len(res.debiteuren) == 7 and set(res.debiteuren[2:]) <= set(begin)
    assert not zoek(balie, "vissering1").afgekapt


def test_cap_pages_stay_consistent(balie, org, monkeypatch):
    monkeypatch.setattr("inningen.balie.selectors.zoeken.MAX_KANDIDATEN", 40)
    for i in range(45):
        _persoon(org, f"Mulder{i:02d}", voorletters="A.")
    eerste, tweede = zoek(balie, "mulder"), zoek(balie, "mulder", pagina=2)
    assert eerste.afgekapt and eerste.heeft_volgende and not tweede.heeft_volgende
    pks = [d.pk for d in eerste.debiteuren + tweede.debiteuren]
    assert len(pks) == len(set(pks)) == 40
    assert [d.pk for d in zoek(balie, "mulder", pagina=2).debiteuren] == pks[25:]


def test_cap_message_on_results_page(client, balie, org, oztuerk, monkeypatch):
    monkeypatch.setattr("inningen.balie.selectors.zoeken.MAX_KANDIDATEN", 1)
    monkeypatch.setattr("inningen.balie.views.balie.MAX_KANDIDATEN", 1)
    _persoon(org, "Öztürkoğlu", voorletters="A.")
    client.force_login(balie)
    html = client.get("/", {"q": "ozturk"}).content.decode()
    assert 'id="zoeken-afgekapt"' in html and "Meer dan 1 treffers" in html
    assert "zoek op BSN, postcode of vorderingnummer" in html
    html = client.get("/", {"q": "Hüseyin Öztürk"}).content.decode()
    assert "zoeken-afgekapt" not in html and "Öztürk" in html
