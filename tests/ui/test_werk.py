"""Browser tests of work management (#19): the start page and the dashboard at 1366 px and at
200% zoom (683 CSS px), with screenshots to look at."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from inningen.choices import Boekingsoort
from inningen.grootboek.models import Boeking, Vordering
from inningen.grootboek.services.boekingen import boekingen_create
from inningen.invordering.models import Opvolging
from inningen.organisaties.models import Medewerker
from inningen.organisaties.services.rollen import roles_ensure
from tests.factories import DebiteurFactory, OrganisatieFactory, vordering_maken
from tests.ui.test_browser import WACHTWOORD, _login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def opzet():
    roles_ensure()
    org = OrganisatieFactory(naam="Gemeente Rivierstad")
    ander = OrganisatieFactory(naam="Gemeente Dijkdorp")
    user = User.objects.create_user(
        "invorderaar", password=WACHTWOORD, first_name="Ida", last_name="Invorderaar"
    )
    user.groups.add(Group.objects.get(name="invorderaar"))
    Medewerker.objects.create(user=user).organisaties.add(org, ander)
    deb = DebiteurFactory(geslachtsnaam="Jansen", voorletters="P.")
    vandaag = timezone.localdate()
    for i, dagen in enumerate((-5, 10, 20, 40, 50, 70, 100, 140, 200)):
        v = vordering_maken(
            org, debiteur=deb, vorderingnummer=f"DSH-{i:04d}",
            vervaldatum=vandaag - dt.timedelta(days=dagen),
        )  # fmt: skip
        for maand in range(i + 1):
            boekingen_create(boekingen=[Boeking(
                organisatie=org, vordering=v, soort=Boekingsoort.BETALING,
                boekdatum=vandaag - dt.timedelta(days=30 * maand), bedrag_incl_btw=-150 - 20 * i,
                bedrag_excl_btw=-150 - 20 * i, bedrag_btw=0, boekingssleutel="OMZ-001",
                omschrijving="Deelbetaling", door="bank",
            )])  # fmt: skip
    vordering_maken(org, debiteur=None, vorderingnummer="ZONDER-1")
    eerste = Vordering.objects.get(vorderingnummer="DSH-0003")
    Opvolging.objects.create(
        organisatie=org, debiteur=deb, vordering=eerste, eigenaar=user, aangemaakt_door=user,
        datum=vandaag - dt.timedelta(days=2), notitie="Terugbellen over de regeling",
    )  # fmt: skip
    return {"org": org, "deb": deb, "user": user}


def _breedte(browser) -> int:
    return browser.execute_script("return document.documentElement.scrollWidth")


def _viewport(browser) -> int:
    return browser.execute_script("return document.documentElement.clientWidth")


def test_start_page_and_dashboard_at_1366_and_200_percent(
    browser, live_server, opzet, screenshot_dir
):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1366, 900)
    _login(browser, live_server, naam="invorderaar")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Start"
    tegels = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".werktegels li a")]
    assert any(t.startswith("1 van mij, datum verstreken") for t in tegels)
    assert any(t.startswith("1 Vorderingen zonder debiteur") for t in tegels)
    assert _breedte(browser) <= _viewport(browser)
    browser.save_screenshot(str(screenshot_dir / "start-1366.png"))

    browser.find_element(By.PARTIAL_LINK_TEXT, "van mij, datum verstreken").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Mijn werk"
    assert "Terugbellen over de regeling" in browser.page_source
    browser.save_screenshot(str(screenshot_dir / "mijn-werk-1366.png"))

    browser.get(f"{live_server.url}/dashboard/")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Dashboard Gemeente Dijkdorp" or (
        browser.find_element(By.TAG_NAME, "h1").text == "Dashboard Gemeente Rivierstad"
    )
    browser.get(f"{live_server.url}/dashboard/?organisatie={opzet['org'].pk}")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Dashboard Gemeente Rivierstad"
    grafieken = browser.find_elements(By.CSS_SELECTOR, "svg[role=img]")
    assert len(grafieken) == 2 and all(g.size["width"] > 200 for g in grafieken)
    assert _breedte(browser) <= _viewport(browser)
    browser.save_screenshot(str(screenshot_dir / "dashboard-1366.png"))

    # 200% zoom on a 1366 px screen: 683 CSS px wide. Nothing may scroll sideways.
    browser.set_window_size(683, 1400)
    for pad, naam in (("/start/", "start-683"), (f"/dashboard/?organisatie={opzet['org'].pk}",
                                                    "dashboard-683")):  # fmt: skip
        browser.get(f"{live_server.url}{pad}")
        assert _breedte(browser) <= _viewport(browser), f"{pad} scrolt horizontaal bij 200%"
        browser.save_screenshot(str(screenshot_dir / f"{naam}.png"))
    browser.get(f"{live_server.url}/debiteuren/{opzet['deb'].pk}/")
    sectie = browser.find_element(By.ID, "opvolging")
    browser.execute_script("arguments[0].scrollIntoView()", sectie)
    browser.save_screenshot(str(screenshot_dir / "opvolging-683.png"))
