"""Browser tests of invordering in real headless Chromium: the invorderaar makes a preview of
the invorderingsrun, approves it and finds the aanmaning with its letter on the claim; then a
betalingsregeling from the debtor page (form, plan, save)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from inningen.betalingen.models import Afschrift
from inningen.choices import BtwCategorie, RegelingStatus, RunStatus, Vorderingtype
from inningen.choices import Invorderingsstap as Stap
from inningen.grootboek.models import Vordering
from inningen.grootboek.services.vorderingen import RegelInvoer
from inningen.invordering.models import Betalingsregeling, Invorderingsrun
from inningen.invordering.regels.bankdagen import vorige_bankdag
from inningen.invordering.services.invordering import invorderingsrun_execute
from inningen.organisaties.models import Bankrekening, Medewerker
from inningen.organisaties.services.rollen import roles_ensure
from tests.factories import DebiteurFactory, OrganisatieFactory, vordering_maken
from tests.ui.test_browser import WACHTWOORD, _login, _wacht

pytestmark = pytest.mark.django_db(transaction=True)


def _afschrift(rekening, datum: dt.date) -> None:
    """A statement of ``datum`` as if imported: the run checks the statements are current."""
    Afschrift.objects.create(
        organisatie=rekening.organisatie, bankrekening=rekening, formaat="camt053",
        identificatie=f"A-{datum}", datum=datum, sha256=f"{datum}".ljust(64, "0"),
        ingelezen_door="test",
    )  # fmt: skip


@pytest.fixture
def opzet():
    """A public-law aanslag that got a herinnering 20 days ago (due for the aanmaning) and a
    private invoice overdue for 20 days (due for the herinnering)."""
    roles_ensure()
    vandaag = timezone.localdate()
    org = OrganisatieFactory(naam="Gemeente Rivierstad")
    rekening = Bankrekening.objects.create(organisatie=org, iban="NL91ABNA0417164300")
    user = User.objects.create_user("invorderaar", password=WACHTWOORD, first_name="Ivo")
    user.groups.add(Group.objects.get(name="invorderaar"))
    Medewerker.objects.create(user=user).organisaties.add(org)
    # Four eyes: a colleague approves what the invorderaar prepared.
    collega = User.objects.create_user("collega", password=WACHTWOORD, first_name="Cor")
    collega.groups.add(Group.objects.get(name="invorderaar"))
    Medewerker.objects.create(user=collega).organisaties.add(org)
    deb = DebiteurFactory(
        geslachtsnaam="Öztürk", voornamen="Hüseyin", voorletters="H.", straatnaam="Dijkweg",
        huisnummer=12, postcode="4101AB", woonplaats="Rivierstad",
    )  # fmt: skip
    aanslag = vordering_maken(
        org, debiteur=deb, tsa="belastingen", vorderingnummer="AS2026-000001",
        publiekrechtelijk=True, algemene_factuuromschrijving="Aanslag afvalstoffenheffing",
        creatiedatum=vandaag - dt.timedelta(days=70), factuurdatum=vandaag - dt.timedelta(days=70),
        vervaldatum=vandaag - dt.timedelta(days=40),
        totaalbedrag_excl_btw=25000, totaalbedrag_btw=0, totaalbedrag_incl_btw=25000,
        regels=[RegelInvoer(
            bedrag_excl_btw=25000, bedrag_btw=0, bedrag_incl_btw=25000,
            btw_categorie=BtwCategorie.NUL, btw_percentage=0,
            vorderingtype=Vorderingtype.AANSLAG, vorderingcode="AFVAL",
            vorderingomschrijving="Afvalstoffenheffing",
        )],
    )  # fmt: skip
    factuur = vordering_maken(
        org, debiteur=deb, vorderingnummer="F2026-000002",
        algemene_factuuromschrijving="Huur sportzaal",
        creatiedatum=vandaag - dt.timedelta(days=50), factuurdatum=vandaag - dt.timedelta(days=50),
        vervaldatum=vandaag - dt.timedelta(days=20),
    )  # fmt: skip
    eerder = vandaag - dt.timedelta(days=20)
    _afschrift(rekening, vorige_bankdag(eerder))
    invorderingsrun_execute(organisatie=org, datum=eerder, door="test")
    _afschrift(rekening, vorige_bankdag(vandaag))
    aanslag.refresh_from_db()
    assert aanslag.invorderingsstap == Stap.HERINNERING
    return {"org": org, "deb": deb, "aanslag": aanslag, "factuur": factuur}


def _viewport(browser, breedte: int, hoogte: int = 1100) -> None:
    """A viewport of ``breedte`` CSS px (683 = a 1366 px screen at 200% zoom)."""
    browser.set_window_size(breedte, hoogte)
    extra = browser.execute_script("return window.outerWidth - window.innerWidth") or 0
    browser.set_window_size(breedte + extra, hoogte)
    assert browser.execute_script("return window.innerWidth") == breedte


def _past_zonder_zijwaarts_scrollen(browser) -> bool:
    return browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )


def test_preview_approve_and_the_aanmaning_on_the_claim(
    browser, live_server, opzet, screenshot_dir
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    _login(browser, live_server, "invorderaar")
    browser.get(f"{live_server.url}/invordering/runs/")
    _wacht(browser, "Voorbeeld maken")
    Select(browser.find_element(By.ID, "organisatie")).select_by_visible_text("Gemeente Rivierstad")
    browser.find_element(By.XPATH, "//button[text()='Voorbeeld maken']").click()
    _wacht(browser, "Controleren en goedkeuren")
    assert "Voorstel: wacht op goedkeuring" in browser.find_element(By.CLASS_NAME, "status").text
    rijen = {
        r.find_element(By.TAG_NAME, "td").text: r.find_elements(By.TAG_NAME, "td")[1].text
        for r in browser.find_elements(By.CSS_SELECTOR, "tbody tr")
        if len(r.find_elements(By.TAG_NAME, "td")) > 1
    }
    assert rijen.get("Herinnering") == "1" and rijen.get("Aanmaning") == "1"

    # #19 finding 6: the confirmation states what happens, with a sample letter per step.
    browser.find_element(By.LINK_TEXT, "Controleren en goedkeuren…").click()
    _wacht(browser, "Invorderingsrun goedkeuren")
    _viewport(browser, 1366)
    gevolgen = browser.find_element(By.ID, "gevolgen").text
    assert "2 brieven" in gevolgen and "2 debiteur" not in gevolgen  # one debtor, two claims
    assert "1 debiteur" in gevolgen
    stappen = browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=kop-per-stap] table").text
    assert "Voorbeeld aanmaning (PDF)" in stappen and "Voorbeeld herinnering (PDF)" in stappen
    browser.save_screenshot(str(screenshot_dir / "run-bevestigen-1366.png"))
    assert _past_zonder_zijwaarts_scrollen(browser)
    _viewport(browser, 683)
    browser.save_screenshot(str(screenshot_dir / "run-bevestigen-683.png"))
    assert _past_zonder_zijwaarts_scrollen(browser)
    _viewport(browser, 1366)
    # Without the tick nothing is approved; the error is tied to the checkbox.
    browser.find_element(By.XPATH, "//button[starts-with(text(), 'Goedkeuren: 2 brieven')]").click()
    _wacht(browser, "Vink aan dat u de aantallen")
    vink = browser.find_element(By.ID, "id_gecontroleerd")
    assert "fout-gecontroleerd" in vink.get_attribute("aria-describedby")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", vink)
    browser.save_screenshot(str(screenshot_dir / "run-bevestigen-fout-1366.png"))
    _viewport(browser, 683)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", vink)
    browser.save_screenshot(str(screenshot_dir / "run-bevestigen-fout-683.png"))
    assert _past_zonder_zijwaarts_scrollen(browser)
    _viewport(browser, 1366)
    assert Invorderingsrun.objects.get(datum=timezone.localdate()).status == RunStatus.VOORSTEL
    # Four eyes: who made the preview cannot approve it; the colleague can.
    vink.click()
    browser.find_element(By.XPATH, "//button[starts-with(text(), 'Goedkeuren: 2 brieven')]").click()
    _wacht(browser, "Vier ogen")
    assert Invorderingsrun.objects.get(datum=timezone.localdate()).status == RunStatus.VOORSTEL
    browser.delete_all_cookies()
    _login(browser, live_server, "collega")
    run = Invorderingsrun.objects.get(datum=timezone.localdate())
    browser.get(f"{live_server.url}/invordering/runs/{run.pk}/bevestigen/")
    _wacht(browser, "Invorderingsrun goedkeuren")
    vink = browser.find_element(By.ID, "id_gecontroleerd")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", vink)
    vink.click()
    browser.find_element(By.XPATH, "//button[starts-with(text(), 'Goedkeuren: 2 brieven')]").click()
    # The task runs eagerly after the request's commit; the page it redirects to shows it.
    _wacht(browser, "Goedgekeurd: de run wordt uitgevoerd.")
    WebDriverWait(browser, 10).until(
        lambda b: (
            "Status: Uitgevoerd" in b.find_element(By.CLASS_NAME, "status").text or b.refresh()
        )
    )
    run = Invorderingsrun.objects.get(datum=timezone.localdate())
    assert run.status == RunStatus.UITGEVOERD and run.uitgevoerd_door == "collega"

    aanslag = opzet["aanslag"]
    browser.get(f"{live_server.url}/vorderingen/{aanslag.pk}/")
    _wacht(browser, "Invorderingsstappen")
    stappen = browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=stappen-kop]").text
    assert "Herinnering" in stappen and "Aanmaning" in stappen
    assert "Laatste stap: Aanmaning" in browser.find_element(By.TAG_NAME, "main").text
    brieven = browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=brieven-kop]").text
    assert "Aanmaning" in brieven and "PDF" in brieven
    aanslag.refresh_from_db()
    stap = aanslag.invorderingsstappen.get(stap=Stap.AANMANING)
    # Costs and interest as booked (a flushed transactional test may have no tariff tables).
    assert aanslag.invorderingsstap == Stap.AANMANING
    assert aanslag.openstaand_bedrag == 25000 + stap.kosten + stap.rente


def test_betalingsregeling_from_the_debtor_page(browser, live_server, opzet):
    from selenium.webdriver.common.by import By

    _login(browser, live_server, "invorderaar")
    deb = opzet["deb"]
    browser.get(f"{live_server.url}/debiteuren/{deb.pk}/")
    _wacht(browser, "Betalingsregeling treffen")
    browser.find_element(By.LINK_TEXT, "Betalingsregeling treffen").click()
    _wacht(browser, "Plan tonen")
    for vakje in browser.find_elements(By.CSS_SELECTOR, "input[name=vorderingen]"):
        vakje.click()
    browser.find_element(By.CSS_SELECTOR, "input[name=soort][value=termijnen]").click()
    browser.find_element(By.NAME, "aantal_termijnen").send_keys("3")
    browser.find_element(By.CSS_SELECTOR, "input[name=betaalwijze][value=overmaking]").click()
    browser.find_element(By.XPATH, "//button[text()='Plan tonen']").click()
    _wacht(browser, "Plan (nog niet opgeslagen)")
    plan = browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=plan-kop]").text
    assert "AS2026-000001" in plan and "F2026-000002" in plan and "€ 371,00" in plan

    browser.find_element(By.XPATH, "//button[starts-with(text(), 'Opslaan')]").click()
    _wacht(browser, "Betalingsregeling vastgelegd: 3 termijnen")
    assert f"/debiteuren/{deb.pk}/" in browser.current_url
    regelingen = browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=regelingen]").text
    assert "Actief" in regelingen and "AS2026-000001" in regelingen
    regeling = Betalingsregeling.objects.get()
    assert regeling.status == RegelingStatus.ACTIEF and regeling.aantal_termijnen == 3
    assert set(regeling.vorderingen.values_list("pk", flat=True)) == set(
        Vordering.objects.filter(debiteur=deb).values_list("pk", flat=True)
    )
