"""Details of the Di01 ingest path that must not change what is stored."""

import gc

import pytest
from django.core.exceptions import ValidationError

from inningen.validators import normalize_iban
from stuffin.services import ontvangst
from stuffin.services.verstrek_vordering import _iban


def _normalize_or_none(waarde):
    try:
        return normalize_iban(waarde)
    except ValidationError:
        return None


@pytest.mark.parametrize(
    "waarde",
    [
        "NL91ABNA0417164300",
        "nl91 abna 0417 1643 00",
        " NL91ABNA0417164300\t",
        "NL91ABNA0417164301",  # check digits wrong
        "NL92ABNA0417164300",
        "NL847309983",  # the official max message
        "1",
        "",
        "DE89370400440532013000",
        "NO9386011117947",  # shortest (15)
        "XX91ABNA0417164300",  # no such country
        "NL91ABNA041716430",  # one short
        "NL91ABNA04171643000",
        "NL91-ABNA-0417-1643-00",
        "NL91ABNA0417164300ÄÖ",
    ],
)
def test_iban_is_normalize_iban_without_exception(waarde):
    assert _iban(waarde) == _normalize_or_none(waarde)


def test_receiving_starts_no_thread_and_touches_no_interpreter_switch(koppeling, monkeypatch):
    """A Di01 is one transaction on one thread: no thread beside it, the cyclic GC and the
    GIL switch interval left as the process has them (issue #14)."""
    import sys
    import threading

    from stuffin.models import Bericht
    from tests.stuffin.conftest import officieel_bericht

    def verboden(naam):
        def aanroep(*args, **kwargs):
            raise AssertionError(f"{naam} aangeroepen tijdens het ontvangen")

        return aanroep

    monkeypatch.setattr(threading.Thread, "start", verboden("Thread.start"))
    monkeypatch.setattr(gc, "disable", verboden("gc.disable"))
    monkeypatch.setattr(sys, "setswitchinterval", verboden("sys.setswitchinterval"))

    antwoord = _ontvang(officieel_bericht("Di01-verstrekVordering-max.xml"), koppeling)

    assert antwoord.status == 200, antwoord.inhoud[:500]
    assert Bericht.objects.get().antwoordsoort == "Bv03"


def _ontvang(body, koppeling):
    from stuffin.stuf import soap

    return ontvangst.verstrek_vordering_receive(
        body=body, soapaction=soap.SOAPACTION_DI01_VERSTREK_VORDERING, koppeling=koppeling
    )


def test_log_row_lands_with_the_claims(koppeling):
    from inningen.grootboek.models import Vordering
    from stuffin.models import Bericht
    from tests.stuffin.conftest import officieel_bericht

    antwoord = _ontvang(officieel_bericht("Di01-verstrekVordering-max.xml"), koppeling)

    assert antwoord.status == 200
    log = Bericht.objects.get(antwoordsoort="Bv03")
    assert log.antwoord.encode() == antwoord.inhoud
    assert log.aantal_objecten == 2 and log.duur_ms >= 0
    assert set(log.vorderingen.all()) == set(Vordering.objects.all())
    assert log.inhoud.startswith("<") and log.inhoud_hash == Bericht.hash_inhoud(
        log.inhoud.encode()
    )


def test_invalid_message_logs_only_the_fault(koppeling):
    from inningen.grootboek.models import Vordering
    from stuffin.models import Bericht
    from tests.stuffin.conftest import officieel_bericht

    body = officieel_bericht("Di01-verstrekVordering-max.xml").replace(
        b"<FIN:taaknummer>1234<", b"<FIN:bestaatNiet>x</FIN:bestaatNiet><FIN:taaknummer>1234<"
    )
    antwoord = _ontvang(body, koppeling)

    assert antwoord.status == 500
    # Only the fault is logged, and nothing of the message is stored.
    assert list(Bericht.objects.values_list("antwoordsoort", "foutcode")) == [("Fo03", "StUF055")]
    assert not Vordering.objects.exists()


def test_concurrent_identical_delivery_is_answered_as_a_resend(koppeling, monkeypatch):
    """The other delivery won between the look-up and our insert: the insert hits the unique
    constraint, and the message is answered as a resend."""
    from inningen.grootboek.models import Vordering
    from stuffin.models import Bericht
    from tests.stuffin.conftest import officieel_bericht

    body = officieel_bericht("Di01-verstrekVordering-max.xml", referentienummer="gelijktijdig")
    eerste = _ontvang(body, koppeling)
    assert eerste.status == 200

    echte = ontvangst._accepted
    aanroepen = []

    def nog_niet_gezien(sg):
        aanroepen.append(sg)
        return None if len(aanroepen) == 1 else echte(sg)

    monkeypatch.setattr(ontvangst, "_accepted", nog_niet_gezien)
    tweede = _ontvang(body, koppeling)

    assert (tweede.status, tweede.inhoud) == (200, eerste.inhoud)
    assert len(aanroepen) == 2
    assert Vordering.objects.count() == 2
    assert list(Bericht.objects.order_by("pk").values_list("antwoordsoort", flat=True)) == [
        "Bv03",
        "Bv03-herhaald",
    ]


def test_schema_error_is_reported_when_reading_fails_too(koppeling):
    """Validation runs beside reading the message: when both fail, the schema's error (the
    one a sequential run reports first) is the answer."""
    from inningen.grootboek.models import Vordering
    from stuffin.models import Bericht
    from tests.stuffin.conftest import officieel_bericht

    body = officieel_bericht("Di01-verstrekVordering-max.xml").replace(
        b"<FIN:bedragExclBTW>", b"<FIN:bedragExclBTW>x", 1
    )
    antwoord = _ontvang(body, koppeling)

    assert antwoord.status == 500
    assert not Vordering.objects.exists()
    fout = Bericht.objects.get()
    assert fout.foutcode == "StUF055"
    assert "element FIN:bedragExclBTW" in fout.foutmelding
    assert "geen geldig" not in fout.foutmelding  # not the reader's own message
