"""#19 finding 3 in real headless Chromium: the debtor page and the claim page at 1366 px and at
200% zoom (683 CSS px) never scroll sideways, and the "Openstaand" column is in view.
Screenshots go to var/screenshots/ (debiteur-1366.png, debiteur-200pct.png, vordering-…)."""

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from inningen.organisaties.models import Medewerker
from inningen.organisaties.services.rollen import roles_ensure
from tests.debiteurpagina import debiteur_met_vorderingen
from tests.factories import DebiteurFactory, OrganisatieFactory

pytestmark = pytest.mark.django_db(transaction=True)
WACHTWOORD = "geheim-wachtwoord-123"
BREEDTES = {"1366": (1366, 900), "200pct": (683, 900)}


@pytest.fixture
def opzet():
    roles_ensure()
    org = OrganisatieFactory(naam="Gemeente Rivierstad")
    tweede = OrganisatieFactory(naam="Belastingsamenwerking Rivierland")
    vreemd = OrganisatieFactory(naam="Gemeente Elders")
    user = User.objects.create_user("balie", password=WACHTWOORD, first_name="Bea",
                                    last_name="Balie")  # fmt: skip
    user.groups.add(Group.objects.get(name="baliemedewerker"))
    Medewerker.objects.create(user=user).organisaties.add(org, tweede)
    deb = DebiteurFactory(
        geslachtsnaam="Öztürk", voornamen="Hüseyin", voorletters="H.", straatnaam="Burgemeester van Walsumweg",
        huisnummer=1214, postcode="4101AB", woonplaats="Rivierstad", telefoonnummer="0612345678",
        emailadres="huseyin.ozturk.langemailadres@voorbeeld-provider.example",
    )  # fmt: skip
    data = debiteur_met_vorderingen(org, tweede, vreemd, deb, n=36)
    return {"deb": deb, **data}


def _login(browser, live_server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{live_server.url}/inloggen/")
    browser.find_element(By.ID, "id_username").send_keys("balie")
    browser.find_element(By.ID, "id_password").send_keys(WACHTWOORD)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda b: "Uitloggen" in b.page_source)


def _breedte(browser, breedte, hoogte):
    # The window includes no chrome in headless mode; check and correct the viewport.
    browser.set_window_size(breedte, hoogte)
    binnen = browser.execute_script("return window.innerWidth")
    if binnen != breedte:
        browser.set_window_size(2 * breedte - binnen, hoogte)
    assert browser.execute_script("return window.innerWidth") == breedte


def _geen_zijwaarts_scrollen(browser):
    breed, venster = browser.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert breed <= venster, f"pagina scrollt zijwaarts: {breed} > {venster}"


def _kolom_in_beeld(browser, tabel_selector, kop="Openstaand"):
    """The header cell is inside its scroll box and inside the window, not scrolled away."""
    rechts = browser.execute_script(
        """
        const tabel = document.querySelector(arguments[0]);
        const th = [...tabel.querySelectorAll('thead th')].find(t => t.textContent.trim() === arguments[1]);
        const box = tabel.closest('.tabel-scroll').getBoundingClientRect();
        const r = th.getBoundingClientRect();
        return [r.left >= box.left - 1, r.right <= box.right + 1, r.right <= window.innerWidth,
                r.width > 0, Math.round(r.left), Math.round(r.right), Math.round(box.right),
                tabel.closest('.tabel-scroll').scrollWidth];
        """,
        tabel_selector,
        kop,
    )
    assert all(rechts[:4]), rechts


def _volledige_screenshot(browser, pad):
    """The whole page: the window made as tall as the document for the shot."""
    breedte = browser.execute_script("return window.innerWidth")
    hoogte = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(browser.get_window_size()["width"], min(hoogte + 100, 6000))
    browser.save_screenshot(str(pad))
    assert browser.execute_script("return window.innerWidth") == breedte


@pytest.mark.parametrize("naam", BREEDTES)
def test_debtor_page_fits(browser, live_server, opzet, screenshot_dir, naam):
    from selenium.webdriver.common.by import By

    _login(browser, live_server)
    _breedte(browser, *BREEDTES[naam])
    browser.get(f"{live_server.url}/debiteuren/{opzet['deb'].pk}/")
    assert browser.find_element(By.TAG_NAME, "h1").text.endswith("Öztürk")
    assert f"{timezone.localdate():%Y}" in browser.page_source
    _volledige_screenshot(browser, screenshot_dir / f"debiteur-{naam}.png")  # as it opens
    _geen_zijwaarts_scrollen(browser)
    _kolom_in_beeld(browser, "table.vorderingen")
    # Open every folded section: the page still fits.
    browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    _geen_zijwaarts_scrollen(browser)


@pytest.mark.parametrize("naam", BREEDTES)
def test_claim_page_fits(browser, live_server, opzet, screenshot_dir, naam):
    from selenium.webdriver.common.by import By

    v = opzet["met_termijnen"][0]
    _login(browser, live_server)
    _breedte(browser, *BREEDTES[naam])
    browser.get(f"{live_server.url}/vorderingen/{v.pk}/")
    assert v.vorderingnummer in browser.find_element(By.TAG_NAME, "h1").text
    _volledige_screenshot(browser, screenshot_dir / f"vordering-{naam}.png")  # as it opens
    _geen_zijwaarts_scrollen(browser)
    _kolom_in_beeld(browser, "section[aria-labelledby='termijnen-kop'] table", "Open")
    browser.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    _geen_zijwaarts_scrollen(browser)
