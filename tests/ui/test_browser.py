"""Browser tests of the balie in real headless Chromium: login, search, the debtor page, that a
balie user cannot reach another organisation's debtor, and manually matching a bank entry."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from inningen.choices import Boekingsoort
from inningen.grootboek.models import Boeking
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.organisaties.models import Medewerker
from inningen.organisaties.services.rollen import roles_ensure
from tests.factories import DebiteurFactory, OrganisatieFactory, vordering_maken

pytestmark = pytest.mark.django_db(transaction=True)
WACHTWOORD = "geheim-wachtwoord-123"


@pytest.fixture
def opzet():
    roles_ensure()
    org = OrganisatieFactory(naam="Gemeente Rivierstad")
    ander = OrganisatieFactory(naam="Gemeente Elders")
    user = User.objects.create_user(
        "balie", password=WACHTWOORD, first_name="Bea", last_name="Balie"
    )
    user.groups.add(Group.objects.get(name="baliemedewerker"))
    Medewerker.objects.create(user=user).organisaties.add(org)
    deb = DebiteurFactory(
        geslachtsnaam="Öztürk", voornamen="Hüseyin", voorletters="H.", straatnaam="Dijkweg",
        huisnummer=12, postcode="4101AB", woonplaats="Rivierstad", telefoonnummer="0612345678",
        geboortedatum=dt.date(1980, 3, 14),
    )  # fmt: skip
    vandaag = timezone.localdate()
    for i in range(6):
        v = vordering_maken(
            org, debiteur=deb, vorderingnummer=f"PRK-2026-{i:04d}",
            algemene_factuuromschrijving=["Naheffing parkeren", "Leges omgevingsvergunning",
                                          "Huur sportzaal"][i % 3],
            creatiedatum=vandaag - dt.timedelta(days=70 - i * 10),
            factuurdatum=vandaag - dt.timedelta(days=70 - i * 10),
            vervaldatum=vandaag - dt.timedelta(days=40 - i * 10),
        )  # fmt: skip
        if i % 2:
            boekingen_create(boekingen=[Boeking(
                organisatie=org, vordering=v, soort=Boekingsoort.BETALING, boekdatum=vandaag,
                bedrag_incl_btw=-5000, bedrag_excl_btw=-5000, bedrag_btw=0,
                boekingssleutel="OMZ-001", omschrijving="Deelbetaling", door="bank",
            )])  # fmt: skip
    vreemd = DebiteurFactory(geslachtsnaam="Vreemdeling")
    vordering_maken(ander, debiteur=vreemd, vorderingnummer="ELDERS-1")
    return {"org": org, "deb": deb, "vreemd": vreemd, "user": user}


def _wacht(browser, tekst: str, timeout: float = 10) -> None:
    """Wait until the page (after a click or submit) contains tekst."""
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, timeout).until(lambda b: tekst in b.page_source)


def _login(browser, live_server, naam="balie"):
    from selenium.webdriver.common.by import By

    browser.get(f"{live_server.url}/")
    assert "/inloggen/" in browser.current_url
    browser.find_element(By.ID, "id_username").send_keys(naam)
    browser.find_element(By.ID, "id_password").send_keys(WACHTWOORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    _wacht(browser, "Uitloggen")


def test_login_search_and_debtor_page(browser, live_server, opzet, screenshot_dir):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _login(browser, live_server)
    # The start page per role (#19), with the search box.
    assert browser.find_element(By.TAG_NAME, "h1").text == "Start"
    zoekveld = browser.find_element(By.ID, "zoek-q")
    assert browser.switch_to.active_element == zoekveld  # keyboard: type at once
    zoekveld.send_keys("Ozturk", Keys.ENTER)
    _wacht(browser, "Resultaten")
    browser.save_screenshot(str(screenshot_dir / "zoeken.png"))
    browser.find_element(By.LINK_TEXT, "H. Öztürk").click()
    _wacht(browser, "Tijdlijn")
    assert browser.find_element(By.TAG_NAME, "h1").text == "H. Öztürk"
    html = browser.page_source
    assert "PRK-2026-0000" in html and "achterstallig" in html
    assert "Gemeente Elders" not in html
    browser.save_screenshot(str(screenshot_dir / "debiteur.png"))
    # Skip link is the first thing the keyboard reaches.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Direct naar de inhoud"
    # Claim detail from the position.
    browser.find_element(By.LINK_TEXT, "PRK-2026-0001").click()
    _wacht(browser, "Grootboek")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Vordering PRK-2026-0001"
    assert "Grootboek" in browser.page_source
    browser.save_screenshot(str(screenshot_dir / "vordering.png"))
    # Search by postcode + huisnummer goes straight to the position.
    browser.get(f"{live_server.url}/?q=4101+AB+12")
    assert browser.find_element(By.TAG_NAME, "h1").text == "H. Öztürk"


def test_debtor_page_at_200_percent_zoom(browser, live_server, opzet, screenshot_dir):
    from selenium.webdriver.common.by import By

    _login(browser, live_server)
    browser.set_window_size(640, 1200)  # 1280 px at 200% zoom
    browser.get(f"{live_server.url}/debiteuren/{opzet['deb'].pk}/")
    breedte = browser.execute_script("return document.documentElement.scrollWidth")
    assert breedte <= 660, "de pagina scrolt horizontaal bij 200% zoom"
    assert browser.find_element(By.TAG_NAME, "h1").is_displayed()
    browser.save_screenshot(str(screenshot_dir / "debiteur-200.png"))


def test_balie_cannot_reach_other_organisations_debtor(browser, live_server, opzet):
    from selenium.webdriver.common.by import By

    _login(browser, live_server)
    browser.get(f"{live_server.url}/debiteuren/{opzet['vreemd'].pk}/")
    assert "Vreemdeling" not in browser.page_source
    assert "Not Found" in browser.page_source or "niet gevonden" in browser.page_source.lower()
    browser.get(f"{live_server.url}/?q=Vreemdeling")
    assert "Niets gevonden" in browser.find_element(By.CSS_SELECTOR, "[role=status]").text


def test_invorderaar_matches_bank_entry_manually(browser, live_server, opzet):
    """The bank-entry work list is issue 5's screen; here only driven through a browser."""
    from selenium.webdriver.common.by import By

    from inningen.betalingen.models import Betaling
    from inningen.betalingen.services import afschriften  # a plain import: a move must fail
    from inningen.grootboek.models import Vordering
    from inningen.organisaties.models import Bankrekening
    from tests.inningen.betalingen.afschriftbestanden import camt053

    org = opzet["org"]
    Bankrekening.objects.create(organisatie=org, iban="NL91ABNA0417164300")
    inv = User.objects.create_user("invorderaar", password=WACHTWOORD)
    inv.groups.add(Group.objects.get(name="invorderaar"))
    Medewerker.objects.create(user=inv).organisaties.add(org)
    vordering = Vordering.objects.get(vorderingnummer="PRK-2026-0000")
    afschriften.afschrift_import(
        inhoud=camt053(
            "NL91ABNA0417164300",
            [{"bedrag": 12100, "tekst": "zonder kenmerk", "iban": "NL27ABNA0123456789"}],
        ),
        door="test",
    )
    betaling = Betaling.objects.get()
    _login(browser, live_server, "invorderaar")
    browser.get(f"{live_server.url}/betalingen/werklijst/")
    browser.find_element(By.LINK_TEXT, "Behandelen").click()
    _wacht(browser, "Toerekenen")
    browser.find_element(By.NAME, "q").send_keys("PRK-2026-0000")
    browser.find_element(By.CSS_SELECTOR, "form[method=get] button").click()
    _wacht(browser, "PRK-2026-0000")
    assert "PRK-2026-0000" in browser.page_source
    # The claim is picked from the results (no database id typed) by its label; the amount
    # stays empty: the default split gives it the payment's whole rest.
    browser.find_element(By.XPATH, "//label[text()='PRK-2026-0000']").click()
    assert browser.find_element(By.NAME, f"kies_{vordering.pk}").is_selected()
    browser.find_element(By.XPATH, "//button[text()='Toerekenen']").click()
    _wacht(browser, "Betaling toegerekend")
    assert "Betaling toegerekend" in browser.page_source
    betaling.refresh_from_db()
    vordering.refresh_from_db()
    assert betaling.restbedrag == 0
    assert vordering.openstaand_bedrag == 0
