"""Browser test of a sortable, filterable list with menu counts (#19), at 1366 px and at 200%
zoom (683 CSS px), with screenshots in var/screenshots/lijst-*.png."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.utils import timezone

from inningen.organisaties.models import Medewerker
from inningen.organisaties.services.rollen import roles_ensure
from tests.factories import OrganisatieFactory, regel_invoer, vordering_maken
from tests.ui.test_browser import WACHTWOORD, _login, _wacht

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def opzet():
    cache.clear()  # menu counts of an earlier test's user with the same pk
    roles_ensure()
    vandaag = timezone.localdate()
    org = OrganisatieFactory(naam="Gemeente Rivierstad")
    org2 = OrganisatieFactory(naam="Gemeente Beekdal")
    user = User.objects.create_user("invorderaar", password=WACHTWOORD, first_name="Ivo")
    user.groups.add(Group.objects.get(name="invorderaar"))
    Medewerker.objects.create(user=user).organisaties.add(org, org2)
    for i, (organisatie, omschrijving) in enumerate(
        (
            (org, "Huur sportzaal maart"),
            (org2, "Parkeervergunning bewoners Beekdal-Noord"),
            (org, "Leges omgevingsvergunning"),
            (org2, "Marktgeld standplaats zaterdag"),
            (org, "Huur gymzaal april"),
        )
    ):
        vordering_maken(
            organisatie,
            vorderingnummer=f"F2026-00000{i + 1}",
            algemene_factuuromschrijving=omschrijving,
            creatiedatum=vandaag - dt.timedelta(days=10 - i),
            regels=[regel_invoer() for _ in range(i + 1)],  # € 121,00 per regel
        )
    yield
    cache.clear()


def _schermafdruk(browser, pad):
    hoogte = browser.execute_script("return document.documentElement.scrollHeight")
    breedte = browser.execute_script("return window.innerWidth")
    browser.set_window_size(browser.get_window_size()["width"], max(hoogte + 150, 700))
    browser.save_screenshot(str(pad))
    return breedte


def test_lijst_sorteren_filteren_en_menutelling(browser, live_server, opzet, screenshot_dir):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    browser.set_window_size(1366, 900)
    _login(browser, live_server, "invorderaar")
    browser.get(f"{live_server.url}/werklijsten/zonder-debiteur/")
    _wacht(browser, "Filteren")
    menu = browser.find_element(By.XPATH, "//nav//a[starts-with(., 'Vorderingen zonder')]")
    assert menu.get_attribute("textContent").strip() == "Vorderingen zonder debiteur5, 5 open"

    # Sort by amount, then the other way round: aria-sort follows.
    browser.find_element(By.XPATH, "//th//a[starts-with(., 'Bedrag')]").click()
    _wacht(browser, 'aria-sort="ascending"')
    browser.find_element(By.XPATH, "//th//a[starts-with(., 'Bedrag')]").click()
    _wacht(browser, 'aria-sort="descending"')
    eerste = browser.find_element(By.CSS_SELECTOR, "tbody tr td").text
    assert eerste == "F2026-000005"

    # Filter on organisation and text; the order is kept.
    Select(browser.find_element(By.ID, "filter-organisatie")).select_by_visible_text(
        "Gemeente Rivierstad"
    )
    browser.find_element(By.ID, "filter-q").send_keys("huur")
    browser.find_element(By.XPATH, "//button[text()='Filteren']").click()
    _wacht(browser, "q=huur")
    nummers = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "tbody tr td:first-child")]
    assert nummers == ["F2026-000005", "F2026-000001"]
    assert "sort=-bedrag" in browser.current_url
    export = browser.find_element(By.LINK_TEXT, "Exporteren (CSV)").get_attribute("href")
    assert "q=huur" in export and "export=csv" in export and "sort=-bedrag" in export

    # No sideways scrolling of the page at 1366 px or at 200% zoom (the table scrolls in its box).
    browser.get(f"{live_server.url}/werklijsten/zonder-debiteur/?sort=-bedrag")
    _wacht(browser, "Filteren")
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    _schermafdruk(browser, screenshot_dir / "lijst-1366.png")
    browser.set_window_size(683, 900)
    browser.refresh()
    _wacht(browser, "Filteren")
    assert browser.execute_script("return window.innerWidth") <= 683
    breed = browser.execute_script(
        "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect()"
        ".right > window.innerWidth + 1 && !e.closest('.tabel')).map(e => e.tagName + '.' + "
        "e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
    )
    assert breed == []
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    # The table scrolls in its box instead of breaking words letter by letter: the action
    # link stays on one line.
    hoogte = browser.execute_script(
        "return Math.max(...[...document.querySelectorAll('.tabel tbody td a')]"
        ".map(a => a.getBoundingClientRect().height))"
    )
    assert hoogte < 60, hoogte  # at most two lines (letter by letter: 355 px)
    _schermafdruk(browser, screenshot_dir / "lijst-683.png")
