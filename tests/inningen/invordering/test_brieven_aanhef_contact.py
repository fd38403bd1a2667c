"""#19 finding 7: every letter greets the debtor as they are known (BRP aanhef, the TSA's
aanhefAanschrijving, or the gender; "Geachte heer/mevrouw" only when nothing is known) and
states how to reach the organisation, from the organisation's own settings."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from lxml import html

from inningen.choices import Briefsoort, Debiteursoort, Geslachtsaanduiding
from inningen.invordering.models import Brief
from inningen.invordering.services.brieven import (
    brief_render_html,
    debiteur_gegevens,
    organisatie_gegevens,
)
from inningen.organisaties.models import Organisatie
from tests.factories import DebiteurFactory, OrganisatieFactory
from tests.inningen.invordering import test_brieven as voorbeelden

CONTACT = {
    "telefoonnummer": "14 0999",
    "bereikbaarheid": "maandag t/m vrijdag 9.00-17.00 uur",
    "emailadres": "belastingen@rivierstad.example",
    "website": "https://www.rivierstad.example/belastingen",
    "bezoekadres": "Stadhuisplein 1, 1234 AB Rivierstad",
    "postadres": "Postbus 100, 1230 AC Rivierstad",
}


def _organisatie() -> Organisatie:
    return OrganisatieFactory.build(naam="Gemeente Rivierstad", rsin="001234567", **CONTACT)


def _persoon(geslacht="", **extra):
    return DebiteurFactory.build(
        geslachtsnaam="Dijk", voorvoegsel_geslachtsnaam="van", voorletters="K.",
        geslachtsaanduiding=geslacht, **extra,
    )  # fmt: skip


DEBITEUREN = {
    "man": (lambda: _persoon(Geslachtsaanduiding.MAN), "Geachte heer Van Dijk"),
    "vrouw": (lambda: _persoon(Geslachtsaanduiding.VROUW), "Geachte mevrouw Van Dijk"),
    "onbekend": (lambda: _persoon(Geslachtsaanduiding.ONBEKEND), "Geachte heer/mevrouw"),
    "bedrijf": (
        lambda: DebiteurFactory.build(
            soort=Debiteursoort.NIET_NATUURLIJK_PERSOON,
            bsn=None,
            geslachtsnaam="",
            voorletters="",
            statutaire_naam="Bakkerij IJzerman & Zn. B.V.",
        ),
        "Geachte heer/mevrouw",
    ),
}


@pytest.mark.parametrize("wie", list(DEBITEUREN))
@pytest.mark.parametrize("soort", list(Briefsoort))
def test_elke_brief_aanhef_en_contact(soort, wie):
    maak, aanhef = DEBITEUREN[wie]
    data, _ = voorbeelden.SOORTEN[soort]
    brief = voorbeelden._brief(
        soort,
        **{
            **data,
            "debiteur": debiteur_gegevens(maak()),
            "organisatie": organisatie_gegevens(_organisatie(), iban="NL91ABNA0417164300"),
        },
    )
    pagina = html.fromstring(brief_render_html(brief=brief))
    tekst = " ".join(pagina.text_content().split())
    assert f"{aanhef}," in tekst
    contact = " ".join(pagina.xpath("//div[@class='contact']")[0].text_content().split())
    for waarde in CONTACT.values():
        assert waarde in contact
    assert "VOORBEELD" not in tekst  # only the run's sample letter says so


def test_oude_brief_zonder_contact_rendert_zonder_blok():
    brief = voorbeelden._brief(Briefsoort.HERINNERING)  # organisatie without "contact"
    pagina = html.fromstring(brief_render_html(brief=brief))
    assert not pagina.xpath("//div[@class='contact']")
    assert "Heeft u vragen over deze brief?" in pagina.text_content()


@pytest.mark.parametrize(
    "aanschrijving, aanhef",
    [
        ("Geachte heer", "Geachte heer Van Dijk"),
        ("mevrouw", "Geachte mevrouw Van Dijk"),
        ("Hoogwelgeboren heer", "Hoogwelgeboren heer Van Dijk"),
        ("Geachte mevrouw Van Dijk,", "Geachte mevrouw Van Dijk"),
        ("", "Geachte heer/mevrouw"),
    ],
)
def test_aanhef_van_de_tsa_gaat_voor_het_geslacht(aanschrijving, aanhef):
    debiteur = _persoon(Geslachtsaanduiding.ONBEKEND, aanhef_aanschrijving=aanschrijving)
    assert debiteur_gegevens(debiteur)["aanhef"] == aanhef


@pytest.mark.django_db
def test_run_brief_aanhef_en_contact(vandaag):
    """The run's own loading path (only() of its fields): the letter of a woman of whom only the
    gender is known says "Geachte mevrouw", and carries the organisation's contact."""
    from inningen.invordering.models import Invorderingsinstelling
    from inningen.invordering.services.invordering import invorderingsrun_execute
    from tests.factories import vordering_maken

    org = OrganisatieFactory(naam="Gemeente Proefstad", **CONTACT)
    Invorderingsinstelling.objects.create(organisatie=org, herinnering_na_dagen=None)
    vrouw = DebiteurFactory(geslachtsnaam="Öztürk", voorletters="H.",
                            geslachtsaanduiding=Geslachtsaanduiding.VROUW)  # fmt: skip
    heer = DebiteurFactory(geslachtsnaam="Bakker", voorletters="J.",
                           aanhef_aanschrijving="Geachte heer")  # fmt: skip
    for deb in (vrouw, heer):
        vordering_maken(org, debiteur=deb, publiekrechtelijk=True,
                        vervaldatum=vandaag - dt.timedelta(days=30),
                        factuurdatum=vandaag - dt.timedelta(days=60))  # fmt: skip
    invorderingsrun_execute(organisatie=org, datum=vandaag, door="t", forceer=True)
    brief = Brief.objects.get(debiteur=vrouw)
    assert brief.gegevens["debiteur"]["aanhef"] == "Geachte mevrouw Öztürk"
    assert brief.gegevens["organisatie"]["contact"] == CONTACT
    assert Brief.objects.get(debiteur=heer).gegevens["debiteur"]["aanhef"] == (
        "Geachte heer Bakker"
    )
    assert "Postbus 100, 1230 AC Rivierstad" in brief_render_html(brief=brief)


@pytest.mark.parametrize(
    "veld, fout",
    [
        ("telefoonnummer", "020-12345"),
        ("telefoonnummer", "bel ons"),
        ("telefoonnummer", "0201234567+"),
        ("website", "http://www.rivierstad.example"),
        ("website", "rivierstad"),
        ("emailadres", "belastingen@"),
    ],
)
def test_contactgegevens_gevalideerd(veld, fout):
    org = OrganisatieFactory.build(rsin="001234567", naam="Gemeente Rivierstad", **CONTACT)
    org.full_clean(exclude=["rsin"])  # the valid example passes
    setattr(org, veld, fout)
    with pytest.raises(ValidationError) as fouten:
        org.full_clean(exclude=["rsin"])
    assert veld in fouten.value.message_dict


@pytest.mark.parametrize("nummer", ["14 0999", "020 123 4567", "06-12345678", "+31 20 123 4567"])
def test_telefoonnummers_die_mogen(nummer):
    from inningen.validators import validate_telefoonnummer

    validate_telefoonnummer(nummer)


@pytest.mark.django_db
def test_beheerder_wijzigt_contact_van_eigen_organisatie_in_de_admin(client):
    from inningen.organisaties.services.rollen import roles_ensure
    from tests.factories import gebruiker_maken

    roles_ensure()
    eigen, ander = OrganisatieFactory(naam="Gemeente Aa"), OrganisatieFactory(naam="Gemeente Bee")
    beheerder = gebruiker_maken("beheer-a", "beheerder", eigen)
    beheerder.is_staff = True
    beheerder.save()
    client.force_login(beheerder)
    url = reverse("admin:inningen_organisatie_change", args=[eigen.pk])
    pagina = client.get(url).content.decode()
    assert 'name="telefoonnummer"' in pagina and 'name="website"' in pagina
    data = {
        "rsin": eigen.rsin, "naam": eigen.naam, "gemeentecode": eigen.gemeentecode,
        "incassant_id": "", **CONTACT, "telefoonnummer": "bel ons",
        **{f"{p}-{k}": v for p in ("rekeningen", "eenheden")
           for k, v in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))},
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 200 and "geen telefoonnummer" in response.content.decode()
    response = client.post(url, {**data, "telefoonnummer": "14 0999"})
    assert response.status_code == 302, response.content.decode()[:2000]
    eigen.refresh_from_db()
    assert eigen.contact == CONTACT
    # Another organisation's settings stay out of reach.
    url_ander = reverse("admin:inningen_organisatie_change", args=[ander.pk])
    assert client.post(url_ander, {**data, "rsin": ander.rsin}).status_code in (302, 403, 404)
    ander.refresh_from_db()
    assert ander.telefoonnummer == ""
