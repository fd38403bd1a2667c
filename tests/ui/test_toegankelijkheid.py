"""axe-core on every screen (#19 finding 5): WCAG 2.0/2.1 A and AA, zero serious or critical
violations.

The screens come from the URLconf: every URL pattern of the UI's namespaces is either in
SCHERMEN (who opens it, with which arguments from the demo data) or in UITGESLOTEN (why not).
A new screen in neither makes ``test_every_ui_url_is_mapped`` fail, so it gets checked too.

axe-selenium-python injects axe-core 4.14.1 (vendored, see AXE_CORE). A live-server test flushes the
database afterwards, so the demo data is loaded once per role and each role's screens are
visited in one browser session; the failure lists every screen with its violations."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from inningen.demo.gegevens import GEBRUIKERS
from tests.toegankelijkheid import html_problemen

# Namespaces of the screens people use; the API, StUF, admin and health endpoints have their
# own tests (and the admin is Django's).
UI_NAMESPACES = ("balie", "inningen", "two_factor", "toegang")
UI_NAMEN_ZONDER_NAMESPACE = ("login", "logout")
# axe-core 4.14.1 from npm (MPL-2.0, see axe-core/README.md): the copy bundled with
# axe-selenium-python 2.1.6 is axe-core 3.1.1, which does not know the tag wcag21a.
AXE_CORE = Path(__file__).parent / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ERNSTIG = ("serious", "critical")
WACHTWOORD = {g.gebruikersnaam: g.wachtwoord for g in GEBRUIKERS}
# The invorderaar with a TOTP device, logged in with both factors: the screens that need a
# verified session, and the login's token step on the way.
MET_2FA = "invorderaar-2fa"


@dataclass(frozen=True)
class Scherm:
    """rol: demo user name (None: not logged in); args: demo data -> URL arguments."""

    rol: str | None
    args: Callable[[dict], list] = field(default=lambda d: [])
    query: str | Callable[[dict], str] = ""


def _pk(sleutel):
    return lambda d: [d[sleutel].pk]


SCHERMEN: dict[str, Scherm] = {
    "login": Scherm(None),
    "two_factor:login": Scherm(None),
    "balie:zoeken": Scherm("balie", query="?q=a"),
    "balie:debiteur": Scherm("balie", _pk("debiteur")),
    "balie:vordering": Scherm("balie", _pk("vordering")),
    "balie:opschorting_nieuw": Scherm("balie", _pk("vordering")),
    "balie:regeling_nieuw": Scherm("balie", _pk("debiteur")),
    "balie:brp": Scherm("balie", _pk("persoon")),
    "balie:kvk": Scherm("balie", _pk("bedrijf")),
    "balie:afboeking_nieuw": Scherm("invorderaar", _pk("vordering")),
    "balie:afboekingen": Scherm("invorderaar"),
    "balie:zonder_debiteur": Scherm("invorderaar"),
    "balie:zonder_debiteur_behandelen": Scherm("invorderaar", _pk("zonder_debiteur")),
    "balie:uitgaand": Scherm("invorderaar"),
    "balie:adres_in_onderzoek": Scherm("invorderaar"),
    "balie:runs": Scherm("invorderaar"),
    "balie:run": Scherm("invorderaar", _pk("run")),
    "balie:tegoeden": Scherm("invorderaar"),
    "balie:terugbetalingen": Scherm("invorderaar"),
    "balie:tegoed_verrekenen": Scherm("invorderaar", lambda d: [d["debiteur"].pk, d["org"].pk]),
    "balie:terugbetaling_nieuw": Scherm("invorderaar", lambda d: [d["debiteur"].pk, d["org"].pk]),
    "inningen:afschrift_upload": Scherm("invorderaar"),
    "inningen:afschriftimport": Scherm("invorderaar", _pk("afschriftimport")),
    "inningen:werklijst": Scherm("invorderaar"),
    "inningen:betaling": Scherm("invorderaar", _pk("betaling"), query=lambda d: d["match_q"]),
    "balie:run_bevestigen": Scherm("invorderaar", _pk("run")),
    "balie:start": Scherm("balie"),
    "balie:mijn_werk": Scherm("invorderaar"),
    "balie:dashboard": Scherm("invorderaar"),
    "two_factor:profile": Scherm("invorderaar"),
    "two_factor:setup": Scherm("invorderaar"),
    "two_factor:setup_complete": Scherm(MET_2FA),
    "two_factor:backup_tokens": Scherm(MET_2FA),
    "two_factor:disable": Scherm(MET_2FA),
    "toegang:verifieren": Scherm("invorderaar"),
}

_POST = "POST only: an action, its result is a screen above"
UITGESLOTEN: dict[str, str] = {
    "logout": _POST,
    "balie:notitie_toevoegen": _POST,
    "balie:uitgaand_opnieuw": _POST,
    "balie:opschorting_end": _POST,
    "balie:afboeking_review": _POST,
    "balie:regeling_end": _POST,
    "balie:run_goedkeuren": _POST,
    "balie:koppeling_ongedaan_maken": _POST,
    "balie:opvolging_debiteur": _POST,
    "balie:opvolging_vordering": _POST,
    "balie:opvolging_afhandelen": _POST,
    "balie:terugbetaling_review": _POST,
    "balie:terugbetaalbestand_nieuw": _POST,
    "inningen:betaling_terugbetaling": _POST,
    "inningen:betaling_actie": _POST,
    "balie:run_lijst": "CSV download, not HTML",
    "balie:run_overdracht": "CSV download, not HTML",
    "balie:brief_pdf": "PDF download, not HTML",
    "balie:saldo_overzicht": "PDF download, not HTML",
    "balie:run_voorbeeldbrief": "PDF of a sample letter, not a screen",
    "balie:terugbetaalbestand": "pain.001 XML download, not HTML",
    "inningen:afschriftimport_status": "JSON for the progress poll, not HTML",
    "two_factor:qr": "SVG image of the QR code, not HTML",
}


def ui_patronen() -> set[str]:
    """The names ("namespace:name") of every URL pattern of the UI."""
    namen = set()

    def loop(patronen, namespace):
        for p in patronen:
            if isinstance(p, URLResolver):
                loop(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                if namespace in UI_NAMESPACES:
                    namen.add(f"{namespace}:{p.name}")
                elif namespace is None and p.name in UI_NAMEN_ZONDER_NAMESPACE:
                    namen.add(p.name)

    loop(get_resolver().url_patterns, None)
    return namen


def test_every_ui_url_is_mapped():
    patronen = ui_patronen()
    assert {"balie:zoeken", "inningen:werklijst", "two_factor:setup", "login"} <= patronen
    nergens = sorted(patronen - set(SCHERMEN) - set(UITGESLOTEN))
    assert not nergens, (
        f"Nieuwe schermen zonder axe-controle: {nergens}. Zet ze in SCHERMEN (rol en argumenten) "
        "of in UITGESLOTEN (met de reden) in tests/ui/test_toegankelijkheid.py."
    )
    assert not set(SCHERMEN) & set(UITGESLOTEN)
    verouderd = sorted((set(SCHERMEN) | set(UITGESLOTEN)) - patronen)
    assert not verouderd, f"Niet (meer) in de URLconf: {verouderd}"


# --- demo data --------------------------------------------------------------------------------


def _demodata() -> dict:
    """The demo set, small, plus what the screens need that it may lack."""
    from inningen.betalingen.models import Afschriftimport, Betaling
    from inningen.betalingen.services.afschriften import afschrift_import
    from inningen.choices import BetalingStatus, RunStatus
    from inningen.debiteuren.models import Debiteur
    from inningen.demo.services import demo_load
    from inningen.grootboek.models import Vordering
    from inningen.invordering.models import Invorderingsrun
    from inningen.organisaties.models import Bankrekening, Medewerker
    from tests.inningen.betalingen.afschriftbestanden import camt053

    demo_load(n_debiteuren=40, n_vorderingen=160)
    balie_orgs = list(Medewerker.objects.get(user__username="balie").organisaties.all())
    vordering = (
        Vordering.objects.filter(debiteur__isnull=False, organisatie__in=balie_orgs)
        .filter(openstaand_bedrag__gt=0)
        .order_by("-pk")
        .first()
    )
    deb = vordering.debiteur
    persoon = (
        Debiteur.objects.filter(vorderingen__organisatie__in=balie_orgs, bsn__regex=r"^\d{9}$")
        .distinct()
        .first()
    )
    bedrijf = (
        Debiteur.objects.filter(vorderingen__organisatie__in=balie_orgs)
        .exclude(kvk_nummer="")
        .distinct()
        .first()
    ) or deb
    ongematcht = Betaling.objects.filter(status=BetalingStatus.ONGEMATCHT, bedrag__gt=0)
    if not ongematcht.exists():  # a bank entry for the manual-match screen
        rekening = Bankrekening.objects.filter(organisatie=vordering.organisatie).first()
        afschrift_import(
            inhoud=camt053(
                rekening.iban,
                [{"bedrag": 5000, "naam": "J. Onbekend", "iban": "NL20INGB0001234567"}],
            ),
            door="test",
        )
    betaling = ongematcht.first()
    imp = Afschriftimport.objects.first() or Afschriftimport.objects.create(
        organisatie=betaling.organisatie,
        door="invorderaar", bestandsnaam="afschrift.xml", sha256="0" * 64, status="klaar",
        totaal=1, verwerkt=1, samenvatting="1 post verwerkt.",
    )  # fmt: skip
    return {
        "vordering": vordering,
        "debiteur": deb,
        "org": vordering.organisatie,
        "persoon": persoon or deb,
        "bedrijf": bedrijf,
        "zonder_debiteur": Vordering.objects.filter(debiteur__isnull=True).first(),
        # A preview waiting for approval, so the confirmation step is a screen of its own.
        "run": Invorderingsrun.objects.filter(status=RunStatus.VOORSTEL).order_by("-pk").first()
        or Invorderingsrun.objects.order_by("-pk").first(),
        "betaling": betaling,
        "afschriftimport": imp,
        # A search on the payment page that finds a claim, so the match table is there.
        "match_q": "?q="
        + Vordering.objects.filter(organisatie=betaling.organisatie, openstaand_bedrag__gt=0)
        .values_list("vorderingnummer", flat=True)
        .first(),
    }


# --- axe --------------------------------------------------------------------------------------


def axe_ernstig(browser) -> list[dict]:
    """The serious and critical violations axe finds on the page in the browser."""
    from axe_selenium_python import Axe

    Axe(browser, script_url=str(AXE_CORE)).inject()
    # Axe.run(options=...) alone lets axe-core 3.1 take the options for the context (and never
    # answer); the context is given, and an error in axe comes back instead of a timeout.
    uitkomst = browser.execute_async_script(
        "var klaar = arguments[arguments.length - 1];"
        "axe.run(document, arguments[0])"
        ".then(function (r) { klaar(r); }, function (e) { klaar({fout: String(e)}); });",
        {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert "fout" not in uitkomst, uitkomst
    return [v for v in uitkomst["violations"] if v["impact"] in ERNSTIG]


def beschrijf(scherm: str, url: str, fouten: list[dict]) -> str:
    regels = [f"{scherm} ({url}):"]
    for f in fouten:
        doelen = ", ".join(" ".join(n["target"]) for n in f["nodes"][:8])
        regels.append(f"  {f['id']} [{f['impact']}] {f['help']} -> {doelen}")
    return "\n".join(regels)


def _inloggen(browser, live_server, rol) -> tuple[list[dict], list[str]]:
    """Log in as the role; returns axe's serious violations and the HTML problems on the
    token step (none without a second factor)."""
    from django.contrib.auth.models import User
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    naam = rol.removesuffix("-2fa")
    device = None
    if rol == MET_2FA:
        user = User.objects.get(username=naam)
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/inloggen/")
    browser.find_element(By.ID, "id_username").send_keys(naam)
    browser.find_element(By.ID, "id_password").send_keys(WACHTWOORD[naam])
    _versturen(browser, "form button[type=submit]")
    ernstig, problemen = [], []
    if device is not None:
        veld = browser.find_element(By.ID, "id_token-otp_token")
        ernstig = axe_ernstig(browser)
        problemen = html_problemen(browser.page_source)
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        veld.send_keys(f"{code:06d}")
        browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda b: "Uitloggen" in b.page_source)
    return ernstig, problemen


def _versturen(browser, knop: str) -> None:
    """Click the submit button and wait until the next page replaced this one, so nothing is
    looked up in the old document while the browser navigates."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    oud = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, knop).click()
    WebDriverWait(browser, 15).until(EC.staleness_of(oud))


@pytest.fixture
def snelle_hashes(settings):
    # The demo users' passwords are hashed on load; PBKDF2 would dominate the test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "rol", [None, "balie", "invorderaar", MET_2FA], ids=["anoniem", "balie", "invorderaar", "2fa"]
)
def test_axe_zero_serious_violations(rol, browser, live_server, snelle_hashes):
    from selenium.webdriver.common.by import By

    data = _demodata()
    fouten, bezocht = [], 0
    if rol:
        ernstig, problemen = _inloggen(browser, live_server, rol)
        if ernstig:
            fouten.append(beschrijf("login (stap tweede factor)", "/inloggen/", ernstig))
        fouten += [f"login (stap tweede factor): {p}" for p in problemen]
    for naam, scherm in sorted(SCHERMEN.items()):
        if scherm.rol != rol:
            continue
        query = scherm.query(data) if callable(scherm.query) else scherm.query
        url = reverse(naam, args=scherm.args(data)) + query
        browser.get(live_server.url + url)
        kop = browser.find_element(By.TAG_NAME, "h1").text
        if kop in ("Niet gevonden", "Geen toegang", "Serverfout"):
            fouten.append(f"{naam} ({url}): {kop}")
        elif rol and "/inloggen/" in browser.current_url:
            fouten.append(f"{naam} ({url}): stuurt terug naar inloggen")
        ernstig = axe_ernstig(browser)
        if ernstig:
            fouten.append(beschrijf(naam, url, ernstig))
        # And the HTML checks that need no browser (ids referred to exist, labels, no duplicates).
        fouten += [f"{naam} ({url}): {p}" for p in html_problemen(browser.page_source)]
        bezocht += 1
    assert bezocht
    assert not fouten, "axe: ernstige toegankelijkheidsfouten\n" + "\n".join(fouten)


def test_axe_reports_a_violation(browser):
    """The check itself works: a field without a label and grey-on-white text are found."""
    browser.get(
        "data:text/html,<html lang=nl><title>t</title><main><h1>Kop</h1><input id=x>"
        "<p style='color:%23bbb'>lichtgrijs</p></main></html>"
    )
    assert {v["id"] for v in axe_ernstig(browser)} == {"label", "color-contrast"}


FORMULIEREN = [
    # (name for the screenshot, URL name, demo data key, the submit button)
    ("opschorting", "balie:opschorting_nieuw", "vordering", "form.formulier button[type=submit]"),
    ("afboeking", "balie:afboeking_nieuw", "vordering", "form.formulier button[type=submit]"),
    ("regeling", "balie:regeling_nieuw", "debiteur", "button[value=plan]"),
    (
        "handmatig-matchen",
        "inningen:betaling",
        "betaling",
        "form:has(table.matchen) button[type=submit]",
    ),
]


def _viewport(browser, breedte: int, schaal: int = 1) -> None:
    """A viewport of exactly breedte CSS px; 683 at scale 2 is a 1366 px screen at 200% zoom."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": breedte, "height": 1100, "deviceScaleFactor": schaal, "mobile": False},
    )


@pytest.mark.django_db(transaction=True)
def test_forms_with_errors_at_1366_and_200_percent(
    browser, live_server, snelle_hashes, screenshot_dir
):
    """The fixed forms empty and with errors: no serious axe violation, no sideways scrolling
    at 200% zoom; screenshots for a person to look at."""
    from selenium.webdriver.common.by import By

    data = _demodata()
    fouten = []
    _inloggen(browser, live_server, "invorderaar")
    for naam, urlnaam, sleutel, knop in FORMULIEREN:
        url = reverse(urlnaam, args=[data[sleutel].pk]) + (
            data["match_q"] if sleutel == "betaling" else ""
        )
        for breedte, schaal, achtervoegsel in ((1366, 1, "1366"), (683, 2, "200pct")):
            _viewport(browser, breedte, schaal)
            browser.get(live_server.url + url)
            _versturen(browser, knop)
            browser.find_element(By.CSS_SELECTOR, ".fout, .melding.error")
            ernstig = axe_ernstig(browser)
            if ernstig:
                fouten.append(beschrijf(f"{naam} met fouten ({achtervoegsel})", url, ernstig))
            scroll = browser.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if scroll > 1:
                fouten.append(f"{naam} ({achtervoegsel}): scrolt {scroll} px zijwaarts")
            browser.save_screenshot(str(screenshot_dir / f"{naam}-fouten-{achtervoegsel}.png"))
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert not fouten, "\n".join(fouten)
