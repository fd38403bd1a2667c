"""Bad input gets a permanent StUF fault and a berichtenlog row; a real error a transient one
(issue #15, finding 8). Over real HTTP through the test client, with raw bodies."""

import base64
import io
import logging

import pytest
from django.core.handlers.wsgi import WSGIHandler
from lxml import etree

from inningen.grootboek.models import Vordering
from stuffin.models import Bericht
from stuffin.services import ontvangst
from stuffin.stuf import soap

from .conftest import NS, WACHTWOORD, officieel_bericht

pytestmark = pytest.mark.django_db

DI01_PAD = "/stuf/fin0310/VerstrekVorderingOfVerantwoording"
AUTH = "Basic " + base64.b64encode(f"stp:{WACHTWOORD}".encode()).decode()


def _post(client, body: bytes, *, soapaction=soap.SOAPACTION_DI01_VERSTREK_VORDERING):
    return client.generic(
        "POST",
        DI01_PAD,
        data=body,
        content_type=soap.SOAP_CONTENT_TYPE,
        HTTP_SOAPACTION=f'"{soapaction}"',
        HTTP_AUTHORIZATION=AUTH,
    )


def _fout(response) -> tuple[str, str]:
    """(faultcode, StUF:code) of a SOAP fault answer."""
    assert response.status_code == 500, response.content[:500]
    fault = etree.fromstring(response.content).find("soapenv:Body/soapenv:Fault", NS)
    code = fault.find("detail")[0].findtext("StUF:body/StUF:code", namespaces=NS)
    return fault.findtext("faultcode"), code


def _min(**kw) -> str:
    return officieel_bericht("Di01-verstrekVordering-min.xml", **kw).decode("utf-8")


def _in_codering(tekst: str, codering: str, naam: str) -> bytes:
    """The message with its XML declaration naming ``naam``, encoded in ``codering``."""
    tekst = tekst.replace(
        "<?xml version='1.0' encoding='UTF-8'?>", f'<?xml version="1.0" encoding="{naam}"?>'
    )
    assert tekst.startswith(f'<?xml version="1.0" encoding="{naam}"?>')
    return tekst.encode(codering)


# --- encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codering", "naam"),
    [
        ("utf-16", "UTF-16"),  # with BOM
        ("utf-16-be", "UTF-16BE"),  # no BOM: detected from "<?" (XML 1.0 appendix F)
        ("utf-16-le", "UTF-16LE"),
        ("utf-32", "UTF-32"),
        ("utf-8-sig", "UTF-8"),
    ],
)
def test_unicode_encodings_are_read_and_logged_exactly(client, koppeling, codering, naam):
    tekst = _min().replace(">test<", ">test é € 𝄞<", 1)
    body = _in_codering(tekst, codering, naam)

    response = _post(client, body)

    assert response.status_code == 200, response.content[:500]
    vordering = Vordering.objects.get()
    assert vordering.algemene_factuuromschrijving == "test é € 𝄞"
    log = Bericht.objects.get()
    # The characters as received (no NUL bytes, no replacement characters), and the digest of
    # the bytes as received.
    assert log.inhoud == body.decode(codering).lstrip("\ufeff")
    assert log.inhoud_hash == Bericht.hash_inhoud(body)


def test_resend_in_another_encoding_is_a_replay_not_stuf016(client, koppeling):
    tekst = _min(referentienummer="utf16-herhaling").replace(">test<", ">tést<", 1)
    eerste = _post(client, _in_codering(tekst, "utf-16", "UTF-16"))
    assert eerste.status_code == 200, eerste.content[:500]

    tweede = _post(client, tekst.encode("utf-8"))

    assert tweede.status_code == 200, tweede.content[:500]
    assert tweede.content == eerste.content
    assert list(Bericht.objects.order_by("pk").values_list("antwoordsoort", flat=True)) == [
        "Bv03",
        "Bv03-herhaald",
    ]
    assert Vordering.objects.count() == 1


@pytest.mark.parametrize(
    ("codering", "naam"),
    [("latin-1", "ISO-8859-1"), ("cp1252", "windows-1252"), ("latin-1", "EBCDIC-US")],
)
def test_other_encodings_are_refused_permanently(client, koppeling, codering, naam):
    body = _in_codering(_min().replace(">test<", ">tést<", 1), codering, naam)

    response = _post(client, body)

    assert _fout(response) == ("soapenv:Client", "StUF055")
    log = Bericht.objects.get()
    assert (log.antwoordsoort, log.foutcode, log.http_status) == ("Fo03", "StUF055", 500)
    assert naam in log.foutmelding and "UTF-8" in log.foutmelding
    assert not Vordering.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"\x00\x01\x02 geen XML \xff\xfe",
        "<a>geen BOM en geen declaratie</a>".encode("utf-16-le"),
        b"<?xml version='1.0' encoding='UTF-8'?><a>\xe9</a>",  # declared UTF-8, is not
    ],
)
def test_unreadable_bytes_are_refused_permanently_and_logged(client, koppeling, body):
    response = _post(client, body)

    assert _fout(response) == ("soapenv:Client", "StUF055")
    log = Bericht.objects.get()
    assert (log.foutcode, log.inhoud_hash) == ("StUF055", Bericht.hash_inhoud(body))
    # Stored without NUL (PostgreSQL text refuses it), the undecodable bytes escaped.
    assert "\x00" not in log.inhoud and log.inhoud


# --- sizes and numbers ---------------------------------------------------------------------------


def test_overlong_referentienummer_is_stuf055_and_logged(client, koppeling):
    body = _min(referentienummer="r" * 5000).encode()

    response = _post(client, body)

    assert _fout(response) == ("soapenv:Client", "StUF055")
    fo03 = etree.fromstring(response.content).find(".//StUF:Fo03Bericht", NS)
    # The crossRefnummer of the answer is cut to what StUF:Refnummer allows (40).
    assert len(fo03.findtext("StUF:stuurgegevens/StUF:crossRefnummer", namespaces=NS)) <= 40
    log = Bericht.objects.get()
    assert log.foutcode == "StUF055" and len(log.referentienummer) <= 80


def _bedragen(tekst: str, excl: int, btw: int) -> str:
    """The min message (100 + 21 = 121 on its one line) with other, consistent amounts."""
    for soort, oud, nieuw in (
        ("ExclBTW", 100, excl),
        ("BTW", 21, btw),
        ("InclBTW", 121, excl + btw),
    ):
        for tag in (f"totaalbedrag{soort}", f"bedrag{soort}"):
            tekst = tekst.replace(f"<FIN:{tag}>{oud}<", f"<FIN:{tag}>{nieuw}<")
    return tekst


@pytest.mark.parametrize("excl", [10**20, 10**11, -(10**11)])
def test_amount_beyond_n11_is_refused_with_fin015(client, koppeling, excl):
    body = _bedragen(_min(), excl, 0).encode()

    response = _post(client, body)

    assert _fout(response) == ("soapenv:Client", "FIN015")
    log = Bericht.objects.get()
    assert log.foutcode == "FIN015" and "99999999999" in log.foutmelding
    assert not Vordering.objects.exists()


def test_largest_n11_amount_is_accepted(client, koppeling):
    body = _bedragen(_min(), 10**11 - 1 - 21, 21).encode()

    response = _post(client, body)

    assert response.status_code == 200, response.content[:500]
    assert Vordering.objects.get().totaalbedrag_incl_btw == 10**11 - 1


def test_btw_percentage_beyond_n6_is_refused_with_fin015(client, koppeling):
    body = _min().replace("<FIN:btwPercentage>21<", f"<FIN:btwPercentage>{10**20}<").encode()

    response = _post(client, body)

    assert _fout(response) == ("soapenv:Client", "FIN015")
    assert Bericht.objects.get().foutcode == "FIN015"


# --- chunked bodies ------------------------------------------------------------------------------


def _wsgi(body: bytes, **extra) -> tuple[int, bytes]:
    """A request as a WSGI server hands it over: the body in wsgi.input, no CONTENT_LENGTH."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": DI01_PAD,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": soap.SOAP_CONTENT_TYPE,
        "HTTP_SOAPACTION": f'"{soap.SOAPACTION_DI01_VERSTREK_VORDERING}"',
        "HTTP_AUTHORIZATION": AUTH,
        "HTTP_TRANSFER_ENCODING": "chunked",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,  # the server ends the stream after the last chunk
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        **extra,
    }
    status = []
    inhoud = b"".join(WSGIHandler()(environ, lambda s, h, *a: status.append(s)))
    return int(status[0].split()[0]), inhoud


@pytest.mark.django_db(transaction=True)
def test_chunked_body_is_read(koppeling):
    status, inhoud = _wsgi(_min(referentienummer="chunked").encode())

    assert status == 200, inhoud[:500]
    assert Vordering.objects.count() == 1
    assert Bericht.objects.get().referentienummer == "chunked"


@pytest.mark.django_db(transaction=True)
def test_chunked_body_is_bounded(koppeling, settings):
    body = _min(referentienummer="te-groot").encode()
    settings.STUF_MAX_BODY_BYTES = len(body) - 1

    status, inhoud = _wsgi(body)

    assert status == 413
    assert b"StUF055" in inhoud and not Vordering.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_chunked_body_on_a_server_that_does_not_end_the_stream_is_refused(koppeling):
    """Without wsgi.input_terminated reading to the end could block: 411, not an empty body."""
    status, inhoud = _wsgi(_min().encode(), **{"wsgi.input_terminated": False})

    assert status == 411
    assert b"StUF055" in inhoud and not Vordering.objects.exists()


# --- logging ---------------------------------------------------------------------------------------


def _records(caplog, naam: str, niveau: int) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == naam and r.levelno >= niveau]


def test_business_fault_is_logged_with_its_code_not_as_server_error(client, koppeling, caplog):
    caplog.set_level(logging.INFO)
    body = _min().replace("<FIN:valutacode>EUR<", "<FIN:valutacode>USD<").encode()

    response = _post(client, body)

    assert _fout(response) == ("soapenv:Client", "FIN007")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not _records(caplog, "django.request", logging.DEBUG)
    (regel,) = [r for r in caplog.records if "FIN007" in r.getMessage()]
    assert regel.name == "stuffin.services.ontvangst" and regel.levelno == logging.INFO


def test_refused_request_before_stuf_handling_is_not_logged_as_error(client, koppeling, caplog):
    caplog.set_level(logging.INFO)
    response = client.generic("POST", DI01_PAD, data=b"<a/>", HTTP_AUTHORIZATION="Basic eA==")

    assert response.status_code == 401
    assert not _records(caplog, "django.request", logging.DEBUG)
    assert any("StUF013" in r.getMessage() for r in caplog.records)


def test_real_error_is_error_transient_and_logged(client, koppeling, caplog, monkeypatch):
    caplog.set_level(logging.INFO)

    def kapot(**kwargs):
        raise RuntimeError("database weg")

    monkeypatch.setattr(ontvangst, "verstrek_vordering_process", kapot)

    response = _post(client, _min().encode())

    assert _fout(response) == ("soapenv:Server", "StUF046")
    fouten = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert fouten and all(r.name.startswith("stuffin") for r in fouten)
    assert fouten[0].exc_info and "database weg" in caplog.text
    log = Bericht.objects.get()
    assert (log.antwoordsoort, log.foutcode, log.http_status) == ("Fo03", "StUF046", 500)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_chunked_body_through_a_real_gunicorn(koppeling, postgresql):
    """The same over a real server: requests sends a generator body chunked."""
    import os
    import socket
    import subprocess
    import sys
    from pathlib import Path

    import requests

    from tests.conftest import wait_for

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        poort = s.getsockname()[1]
    db = postgresql.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "STUF_APPLICATIE": "TTA",
        "STUF_ORGANISATIE": "",
        "STUF_ADMINISTRATIE": "",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{poort}", "-w", "1"],
        cwd=Path(__file__).resolve().parent.parent.parent,
        env=env,
    )
    try:
        url = f"http://127.0.0.1:{poort}{DI01_PAD}"
        assert wait_for(lambda: _luistert(poort), timeout=30)
        body = _min(referentienummer="gunicorn-chunked").encode()
        response = requests.post(
            url,
            data=iter([body[:1000], body[1000:]]),  # a generator: Transfer-Encoding: chunked
            headers={
                "Content-Type": soap.SOAP_CONTENT_TYPE,
                "SOAPAction": f'"{soap.SOAPACTION_DI01_VERSTREK_VORDERING}"',
                "Authorization": AUTH,
            },
            timeout=30,
        )
        assert response.request.headers.get("Transfer-Encoding") == "chunked"
        assert response.status_code == 200, response.text[:500]
        assert Bericht.objects.get().referentienummer == "gunicorn-chunked"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _luistert(poort: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", poort), timeout=1):
            return True
    except OSError:
        return False
