"""Content-Security-Policy (finding 6): every screen works under the policy, i.e. has no inline
script, style or event handler without the request's nonce; the admin included."""

import re

import pytest
from lxml import html as lxml_html

from tests.factories import DebiteurFactory, OrganisatieFactory, vordering_maken

pytestmark = pytest.mark.django_db


def _inline_fouten(inhoud: str, nonce: str | None) -> list[str]:
    fouten = []
    boom = lxml_html.fromstring(inhoud)
    for script in boom.iter("script"):
        uitvoerbaar = script.get("type", "text/javascript") in {"text/javascript", "module"}
        if uitvoerbaar and not script.get("src") and script.get("nonce") != nonce:
            fouten.append(f"inline <script>: {(script.text or '')[:60]!r}")
    for style in boom.iter("style"):
        if style.get("nonce") != nonce:
            fouten.append(f"inline <style>: {(style.text or '')[:60]!r}")
    for element in boom.iter():
        if not isinstance(element.tag, str):
            continue
        for attribuut in element.attrib:
            if attribuut == "style" or re.fullmatch(r"on[a-z]+", attribuut):
                fouten.append(f"<{element.tag} {attribuut}=…>")
        if (element.get("href") or "").startswith("javascript:"):
            fouten.append(f"<{element.tag} href=javascript:…>")
    return fouten


def _policy(response) -> str:
    return (
        response.get("Content-Security-Policy") or response["Content-Security-Policy-Report-Only"]
    )


def test_policy_header_in_development(client):
    response = client.get("/inloggen/")
    policy = response["Content-Security-Policy-Report-Only"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy


def test_policy_enforced_when_configured(client, settings):
    settings.CONTENT_SECURITY_POLICY = settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = None
    response = client.get("/inloggen/")
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.fixture
def gegevens():
    organisatie = OrganisatieFactory()
    vordering = vordering_maken(organisatie, debiteur=DebiteurFactory())
    return organisatie, vordering


def test_login_page_has_no_inline_code(client):
    response = client.get("/inloggen/")
    assert response.status_code == 200
    assert _inline_fouten(response.content.decode(), None) == []


def test_screens_and_admin_have_no_inline_code(admin_client, gegevens):
    _, vordering = gegevens
    paginas = [
        "/",
        f"/debiteuren/{vordering.debiteur_id}/",
        f"/vorderingen/{vordering.pk}/",
        "/admin/",
        "/admin/inningen/debiteur/",
        f"/admin/inningen/debiteur/{vordering.debiteur_id}/change/",
        "/admin/inningen/vordering/",
        "/admin/auth/user/add/",
        "/admin/django_celery_beat/periodictask/",
        "/account/2fa/",
        "/account/2fa/instellen/",
    ]
    fouten = {}
    for pagina in paginas:
        response = admin_client.get(pagina)
        if response.status_code != 200:
            fouten[pagina] = f"HTTP {response.status_code}"
            continue
        nonce = None
        gevonden = re.search(r"'nonce-([^']+)'", _policy(response))
        if gevonden:
            nonce = gevonden.group(1)
        if problemen := _inline_fouten(response.content.decode(), nonce):
            fouten[pagina] = problemen
    assert fouten == {}
