"""#19 finding 5: the uitstel/bezwaar, afboeking and regeling forms and the manual-match page,
empty and with errors: every aria-describedby names an id on the page, every control has a
label, no id occurs twice."""

import pytest
from django.contrib.auth.models import Permission
from lxml import html

from inningen.betalingen.models import Betaling
from inningen.betalingen.services.afschriften import afschrift_import
from inningen.debiteuren.models import DebiteurRekening
from inningen.invordering.services.afboekingen import afboeking_propose
from inningen.organisaties.models import Bankrekening
from inningen.organisaties.services.rollen import roles_ensure
from tests.factories import DebiteurFactory, OrganisatieFactory, gebruiker_maken, vordering_maken
from tests.inningen.betalingen.afschriftbestanden import camt053
from tests.toegankelijkheid import html_problemen

pytestmark = pytest.mark.django_db

ORG_IBAN = "NL91ABNA0417164300"
DEB_IBAN = "NL20INGB0001234567"


@pytest.fixture
def org():
    o = OrganisatieFactory(naam="Gemeente Rivierstad")
    Bankrekening.objects.create(organisatie=o, iban=ORG_IBAN)
    return o


@pytest.fixture
def deb():
    d = DebiteurFactory(voorletters="J.", voorvoegsel_geslachtsnaam="de", geslachtsnaam="Vries")
    DebiteurRekening.objects.create(debiteur=d, iban=DEB_IBAN)
    return d


@pytest.fixture
def v(org, deb):
    return vordering_maken(org, debiteur=deb, vorderingnummer="A11Y-1")


@pytest.fixture
def invorderaar(client, org):
    roles_ensure()
    user = gebruiker_maken("anna", "invorderaar", org)
    client.force_login(user)
    return user


def _ok(response):
    assert response.status_code == 200, response.status_code
    assert html_problemen(response.content) == []
    return html.fromstring(response.content)


def _beschreven(doc, naam: str) -> list[str]:
    """The texts the control's aria-describedby points to."""
    el = doc.xpath(f"//*[@name='{naam}']")[0]
    return [
        doc.get_element_by_id(i).text_content().strip() for i in el.get("aria-describedby").split()
    ]


def test_checker_finds_the_problems():
    pagina = """<main><label for="x">X</label><input id="x" aria-describedby="weg">
      <input name="los"><select name="ook"></select><p id="d"></p><p id="d"></p>
      <label>Binnen <input name="binnen"></label><input name="al" aria-label="Al"></main>"""
    assert html_problemen(pagina) == [
        "id 'd' komt 2 keer voor",
        "aria-describedby='weg' op <input name=None id='x'>: id bestaat niet",
        "<input name='los' id=None> heeft geen label",
        "<select name='ook' id=None> heeft geen label",
    ]


def test_opschorting_form_empty_and_with_errors(client, invorderaar, v):
    url = f"/vorderingen/{v.pk}/opschorting/"
    doc = _ok(client.get(url))
    assert _beschreven(doc, "tot") == [
        "Verplicht bij uitstel; leeg bij bezwaar: tot de beslissing."
    ]
    doc = _ok(client.post(url, {"soort": "uitstel", "reden": "", "vanaf": "gisteren"}))
    assert "Dit veld is vereist." in _beschreven(doc, "reden")
    assert doc.xpath("//*[@name='reden']/@aria-invalid") == ["true"]


def test_afboeking_form_empty_and_with_errors(client, invorderaar, v):
    url = f"/vorderingen/{v.pk}/afboeking/"
    _ok(client.get(url))
    doc = _ok(client.post(url, {"soort": "vermindering", "bedrag": "twaalf", "reden": ""}))
    fouten = _beschreven(doc, "bedrag")
    assert fouten[0].startswith("Leeg bij oninbaar")
    assert fouten[1].startswith("Geef een bedrag in euro")


def test_afboekingen_work_list(client, invorderaar, org, v):
    collega = gebruiker_maken("bert", "invorderaar", org)
    afboeking_propose(vordering=v, soort="oninbaar", reden="Failliet", user=collega)
    _ok(client.get("/werklijsten/afboekingen/"))


def test_regeling_form_empty_and_with_errors(client, invorderaar, deb, v):
    url = f"/debiteuren/{deb.pk}/regeling/"
    _ok(client.get(url))
    doc = _ok(client.post(url, {"actie": "plan", "soort": "bedrag", "betaalwijze": "incasso"}))
    assert _beschreven(doc, "maandbedrag") == ["Geef het maandbedrag."]
    # A group of radio buttons or checkboxes: the fieldset carries the error.
    fieldset = doc.xpath("//fieldset[.//input[@name='vorderingen']]")[0]
    assert (
        "Dit veld is vereist."
        in doc.get_element_by_id(fieldset.get("aria-describedby")).text_content()
    )


def test_manual_match_page(client, org, deb, v):
    from django.contrib.auth.models import User

    from inningen.organisaties.models import Medewerker

    user = User.objects.create_user("inv", password="x")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="inningen",
            codename__in=["import_afschrift", "view_betaling", "change_betaling",
                          "add_terugbetaling"],
        )
    )  # fmt: skip
    Medewerker.objects.create(user=user).organisaties.add(org)
    client.force_login(user)
    afschrift_import(
        inhoud=camt053(ORG_IBAN, [{"bedrag": 5000, "naam": "J DE VRIES", "iban": DEB_IBAN}]),
        door="test",
    )
    b = Betaling.objects.get()
    url = f"/betalingen/{b.pk}/"
    doc = _ok(client.get(url, {"q": "Vries"}))
    assert doc.xpath(f"//input[@name='kies_{v.pk}']")
    assert doc.xpath("//textarea[@name='reden']")  # the refund form is on the page too
    doc = _ok(client.post(url, {f"kies_{v.pk}": "on", f"bedrag_{v.pk}": "veel"}))
    assert _beschreven(doc, f"bedrag_{v.pk}")[0].startswith("Geef een bedrag in euro")
