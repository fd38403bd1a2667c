"""Single sign-on against a small OpenID Connect provider double served over real HTTP (a thread
in this test): authorization code flow with PKCE, an RS256-signed id_token checked against the
provider's JWKS, claims mapped to user, role groups and organisations."""

import base64
import hashlib
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import Group

from inningen.organisaties.models import Medewerker
from inningen.organisaties.services.rollen import roles_ensure
from tests.factories import OrganisatieFactory

pytestmark = pytest.mark.django_db
CLIENT_ID = "inningen"


class Provider:
    def __init__(self):
        self.sleutel = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.sleutel.public_key()))
        self.jwks = {"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]}
        self.claims = {}
        self.codes = {}
        self.aud = CLIENT_ID
        self.tokens = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, data):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urlparse(self.path)
                if url.path == "/jwks":
                    return self._json(200, provider.jwks)
                if url.path == "/authorize":
                    q = {k: v[0] for k, v in parse_qs(url.query).items()}
                    code = uuid.uuid4().hex
                    provider.codes[code] = q
                    self.send_response(302)
                    terug = f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}"
                    self.send_header("Location", terug)
                    self.end_headers()
                    return None
                if url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.tokens:
                        return self._json(401, {"error": "invalid_token"})
                    return self._json(200, provider.claims)
                return self._json(404, {})

            def do_POST(self):
                lengte = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(lengte).decode()).items()}
                verzoek = provider.codes.pop(form.get("code"), None)
                verifier = form.get("code_verifier", "").encode()
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
                if (
                    verzoek is None
                    or form.get("client_id") != CLIENT_ID
                    or challenge.decode() != verzoek.get("code_challenge")
                ):
                    return self._json(400, {"error": "invalid_grant"})
                nu = int(time.time())
                id_token = jwt.encode(
                    {"iss": provider.url, "aud": provider.aud, "sub": provider.claims["sub"],
                     "iat": nu, "exp": nu + 300, "nonce": verzoek["nonce"]},
                    provider.sleutel, algorithm="RS256", headers={"kid": "k1"},
                )  # fmt: skip
                access = uuid.uuid4().hex
                provider.tokens[access] = True
                return self._json(
                    200, {"id_token": id_token, "access_token": access, "token_type": "Bearer"}
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(settings):
    with Provider() as p:
        settings.OIDC_INGESCHAKELD = True
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = "geheim"
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{p.url}/authorize"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{p.url}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{p.url}/userinfo"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{p.url}/jwks"
        settings.OIDC_GROEPEN_CLAIM = "groups"
        settings.OIDC_ORGANISATIES_CLAIM = "rsins"
        settings.AUTHENTICATION_BACKENDS = [
            *settings.AUTHENTICATION_BACKENDS,
            "toegang.oidc.OidcBackend",
        ]
        yield p


def _sso(client, next_="/"):
    r = client.get(f"/oidc/authenticate/?next={next_}")
    assert r.status_code == 302
    terug = requests.get(r["Location"], allow_redirects=False, timeout=5)  # "the user logs in"
    assert terug.status_code == 302
    callback = urlparse(terug.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_authorization_code_flow_maps_claims(client, provider):
    roles_ensure()
    org = OrganisatieFactory(rsin="002220647")
    OrganisatieFactory(rsin="001234567")
    provider.claims = {
        "sub": "abc-123", "preferred_username": "j.jansen", "email": "j.jansen@gemeente.nl",
        "given_name": "Jan", "family_name": "Jansen",
        "groups": ["baliemedewerker", "superuser", "admins"], "rsins": ["002220647"],
        "is_superuser": True,
    }  # fmt: skip
    assert "Inloggen met SSO" in client.get("/inloggen/").content.decode()
    r = _sso(client)
    assert r.status_code == 302 and r["Location"] == "/"
    from django.contrib.auth.models import User

    user = User.objects.get(username="j.jansen")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert (user.email, user.first_name, user.last_name) == (
        "j.jansen@gemeente.nl",
        "Jan",
        "Jansen",
    )
    assert not user.is_superuser and not user.is_staff and not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["baliemedewerker"]
    assert list(Medewerker.objects.get(user=user).organisaties.all()) == [org]
    assert client.get("/").status_code == 200

    # A later login follows the claims: role changed, other groups kept.
    extra = Group.objects.create(name="eigen groep")
    user.groups.add(extra)
    client.logout()
    provider.claims = {**provider.claims, "groups": ["beheerder"]}
    assert _sso(client).status_code == 302
    user.refresh_from_db()
    assert set(user.groups.values_list("name", flat=True)) == {"beheerder", "eigen groep"}
    assert user.is_staff and not user.is_superuser


def test_superuser_account_never_via_sso(client, provider, django_user_model):
    django_user_model.objects.create_superuser("root", password="geheim-wachtwoord-123")
    provider.claims = {"sub": "x", "preferred_username": "root", "email": "root@x.nl"}
    r = _sso(client)
    assert r.status_code == 302 and r["Location"].startswith("/inloggen/?sso=mislukt")
    assert "_auth_user_id" not in client.session


def test_sso_off_by_default(client):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert "Inloggen met SSO" not in client.get("/inloggen/").content.decode()


def test_id_token_with_wrong_key_is_refused(client, provider):
    provider.claims = {"sub": "x", "preferred_username": "indringer", "email": "i@x.nl"}
    provider.sleutel = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    r = _sso(client)
    assert r.status_code in (302, 400)
    assert "_auth_user_id" not in client.session


def test_id_token_for_another_client_is_refused(client, provider):
    provider.claims = {"sub": "x", "preferred_username": "ander", "email": "a@x.nl"}
    provider.aud = "andere-applicatie"
    r = _sso(client)
    assert r.status_code in (302, 400)
    assert "_auth_user_id" not in client.session
