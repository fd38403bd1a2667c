"""Letters (issue 8): texts per soort, Dutch formatting, PDF rendering after commit, idempotent
rendering, the sweep, failure isolation, the download view and the debtor's correspondence."""

import datetime as dt
import urllib.request

import pytest
from django.db import OperationalError
from django.template.loader import render_to_string
from django.utils import timezone

from inningen.betalingskenmerk import betalingskenmerk
from inningen.choices import Briefsoort
from inningen.invordering.models import Brief
from inningen.invordering.selectors.brieven import brieven_for_debiteur
from inningen.invordering.services import brieven as brieven_service
from inningen.invordering.services.brieven import (
    brief_gegevens,
    brief_pdf,
    brief_render_html,
    brief_render_pdf,
    brieven_create,
    brieven_render,
    brieven_render_sweep,
    datum_voluit,
)
from inningen.organisaties.services.rollen import roles_ensure
from inningen.verwerkingen.models import Verwerking
from tests.factories import (
    DebiteurFactory,
    OrganisatieFactory,
    brief_maken,
    gebruiker_maken,
    vordering_maken,
)

DATUM = dt.date(2026, 11, 22)
KENMERK = betalingskenmerk(42)
ORGANISATIE = {
    "naam": "Gemeente Rivierstad",
    "rsin": "001234567",
    "iban": "NL91ABNA0417164300",
    "incassant_id": "NL98ZZZ999999990000",
}
DEBITEUR = {
    "naam": "H. Öztürk",
    "adresregels": ["Dorpsstraat 12", "4101 AB  CULEMBORG"],
    "debiteurnummer": "D-000123",
}
REGELING = {
    "termijnbedrag": 30864,
    "aantal_termijnen": 4,
    "startdatum": "2026-12-01",
    "betaalwijze": "overmaking",
    "termijnen": [
        {"volgnummer": i + 1, "vervaldatum": f"2027-0{i + 1}-01", "bedrag": bedrag}
        for i, bedrag in enumerate([30864, 30864, 30864, 30864])
    ],
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _vordering(**overrides) -> dict:
    return {
        "vorderingnummer": "V-000042",
        "factuurnummer": "F2026-00042",
        "omschrijving": "Huur sportzaal oktober",
        "factuurdatum": "2026-10-01",
        "vervaldatum": "2026-10-31",
        "bedrag": 123456,
        "openstaand": 123456,
        "betalingskenmerk": KENMERK,
        "tsa": "facturatie",
        "regels": [
            {"omschrijving": "Huur sportzaal", "bedrag": 100000},
            {"omschrijving": "Schoonmaakkosten", "bedrag": 23456},
        ],
        **overrides,
    }


def _brief(soort, **overrides) -> Brief:
    """An unsaved letter: rendering needs only its soort and frozen data."""
    gegevens = brief_gegevens(
        **{
            "soort": soort,
            "datum": DATUM,
            "onderwerp": f"Onderwerp {soort}",
            "organisatie": ORGANISATIE,
            "debiteur": DEBITEUR,
            "vorderingen": [_vordering()],
            "betalen_voor": DATUM + dt.timedelta(days=14),
            **overrides,
        }
    )
    return Brief(soort=soort, datum=DATUM, gegevens=gegevens)


# Per soort: the data the run or service passes, and what the letter must say.
SOORTEN = {
    Briefsoort.FACTUUR: (
        {},
        ["Hierbij ontvangt u onze factuur", "Factuur F2026-00042", "Huur sportzaal",
         "Schoonmaakkosten", "€ 1.000,00", "€ 234,56", "inclusief btw"],
    ),
    Briefsoort.HERINNERING: (
        {},
        ["nog niet (volledig) ontvangen", "Aan deze herinnering zijn geen kosten verbonden",
         "uiterlijk op 6 december 2026"],
    ),
    Briefsoort.AANMANING: (
        {"kosten": 1600, "rente": 123, "totaal": 123456 + 1600 + 123},
        ["deze aanmaning", "€ 16,00 aanmaningskosten", "€ 1,23 invorderingsrente",
         "Aanmaningskosten", "Invorderingsrente", "€ 1.251,79", "binnen twee weken",
         "dwangbevel", "artikel 12 van de Invorderingswet 1990", "4:114",
         "Algemene wet bestuursrecht", "beslag"],
    ),
    Briefsoort.VEERTIENDAGENBRIEF: (
        {"kosten": 18518},
        ["veertien dagen, te rekenen vanaf de dag na de dag waarop u deze brief ontvangt",
         "buitengerechtelijke incassokosten verschuldigd van € 185,18",
         "artikel 6:96 lid 6 van het Burgerlijk Wetboek", "zonder extra kosten"],
    ),
    Briefsoort.DWANGBEVEL: (
        {"kosten": 5200, "totaal": 123456 + 5200},
        ["dwangbevel uitgevaardigd", "twee dagen", "€ 52,00 kosten", "€ 1.286,56"],
    ),
    Briefsoort.OVERDRACHT: (
        {"kosten": 18518, "totaal": 123456 + 18518},
        ["uit handen gegeven", "incassobureau of gerechtsdeurwaarder",
         "€ 185,18 buitengerechtelijke incassokosten verschuldigd", "€ 1.419,74"],
    ),
    Briefsoort.REGELING_BEVESTIGING: (
        {"regeling": REGELING, "totaal": 123456},
        ["bevestigen wij de betalingsregeling", "4 maandelijkse termijnen van € 308,64",
         "1 december 2026", "Uw termijnen", "01-04-2027", "Totaal van de regeling",
         "uiterlijk op de vervaldatum", "vervalt de regeling"],
    ),
    Briefsoort.REGELING_HERINNERING: (
        {"regeling": REGELING, "totaal": 30864},
        ["volgens de betalingsregeling", "achterstallige bedrag van € 308,64",
         "geen kosten verbonden", "kan de betalingsregeling vervallen"],
    ),
    Briefsoort.VERREKENING: (
        {"vorderingen": [_vordering(openstaand=23456, met_tegoed=100000)], "totaal": 100000,
         "tekst": "Uw tegoed was € 1.200,00; daarvan is € 1.000,00 verrekend."},
        ["tegoed verrekend", "eerst de oudste vordering", "Verrekend", "Nog open", "€ 1.000,00",
         "€ 234,56", "Totaal van uw tegoed verrekend", "Uw tegoed was € 1.200,00"],
    ),
    Briefsoort.REGELING_VERVALLEN: (
        {"totaal": 123456, "tekst": "De termijnen van januari en februari zijn niet betaald."},
        ["betalingsregeling vervallen", "in één keer opeisbaar",
         "De normale invordering wordt hervat", "januari en februari zijn niet betaald"],
    ),
}  # fmt: skip


def test_every_soort_has_a_letter():
    assert set(SOORTEN) == set(Briefsoort)


@pytest.mark.parametrize("soort", list(SOORTEN))
def test_letter_text_and_pdf_per_soort(soort):
    data, zinnen = SOORTEN[soort]
    brief = _brief(soort, **data)
    html = brief_render_html(brief=brief)
    # Common to every letter: addressee, sender, Dutch date, subject, claim, amounts.
    for zin in [
        "H. Öztürk", "Dorpsstraat 12", "4101 AB  CULEMBORG", "Gemeente Rivierstad",
        "RSIN 001234567", "22 november 2026", f"Onderwerp {soort}", "V-000042",
        "NL91 ABNA 0417 1643 00", "Geachte heer/mevrouw", "Met vriendelijke groet",
    ]:  # fmt: skip
        assert zin in html, zin
    for zin in zinnen:
        assert zin in html, zin
    pdf = brief_render_pdf(brief=brief)
    assert pdf.startswith(b"%PDF-")
    assert b"%%EOF" in pdf[-32:]


def test_payment_instruction_with_grouped_kenmerk_and_dutch_date():
    html = brief_render_html(brief=_brief(Briefsoort.HERINNERING))
    gegroepeerd = " ".join(KENMERK[i : i + 4] for i in range(0, 16, 4))
    assert (
        f"Betaal € 1.234,56 uiterlijk op 6 december 2026 op IBAN NL91 ABNA 0417 1643 00 ten name van "
        f"Gemeente Rivierstad\n    onder vermelding van betalingskenmerk {gegroepeerd}."
    ) in html
    assert "Totaal te betalen" in html
    # The claim's own dates in the overview are short Dutch dates.
    assert "31-10-2026" in html


def test_costs_and_interest_lines_only_when_not_zero():
    zonder = brief_render_html(brief=_brief(Briefsoort.HERINNERING))
    assert "Aanmaningskosten" not in zonder and "rente" not in zonder.lower()
    met = brief_render_html(
        brief=_brief(Briefsoort.AANMANING, kosten=1600, rente=0, totaal=123456 + 1600)
    )
    assert "Aanmaningskosten" in met and "Invorderingsrente" not in met
    assert "€ 1.250,56" in met


def test_one_claim_frozen_after_booking_its_costs_still_adds_up():
    """The run freezes the claim's balance after booking the aanmaning's kosten and rente; the
    letter shows the claim before them, then the two lines, then the total."""
    brief = _brief(
        Briefsoort.AANMANING,
        vorderingen=[_vordering(openstaand=123456 + 1600 + 123)],
        kosten=1600,
        rente=123,
        totaal=123456 + 1600 + 123,
    )
    html = brief_render_html(brief=brief)
    regels = [r.strip() for r in html.splitlines()]
    assert '<td class="bedrag">€ 1.234,56</td>' in regels  # the claim's row
    assert '<tr><td colspan="3">Openstaand</td><td class="bedrag">€ 1.234,56</td></tr>' in regels
    assert "€ 1.251,79" in html


def test_invoice_in_termijnen_by_direct_debit():
    """An aanslag the run splits into termijnen because of an active machtiging."""
    termijnen = [
        {"volgnummer": i, "vervaldatum": f"2027-0{i}-01", "bedrag": 12346 if i == 1 else 12345}
        for i in range(1, 10)
    ]
    html = brief_render_html(brief=_brief(Briefsoort.FACTUUR, regeling={"termijnen": termijnen}))
    assert "U betaalt dit bedrag in 9 termijnen" in html
    assert "automatisch af van uw rekening (incassant-ID NL98ZZZ999999990000)" in html
    assert "€ 123,46" in html and "01-09-2027" in html
    assert "Betaal € 1.234,56 uiterlijk op" not in html  # not the whole amount at once


def test_veertiendagenbrief_names_the_wik_costs_but_does_not_charge_them():
    html = brief_render_html(brief=_brief(Briefsoort.VEERTIENDAGENBRIEF, kosten=18518))
    # Named in the text, not a line of the overview, not in the total.
    assert "verschuldigd van € 185,18" in html
    assert '<td colspan="3">Buitengerechtelijke incassokosten</td>' not in html
    assert "Betaal € 1.234,56 uiterlijk op" in html


def test_several_claims_without_one_kenmerk_show_a_kenmerk_per_claim():
    tweede = _vordering(vorderingnummer="V-000043", betalingskenmerk=betalingskenmerk(43),
                        openstaand=1000)  # fmt: skip
    html = brief_render_html(
        brief=_brief(Briefsoort.HERINNERING, vorderingen=[_vordering(), tweede])
    )
    assert "het betalingskenmerk per vordering uit het overzicht" in html
    assert f"kenmerk {betalingskenmerk(43)[:4]} " in html
    assert "€ 1.244,56" in html  # the total of both


def test_invoice_shows_what_was_already_paid():
    html = brief_render_html(
        brief=_brief(Briefsoort.FACTUUR, vorderingen=[_vordering(openstaand=100000)])
    )
    assert "Al ontvangen of verrekend" in html and "-€ 234,56" in html
    assert "Betaal € 1.000,00" in html


def test_debtor_data_is_escaped():
    brief = _brief(Briefsoort.HERINNERING, debiteur={**DEBITEUR, "naam": "<b>Jansen</b> & Co"})
    html = brief_render_html(brief=brief)
    assert "&lt;b&gt;Jansen&lt;/b&gt; &amp; Co" in html
    assert "<b>Jansen</b>" not in html


def test_renderer_fetches_nothing(monkeypatch):
    """Even markup with remote resources (which autoescaping keeps out of real letters) makes
    the renderer open no URL."""
    geopend = []
    monkeypatch.setattr(
        urllib.request.OpenerDirector, "open", lambda self, *a, **kw: geopend.append(a)
    )
    monkeypatch.setattr(
        brieven_service,
        "render_to_string",
        lambda *a, **kw: (
            '<html><head><link rel="stylesheet" href="http://127.0.0.1:9/s.css"></head>'
            '<body><img src="https://example.org/x.png"><img src="file:///etc/hostname">'
            "<p>tekst</p></body></html>"
        ),
    )
    assert brief_render_pdf(brief=_brief(Briefsoort.HERINNERING)).startswith(b"%PDF-")
    assert geopend == []


def test_datum_voluit():
    assert datum_voluit(dt.date(2026, 11, 22)) == "22 november 2026"
    assert datum_voluit(dt.date(2027, 3, 1)) == "1 maart 2027"
    assert datum_voluit(None) == ""


# --- storing, queueing, sweep ------------------------------------------------------------------


@pytest.fixture
def org(db):
    return OrganisatieFactory(naam="Gemeente Rivierstad")


@pytest.fixture
def andere_org(db):
    return OrganisatieFactory(naam="Gemeente Elders")


@pytest.fixture
def debiteur(db):
    return DebiteurFactory(geslachtsnaam="Öztürk", voorletters="H.")


@pytest.fixture
def vordering(org, debiteur):
    return vordering_maken(org, debiteur=debiteur, vorderingnummer="V-000001")


def _nieuwe_brief(vordering, soort=Briefsoort.HERINNERING) -> Brief:
    return Brief(
        organisatie=vordering.organisatie,
        debiteur=vordering.debiteur,
        vordering=vordering,
        soort=soort,
        datum=DATUM,
        gegevens=_brief(soort).gegevens,
    )


@pytest.fixture
def met_worker(settings):
    """Production-like: a broker is configured, so letters are rendered right after commit."""
    settings.BRIEVEN_RENDEREN_NA_COMMIT = True


@pytest.mark.django_db
def test_zonder_broker_pas_bij_downloaden(settings, vordering, django_capture_on_commit_callbacks):
    # The embedded default: a run's letters must not be rendered inside the web request.
    settings.BRIEVEN_RENDEREN_NA_COMMIT = False
    with django_capture_on_commit_callbacks(execute=True):
        [brief] = brieven_create(brieven=[_nieuwe_brief(vordering)])
    brief.refresh_from_db()
    assert brief.gerenderd_op is None
    assert brief_pdf(brief=brief).startswith(b"%PDF")
    brief.refresh_from_db()
    assert brief.gerenderd_op is not None


@pytest.mark.django_db
def test_brieven_create_renders_after_commit(
    met_worker, vordering, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [brief] = brieven_create(brieven=[_nieuwe_brief(vordering)])
    assert len(callbacks) == 1
    brief.refresh_from_db()
    assert brief.gerenderd_op is None and not brief.pdf  # nothing before the commit

    callbacks[0]()  # the commit: queue the task (eager here)
    brief.refresh_from_db()
    assert brief.gerenderd_op is not None
    assert brief.pdf.name == (
        f"brieven/{vordering.organisatie_id}/2026/11/herinnering-20261122-{brief.pk}.pdf"
    )
    with brief.pdf.open("rb") as bestand:
        assert bestand.read().startswith(b"%PDF-")


@pytest.mark.django_db
def test_render_is_idempotent(vordering, monkeypatch):
    brief = brief_maken(vordering)
    assert brieven_render(ids=[brief.pk]) == 1
    brief.refresh_from_db()
    eerst = (brief.pdf.name, brief.gerenderd_op)

    def niet_opnieuw(**kwargs):
        raise AssertionError("al gerenderd")

    monkeypatch.setattr(brieven_service, "brief_render_pdf", niet_opnieuw)
    assert brieven_render(ids=[brief.pk]) == 0
    brief.refresh_from_db()
    assert (brief.pdf.name, brief.gerenderd_op) == eerst
    # The stored PDF is served as is, not rendered again.
    assert brief_pdf(brief=brief).startswith(b"%PDF-")


@pytest.mark.django_db
def test_a_letter_rendered_meanwhile_is_not_stored_twice(vordering, monkeypatch):
    """Another worker (or the download view) stored it while this one was rendering."""
    brief = brief_maken(vordering)
    echt = brieven_service.brief_render_pdf

    def ondertussen(*, brief):
        pdf = echt(brief=brief)
        Brief.objects.filter(pk=brief.pk).update(gerenderd_op=timezone.now(), pdf="ander.pdf")
        return pdf

    monkeypatch.setattr(brieven_service, "brief_render_pdf", ondertussen)
    assert brieven_render(ids=[brief.pk]) == 0
    brief.refresh_from_db()
    assert brief.pdf.name == "ander.pdf"


@pytest.mark.django_db
def test_one_failing_letter_does_not_block_the_others(vordering, monkeypatch, caplog):
    goed1, fout, goed2 = (brief_maken(vordering) for _ in range(3))
    echt = brieven_service.brief_render_pdf

    def soms_fout(*, brief):
        if brief.pk == fout.pk:
            raise ValueError("kapotte gegevens")
        return echt(brief=brief)

    monkeypatch.setattr(brieven_service, "brief_render_pdf", soms_fout)
    assert brieven_render(ids=[goed1.pk, fout.pk, goed2.pk]) == 2
    gerenderd = dict(Brief.objects.values_list("pk", "gerenderd_op"))
    assert gerenderd[goed1.pk] and gerenderd[goed2.pk]
    assert gerenderd[fout.pk] is None  # left for the sweep
    assert f"Brief {fout.pk} (herinnering) niet gerenderd" in caplog.text


@pytest.mark.django_db
def test_database_errors_fail_the_chunk_for_a_retry(vordering, monkeypatch):
    brief = brief_maken(vordering)

    def weg(**kwargs):
        raise OperationalError("server closed the connection")

    monkeypatch.setattr(brieven_service, "brief_render_pdf", weg)
    with pytest.raises(OperationalError):
        brieven_render(ids=[brief.pk])
    brief.refresh_from_db()
    assert brief.gerenderd_op is None and not brief.pdf  # left for the retry


@pytest.mark.django_db
def test_sweep_queues_letters_unrendered_too_long(met_worker, vordering):
    oud, nieuw, al_klaar = (brief_maken(vordering) for _ in range(3))
    brieven_render(ids=[al_klaar.pk])
    lang_geleden = timezone.now() - dt.timedelta(hours=1)
    Brief.objects.filter(pk__in=[oud.pk, al_klaar.pk]).update(created_at=lang_geleden)

    assert brieven_render_sweep() == 1  # queued, and rendered by the eager task
    gerenderd = dict(Brief.objects.values_list("pk", "gerenderd_op"))
    assert gerenderd[oud.pk] is not None
    assert gerenderd[nieuw.pk] is None  # its own task may still be on its way
    assert brieven_render_sweep() == 0


@pytest.mark.django_db
def test_tasks_render_and_sweep(met_worker, vordering):
    from inningen.invordering.tasks import brieven_opruimen, brieven_renderen

    a, b = brief_maken(vordering), brief_maken(vordering)
    assert brieven_renderen.delay([a.pk]).get() == 1
    assert brieven_renderen.delay([a.pk]).get() == 0
    Brief.objects.filter(pk=b.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert brieven_opruimen.delay().get() == 1
    assert not Brief.objects.filter(gerenderd_op__isnull=True).exists()


# --- download view and correspondence ------------------------------------------------------------


@pytest.fixture
def balie(db, org):
    roles_ensure()
    return gebruiker_maken("balie", "baliemedewerker", org)


@pytest.mark.django_db
def test_download_renders_stores_and_logs(client, balie, vordering):
    brief = brief_maken(vordering, Briefsoort.AANMANING, kosten=1600, totaal=12100 + 1600)
    client.force_login(balie)
    r = client.get(f"/brieven/{brief.pk}/pdf/")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    naam = f"aanmaning-{brief.datum:%Y-%m-%d}-V-000001.pdf"
    assert r["Content-Disposition"] == f'inline; filename="{naam}"'
    assert r.content.startswith(b"%PDF-")
    brief.refresh_from_db()
    assert brief.gerenderd_op is not None  # stored, the task will skip it
    log = Verwerking.objects.get(debiteur=vordering.debiteur)
    assert (log.gebruiker, log.vordering, log.activiteit) == (
        balie,
        vordering,
        "inzage brief (aanmaning)",
    )
    # A second download serves the stored file.
    assert client.get(f"/brieven/{brief.pk}/pdf/").content == r.content


@pytest.mark.django_db
def test_download_scoped_to_own_organisations(client, balie, andere_org, debiteur):
    vreemd = brief_maken(vordering_maken(andere_org, debiteur=debiteur))
    client.force_login(balie)
    assert client.get(f"/brieven/{vreemd.pk}/pdf/").status_code == 404
    assert client.get("/brieven/999999/pdf/").status_code == 404
    assert not Verwerking.objects.exists()
    vreemd.refresh_from_db()
    assert vreemd.gerenderd_op is None and not vreemd.pdf  # not rendered for the refused user


@pytest.mark.django_db
def test_download_needs_login_and_permission(client, org, vordering):
    brief = brief_maken(vordering)
    r = client.get(f"/brieven/{brief.pk}/pdf/")
    assert r.status_code == 302
    assert r["Location"].startswith("/inloggen/?next=")
    client.force_login(gebruiker_maken("zonder_rol", None, org))
    assert client.get(f"/brieven/{brief.pk}/pdf/").status_code == 403
    assert not Verwerking.objects.exists()
    brief.refresh_from_db()
    assert brief.gerenderd_op is None and not brief.pdf


@pytest.mark.django_db
def test_correspondence_newest_first_in_one_query(
    balie, org, andere_org, debiteur, vordering, django_assert_num_queries
):
    oud = brief_maken(vordering, Briefsoort.HERINNERING, datum=DATUM)
    nieuw = brief_maken(vordering, Briefsoort.AANMANING, datum=DATUM + dt.timedelta(days=14),
                        kosten=1600, totaal=12100 + 1600)  # fmt: skip
    brieven_render(ids=[oud.pk])
    brief_maken(vordering_maken(andere_org, debiteur=debiteur))  # not the user's organisation
    brief_maken(vordering_maken(org, debiteur=DebiteurFactory()))  # another debtor

    with django_assert_num_queries(1):
        brieven = brieven_for_debiteur(balie, debiteur.pk)
        rijen = [(b.pk, b.onderwerp, b.totaal, b.vordering.vorderingnummer) for b in brieven]
    assert rijen == [
        (nieuw.pk, "Aanmaning V-000001", 13700, "V-000001"),
        (oud.pk, "Herinnering V-000001", 12100, "V-000001"),
    ]

    html = render_to_string("balie/_correspondentie.html", {"brieven": brieven})
    assert html.index("06-12-2026") < html.index("22-11-2026")
    assert "Aanmaning" in html and "€ 137,00" in html and "Gemeente Rivierstad" in html
    assert f'href="/brieven/{nieuw.pk}/pdf/"' in html and f'href="/brieven/{oud.pk}/pdf/"' in html
    assert html.count("wordt aangemaakt") == 1  # only the unrendered aanmaning


@pytest.mark.django_db
def test_correspondence_empty_for_a_user_without_organisations(debiteur, vordering):
    brief_maken(vordering)
    assert brieven_for_debiteur(gebruiker_maken("niemand", None), debiteur.pk) == []
    html = render_to_string("balie/_correspondentie.html", {"brieven": []})
    assert "Nog geen brieven verstuurd." in html
