"""The transactional outbox: recording messages we owe external systems, and delivering them.

Recording happens in the transaction of the state change (a signal receiver); the Celery task
is queued on commit and only carries the row id. Delivery claims the row, builds the message
from the database, validates it against the XSD, posts it and records the outcome. A periodic
sweep re-queues anything due or stuck, so a lost task or a killed worker never loses a message.
"""

import logging
import random
import time
import uuid
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from lxml import etree

from inningen.models import Vorderingstatus

from ..identiteit import eigen_systeem
from ..models import Bericht, Koppeling, Richting, TsaCode, UitgaandBericht, UitgaandSoort, UitgaandStatus
from ..models.uitgaand import BLOKKERENDE_STATUSSEN
from ..stuf import berichten as stuf
from ..stuf import build, soap
from ..stuf.parse import parse_answer
from ..stuf.xml import parse_xml, proces_schema, schema_fouten

logger = logging.getLogger(__name__)


def _queue(ids: list[int]) -> None:
    from ..tasks import uitgaand_bericht_afleveren

    for pk in ids:
        uitgaand_bericht_afleveren.delay(pk)


def queue_on_commit(ids: list[int]) -> None:
    if ids:
        transaction.on_commit(lambda: _queue(ids))


# --- recording --------------------------------------------------------------------------------

def statuswijzigingen_enqueue(*, statussen: list[Vorderingstatus]) -> list[UitgaandBericht]:
    """One outbox row per status change the owning TSA wants (its TSA code, its status filter)."""
    if not statussen:
        return []
    codes = {s.vordering.tsa for s in statussen}
    eigenaars = {
        t.code: t.koppeling
        for t in TsaCode.objects.filter(code__in=codes).select_related("koppeling")
        if t.koppeling.actief and t.koppeling.url
    }
    nu = timezone.now()
    rows = []
    for s in statussen:
        koppeling = eigenaars.get(s.vordering.tsa)
        if koppeling is not None and koppeling.wants_status(s.status):
            rows.append(UitgaandBericht(
                soort=UitgaandSoort.STATUSWIJZIGING, koppeling=koppeling, vordering=s.vordering,
                vorderingstatus=s, referentienummer=uuid.uuid4().hex, volgende_poging=nu,
            ))
    created = UitgaandBericht.objects.bulk_create(rows)
    # Only the first pending message per vordering can go now; the rest follow in order.
    queue_on_commit([b.pk for b in created if _is_first_for_vordering(b, created)])
    return created


def _is_first_for_vordering(bericht: UitgaandBericht, batch: list[UitgaandBericht]) -> bool:
    return not any(b.vordering_id == bericht.vordering_id and b.pk < bericht.pk for b in batch)


# --- delivery ---------------------------------------------------------------------------------

@dataclass(slots=True)
class Uitkomst:
    status: str
    foutcode: str = ""
    fout: str = ""
    antwoord: bytes = b""
    http_status: int | None = None


def uitgaand_bericht_deliver(*, bericht_id: int) -> str | None:
    """Deliver one outbox row if it is due and not blocked; idempotent. Returns the new status
    or None when there was nothing to do."""
    bericht = _claim(bericht_id)
    if bericht is None:
        return None
    start = time.perf_counter()
    try:
        inhoud = _build(bericht)
    except ValueError as exc:
        # Our own message is not valid: retrying cannot help; an operator must look at it.
        uitkomst = Uitkomst(UitgaandStatus.MISLUKT, foutcode="XSD", fout=str(exc))
        inhoud = b""
    else:
        uitkomst = _post(bericht.koppeling, inhoud, _soapaction(bericht))
    return _record(bericht, uitkomst, inhoud, duur=time.perf_counter() - start)


def _blocked(bericht: UitgaandBericht) -> bool:
    return bericht.vordering_id is not None and UitgaandBericht.objects.filter(
        vordering_id=bericht.vordering_id, pk__lt=bericht.pk, status__in=BLOKKERENDE_STATUSSEN
    ).exists()


def _claim(bericht_id: int) -> UitgaandBericht | None:
    nu = timezone.now()
    with transaction.atomic():
        bericht = (
            UitgaandBericht.objects.select_for_update(skip_locked=True)
            .select_related("koppeling")
            .filter(pk=bericht_id, status=UitgaandStatus.WACHTEND, volgende_poging__lte=nu)
            .first()
        )
        if bericht is None or _blocked(bericht):
            return None
        bericht.status = UitgaandStatus.BEZIG
        bericht.bezig_sinds = nu
        bericht.pogingen += 1
        bericht.save(update_fields=["status", "bezig_sinds", "pogingen"])
    return bericht


def _soapaction(bericht: UitgaandBericht) -> str:
    return {UitgaandSoort.STATUSWIJZIGING: soap.SOAPACTION_DI01_STATUSWIJZIGING}[bericht.soort]


def _ontvanger(koppeling: Koppeling) -> stuf.Systeem:
    return stuf.Systeem(organisatie=koppeling.organisatie, applicatie=koppeling.applicatie,
                        administratie=koppeling.administratie)


def _build(bericht: UitgaandBericht) -> bytes:
    """The message as the database says now, validated against the official schema."""
    status = Vorderingstatus.objects.select_related("vordering__organisatie").get(pk=bericht.vorderingstatus_id)
    vordering = status.vordering
    element = build.build_di01_statuswijziging(
        eigen=eigen_systeem(), ontvanger=_ontvanger(bericht.koppeling),
        referentienummer=bericht.referentienummer, tijdstip=status.datum_en_tijd,
        wijzigingen=[stuf.VorderingStatusWijziging(
            vorderingnummer=vordering.vorderingnummer, tsa=vordering.tsa,
            status=stuf.Vorderingstatus(
                status=status.status, datum_en_tijd=status.datum_en_tijd, totaal_betaald=status.totaal_betaald,
                deel_bedrag_betaald=status.deel_bedrag_betaald, opmerkingen=status.opmerkingen),
            vorderende_organisatie=stuf.VorderendeOrganisatie(
                nnp_id=vordering.organisatie.rsin, statutaire_naam=vordering.organisatie.naam),
        )],
    )
    fouten = schema_fouten(element, proces_schema())
    if fouten:
        raise ValueError("Bericht voldoet niet aan het schema: " + "; ".join(fouten))
    return soap.envelope(element)


def _post(koppeling: Koppeling, inhoud: bytes, soapaction: str) -> Uitkomst:
    auth = (koppeling.uitgaand_gebruikersnaam, koppeling.uitgaand_wachtwoord) \
        if koppeling.uitgaand_gebruikersnaam else None
    try:
        response = requests.post(
            koppeling.url, data=inhoud, auth=auth,
            headers={"Content-Type": soap.SOAP_CONTENT_TYPE, "SOAPAction": f'"{soapaction}"'},
            timeout=(settings.STUF_UITGAAND_CONNECT_TIMEOUT, settings.STUF_UITGAAND_READ_TIMEOUT),
        )
    except requests.RequestException as exc:
        return Uitkomst(UitgaandStatus.WACHTEND, fout=f"{type(exc).__name__}: {exc}")
    antwoord = _answer(response.content)
    if isinstance(antwoord, stuf.Bevestiging) and response.status_code == 200:
        return Uitkomst(UitgaandStatus.AFGELEVERD, antwoord=response.content, http_status=200)
    if isinstance(antwoord, stuf.Foutbericht) and antwoord.berichtcode:
        # The TSA refused the message with a StUF fault: not retried, but resendable.
        return Uitkomst(UitgaandStatus.MISLUKT, foutcode=antwoord.code[:10],
                        fout=f"{antwoord.omschrijving}: {antwoord.details}".strip(": "),
                        antwoord=response.content, http_status=response.status_code)
    return Uitkomst(UitgaandStatus.WACHTEND, fout=f"HTTP {response.status_code} zonder StUF-antwoord",
                    antwoord=response.content[:10000], http_status=response.status_code)


def _answer(content: bytes):
    try:
        return parse_answer(parse_xml(content))
    except Exception:  # noqa: BLE001  (anything unreadable counts as "no StUF answer")
        return None


def backoff(pogingen: int) -> float:
    """Exponential backoff with full jitter, in seconds."""
    plafond = min(settings.STUF_UITGAAND_BACKOFF_MAX, settings.STUF_UITGAAND_BACKOFF_BASIS * 2 ** (pogingen - 1))
    return random.uniform(plafond / 2, plafond)


def _record(bericht: UitgaandBericht, uitkomst: Uitkomst, inhoud: bytes, *, duur: float) -> str:
    nu = timezone.now()
    with transaction.atomic():
        bericht = UitgaandBericht.objects.select_for_update().select_related("koppeling").get(pk=bericht.pk)
        if bericht.status != UitgaandStatus.BEZIG:
            return bericht.status  # an operator or the sweep took it over meanwhile
        status = uitkomst.status
        if status == UitgaandStatus.WACHTEND:
            leeftijd = (nu - bericht.created_at).total_seconds()
            if leeftijd >= settings.STUF_UITGAAND_MAX_LEEFTIJD:
                status = UitgaandStatus.DOOD
            else:
                bericht.volgende_poging = nu + timezone.timedelta(seconds=backoff(bericht.pogingen))
        bericht.status = status
        bericht.bezig_sinds = None
        bericht.foutcode = uitkomst.foutcode
        bericht.laatste_fout = uitkomst.fout
        if status == UitgaandStatus.AFGELEVERD:
            bericht.afgeleverd_op = nu
        bericht.save()
        _log(bericht, uitkomst, inhoud, duur)
        if status == UitgaandStatus.AFGELEVERD:
            queue_on_commit(_next_for_vordering(bericht))
        elif status == UitgaandStatus.WACHTEND:
            countdown = max(0.0, (bericht.volgende_poging - nu).total_seconds())
            pk = bericht.pk
            transaction.on_commit(lambda: _retry_later(pk, countdown))
    if status != UitgaandStatus.AFGELEVERD:
        logger.warning("Uitgaand bericht %s naar %s: %s %s", bericht.referentienummer, bericht.koppeling,
                       status, uitkomst.fout)
    return status


def _retry_later(pk: int, countdown: float) -> None:
    from ..tasks import uitgaand_bericht_afleveren

    uitgaand_bericht_afleveren.apply_async((pk,), countdown=countdown)


def _next_for_vordering(bericht: UitgaandBericht) -> list[int]:
    if bericht.vordering_id is None:
        return []
    volgende = (
        UitgaandBericht.objects.filter(vordering_id=bericht.vordering_id, pk__gt=bericht.pk,
                                       status=UitgaandStatus.WACHTEND)
        .order_by("pk").values_list("pk", flat=True).first()
    )
    return [volgende] if volgende else []


def _log(bericht: UitgaandBericht, uitkomst: Uitkomst, inhoud: bytes, duur: float) -> None:
    k = bericht.koppeling
    Bericht.objects.create(
        richting=Richting.UIT, koppeling=k, soapaction=_soapaction(bericht),
        berichtsoort="Di01-verstrekVorderingStatusWijziging",
        zender_organisatie=eigen_systeem().organisatie,
        zender_applicatie=eigen_systeem().applicatie, zender_administratie=eigen_systeem().administratie,
        ontvanger="/".join(p for p in (k.organisatie, k.applicatie, k.administratie) if p)[:400],
        referentienummer=bericht.referentienummer, inhoud=inhoud.decode("utf-8", errors="replace"),
        antwoord=uitkomst.antwoord.decode("utf-8", errors="replace"),
        antwoordsoort={UitgaandStatus.AFGELEVERD: "Bv03", UitgaandStatus.MISLUKT: "Fo03"}.get(uitkomst.status, ""),
        foutcode=uitkomst.foutcode, foutmelding=uitkomst.fout, http_status=uitkomst.http_status,
        aantal_objecten=1, duur_ms=int(duur * 1000),
    )


# --- sweep and operator actions -----------------------------------------------------------------

def uitgaand_sweep(*, limiet: int = 1000) -> int:
    """Offer again what is stuck (worker lost mid-send) and queue what is due. Returns how many
    were queued. Safe to run often and concurrently: delivery claims each row itself."""
    nu = timezone.now()
    grens = nu - timezone.timedelta(seconds=settings.STUF_UITGAAND_VASTGELOPEN_NA)
    UitgaandBericht.objects.filter(status=UitgaandStatus.BEZIG, bezig_sinds__lt=grens).update(
        status=UitgaandStatus.WACHTEND, bezig_sinds=None, volgende_poging=nu,
        laatste_fout="Vastgelopen verzending opnieuw aangeboden")
    # The earliest due message per vordering (others wait for it), plus those without vordering.
    eerste = (
        UitgaandBericht.objects.onafgerond().exclude(vordering=None)
        .values("vordering_id").annotate(eerste=Min("pk")).values("eerste")
    )
    due = UitgaandBericht.objects.due(nu)
    ids = list(due.filter(pk__in=eerste).order_by("pk").values_list("pk", flat=True)[:limiet])
    ids += list(due.filter(vordering=None).order_by("pk").values_list("pk", flat=True)[: limiet - len(ids)])
    _queue(ids)
    return len(ids)


@transaction.atomic
def uitgaand_resend(*, berichten) -> int:
    """Operator action: offer failed or dead messages again (same referentienummer)."""
    ids = list(berichten.filter(status__in=[UitgaandStatus.MISLUKT, UitgaandStatus.DOOD,
                                            UitgaandStatus.GEANNULEERD]).values_list("pk", flat=True))
    UitgaandBericht.objects.filter(pk__in=ids).update(
        status=UitgaandStatus.WACHTEND, volgende_poging=timezone.now(), pogingen=0, foutcode="", laatste_fout="")
    queue_on_commit(ids)
    return len(ids)


@transaction.atomic
def uitgaand_cancel(*, berichten) -> int:
    """Operator action: give up on messages so later ones of the same vordering can go."""
    ids = list(berichten.filter(status__in=[UitgaandStatus.WACHTEND, UitgaandStatus.MISLUKT,
                                            UitgaandStatus.DOOD]).values_list("pk", flat=True))
    vorderingen = set(UitgaandBericht.objects.filter(pk__in=ids).values_list("vordering_id", flat=True))
    UitgaandBericht.objects.filter(pk__in=ids).update(status=UitgaandStatus.GEANNULEERD)
    volgende = [
        pk for v in vorderingen if v is not None
        for pk in [UitgaandBericht.objects.filter(vordering_id=v, status=UitgaandStatus.WACHTEND)
                   .order_by("pk").values_list("pk", flat=True).first()] if pk
    ]
    queue_on_commit(volgende)
    return len(ids)
