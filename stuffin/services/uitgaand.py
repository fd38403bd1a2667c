"""The transactional outbox: recording messages we owe external systems, and delivering them.

Recording happens in the transaction of the state change (a signal receiver); a Celery task is
queued on commit and only carries the receiver's id. A receiver is a StUF koppeling or a REST
client's abonnement (api.Abonnement, known here only through the foreign key: StUF never
imports the REST API). Delivery claims due rows (up to STUF_UITGAAND_BATCH changes travel in
one Di01, a "zending"; a notification always goes alone), builds the message from the database,
validates it (the XSD for StUF), posts it and records the outcome. Order is kept per receiver
and vordering. A periodic sweep re-queues anything due or stuck, so a lost task or a killed
worker never loses a message.
"""

import json
import logging
import os
import random
import time
import uuid
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from inningen.db.bulk import CopyRows
from inningen.grootboek.models import Vorderingstatus
from inningen.versleuteling import OntsleutelenMislukt
from inningen.wachtrij import na_commit, veilig_inplannen
from stuffin.identiteit import eigen_systeem
from stuffin.models import (
    Bericht,
    Koppeling,
    Koppelingsrol,
    Richting,
    TsaCode,
    UitgaandBericht,
    UitgaandSoort,
    UitgaandStatus,
)
from stuffin.models.uitgaand import BLOKKERENDE_STATUSSEN
from stuffin.stuf import berichten as stuf
from stuffin.stuf import build, soap
from stuffin.stuf.parse import parse_answer
from stuffin.stuf.xml import parse_xml, proces_schema, schema_fouten

logger = logging.getLogger(__name__)


def _queue(koppeling_ids, *, aantal: int = 1, countdown: float = 0) -> None:
    from stuffin.tasks import uitgaand_afleveren

    for koppeling_id in sorted(set(koppeling_ids)):
        for _ in range(aantal):
            uitgaand_afleveren.apply_async((koppeling_id,), countdown=countdown)


def _queue_abonnementen(abonnement_ids, *, aantal: int = 1, countdown: float = 0) -> None:
    from stuffin.tasks import notificaties_afleveren

    for abonnement_id in sorted(set(abonnement_ids)):
        for _ in range(aantal):
            notificaties_afleveren.apply_async((abonnement_id,), countdown=countdown)


def queue_on_commit(koppeling_ids) -> None:
    """Queue delivery once the outbox rows are committed; a broker that is down leaves them to
    the sweep (a warning), never failing what was committed."""
    koppeling_ids = set(koppeling_ids)
    if koppeling_ids:
        na_commit(lambda: _queue(koppeling_ids), wat="Aflevering van de outbox")


def notificaties_queue_on_commit(abonnement_ids) -> None:
    """As :func:`queue_on_commit`, for notifications to REST abonnementen."""
    abonnement_ids = set(abonnement_ids)
    if abonnement_ids:
        na_commit(lambda: _queue_abonnementen(abonnement_ids), wat="Aflevering van notificaties")


def _ontvanger(bericht: UitgaandBericht) -> dict[str, int]:
    """The receiver of a row as a filter: order, claiming and queueing are per receiver."""
    if bericht.abonnement_id is not None:
        return {"abonnement_id": bericht.abonnement_id}
    return {"koppeling_id": bericht.koppeling_id}


def _requeue(ontvanger: dict[str, int], *, countdown: float = 0) -> None:
    if "abonnement_id" in ontvanger:
        _queue_abonnementen([ontvanger["abonnement_id"]], countdown=countdown)
    else:
        _queue([ontvanger["koppeling_id"]], countdown=countdown)


def _queue_receivers_on_commit(ids) -> None:
    """Queue delivery for every receiver of the rows ``ids`` (operator actions)."""
    paren = set(
        UitgaandBericht.objects.filter(pk__in=ids).values_list("koppeling_id", "abonnement_id")
    )
    queue_on_commit({k for k, _ in paren if k is not None})
    notificaties_queue_on_commit({a for _, a in paren if a is not None})


# --- recording --------------------------------------------------------------------------------


def statuswijzigingen_enqueue(*, statussen: list[Vorderingstatus]) -> int:
    """One outbox row per status change the owning TSA wants (its TSA code, its status filter);
    returns how many. An invorderingsrun or a bank statement changes 100,000 statuses at once:
    on PostgreSQL the rows go in with one COPY of plain values, without model instances."""
    if not statussen:
        return 0
    codes = {s.vordering.tsa for s in statussen}
    eigenaars = {
        t.code: t.koppeling
        for t in TsaCode.objects.filter(code__in=codes).select_related("koppeling")
        if t.koppeling.actief and t.koppeling.url
    }
    nu = timezone.now()
    rijen = []
    for s in statussen:
        koppeling = eigenaars.get(s.vordering.tsa)
        if koppeling is not None and koppeling.wants_status(s.status):
            rijen.append((koppeling.pk, s.vordering_id, s.pk, uuid.uuid4().hex))
    if CopyRows.supported(UitgaandBericht):
        copy = CopyRows(UitgaandBericht, _OUTBOX_VELDEN)
        for koppeling_id, vordering_id, status_id, referentie in rijen:
            copy.add(
                UitgaandSoort.STATUSWIJZIGING.value, koppeling_id, vordering_id, status_id,
                referentie, nu,
            )  # fmt: skip
        copy.write()
    else:
        UitgaandBericht.objects.bulk_create(
            UitgaandBericht(
                soort=UitgaandSoort.STATUSWIJZIGING, koppeling_id=k, vordering_id=v,
                vorderingstatus_id=st, referentienummer=r, volgende_poging=nu,
            )
            for k, v, st, r in rijen
        )  # fmt: skip
    queue_on_commit({k for k, _, _, _ in rijen})
    return len(rijen)


_OUTBOX_VELDEN = (
    "soort",
    "koppeling_id",
    "vordering_id",
    "vorderingstatus_id",
    "referentienummer",
    "volgende_poging",
)


def verantwoording_enqueue(*, verantwoording) -> UitgaandBericht | None:
    """Outbox row for the financiële administratie of the verantwoording's organisation (the
    active koppeling with that role, an URL and this organisation). None when there is none:
    the verantwoording then stays available as CSV/XLSX export."""
    koppeling = (
        Koppeling.objects.filter(
            rol=Koppelingsrol.FINANCIELE_ADMINISTRATIE,
            actief=True,
            vorderende_organisaties=verantwoording.organisatie,
        )
        .exclude(url="")
        .order_by("pk")
        .first()
    )
    if koppeling is None:
        return None
    bericht = UitgaandBericht.objects.create(
        soort=UitgaandSoort.VERANTWOORDING,
        koppeling=koppeling,
        verantwoording=verantwoording,
        referentienummer=uuid.uuid4().hex,
        volgende_poging=timezone.now(),
    )
    queue_on_commit([koppeling.pk])
    return bericht


# --- delivery ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Uitkomst:
    status: str
    foutcode: str = ""
    fout: str = ""
    antwoord: bytes = b""
    http_status: int | None = None


def tijdslimieten() -> tuple[float, float]:
    """(soft, hard) time limit of a delivery task, in seconds. A row stays "bezig" while its
    worker sends; the sweep offers it again after STUF_UITGAAND_VASTGELOPEN_NA. The hard limit
    stays below that window (with a margin for the pool's timer and clocks), so no worker is
    still sending what the sweep offered again: the only duplicate a TSA can see is a resend of
    a message whose answer got lost, which its referentienummer de-duplicates."""
    venster = settings.STUF_UITGAAND_VASTGELOPEN_NA
    hard = min(venster - min(5.0, venster / 10), settings.CELERY_TASK_TIME_LIMIT)
    return hard - min(5.0, hard / 10), hard


def _budget() -> float:
    """How long a task starts new zendingen: the last one may still take a whole send (connect
    plus read timeout) before the soft limit."""
    zacht, _ = tijdslimieten()
    per_zending = settings.STUF_UITGAAND_CONNECT_TIMEOUT + settings.STUF_UITGAAND_READ_TIMEOUT
    return max(0.0, zacht - per_zending)


def uitgaand_deliver(
    *,
    koppeling_id: int | None = None,
    abonnement_id: int | None = None,
    budget: float | None = None,
    zelf_inplannen: bool = True,
) -> int:
    """Deliver what is due for one receiver (a koppeling or an abonnement), zending after
    zending; returns how many changes went out. Concurrent calls share the work (rows are
    claimed with SKIP LOCKED). When the time budget is used up it queues itself again, so other
    receivers get their turn.

    ``zelf_inplannen=False`` (in-process, without a broker): queue nothing, neither the rest nor
    retries. An eager task queued from itself runs inside itself, so a large backlog recursed
    until RecursionError; here the loop is bounded by the budget and the sweep takes the rest."""
    if (koppeling_id is None) == (abonnement_id is None):
        raise ValueError("Geef een koppeling of een abonnement.")
    ontvanger = (
        {"koppeling_id": koppeling_id}
        if abonnement_id is None
        else {"abonnement_id": abonnement_id}
    )
    budget = _budget() if budget is None else budget
    start = time.monotonic()
    aantal = 0
    while aantal == 0 or time.monotonic() - start < budget:
        rows = next((rows for pk in _candidates(ontvanger) if (rows := _claim(pk))), None)
        if rows is None:
            return aantal
        _deliver(rows, zelf_inplannen=zelf_inplannen)
        aantal += len(rows)
    if zelf_inplannen:
        veilig_inplannen(lambda: _requeue(ontvanger), wat="Vervolg van de aflevering")
    return aantal


def _candidates(ontvanger: dict[str, int], limiet: int = 20) -> list[int]:
    """Due rows that head their queue (no earlier open change of the same vordering for the
    same receiver), oldest first. Per receiver: a StUF change the TSA refused does not hold up
    the notification of a REST client, nor the other way round."""
    eerste_open = (
        UitgaandBericht.objects.onafgerond()
        .filter(vordering_id=OuterRef("vordering_id"), **ontvanger)
        .order_by("pk")
        .values("pk")[:1]
    )
    return list(
        UitgaandBericht.objects.due(timezone.now())
        .filter(**ontvanger)
        .annotate(eerste_open=Subquery(eerste_open))
        .filter(Q(vordering=None) | Q(pk=F("eerste_open")))
        .order_by("pk")
        .values_list("pk", flat=True)[:limiet]
    )


def _deliver(rows: list[UitgaandBericht], *, zelf_inplannen: bool = True) -> str:
    start = time.perf_counter()
    if rows[0].soort == UitgaandSoort.NOTIFICATIE:
        inhoud, uitkomst = _notificatie_send(rows[0])
        return _record(
            rows, uitkomst, inhoud, duur=time.perf_counter() - start, zelf_inplannen=zelf_inplannen
        )
    try:
        inhoud = _build(rows)
    except ValueError as exc:
        # Our own message is not valid: retrying cannot help; an operator must look at it.
        uitkomst = Uitkomst(UitgaandStatus.MISLUKT, foutcode="XSD", fout=str(exc))
        inhoud = b""
    else:
        uitkomst = _post(rows[0].koppeling, inhoud, _soapaction(rows[0]))
    return _record(
        rows, uitkomst, inhoud, duur=time.perf_counter() - start, zelf_inplannen=zelf_inplannen
    )


def _claim(bericht_id: int) -> list[UitgaandBericht]:
    """Take a due, pending row and the rest of its zending, or start a new zending with up to
    STUF_UITGAAND_BATCH fresh rows of the same koppeling (a notification: itself only). A row
    only goes when nothing earlier of its vordering for the same receiver is still open outside
    the zending (delivery order per receiver and vordering)."""
    nu = timezone.now()
    base = UitgaandBericht.objects.select_for_update(skip_locked=True, of=("self",))
    with transaction.atomic():
        leider = base.filter(
            pk=bericht_id, status=UitgaandStatus.WACHTEND, volgende_poging__lte=nu
        ).first()
        if leider is None:
            return []
        if leider.zending:
            rows = list(
                base.filter(zending=leider.zending, status=UitgaandStatus.WACHTEND).order_by("pk")
            )
        elif leider.soort == UitgaandSoort.NOTIFICATIE:
            rows = [leider]  # one POST is one notification (VNG Notificaties API)
        else:
            kandidaten = base.filter(
                koppeling_id=leider.koppeling_id,
                soort=leider.soort,
                status=UitgaandStatus.WACHTEND,
                zending="",
                volgende_poging__lte=nu,
                pk__gt=leider.pk,
            ).order_by("pk")[: max(0, settings.STUF_UITGAAND_BATCH - 1)]
            rows = [leider, *kandidaten]
        rows = _unblocked(rows)
        if leider.pk not in {r.pk for r in rows}:
            return []
        zending = leider.zending or leider.referentienummer
        UitgaandBericht.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=UitgaandStatus.BEZIG, bezig_sinds=nu, pogingen=F("pogingen") + 1, zending=zending
        )
    return list(
        UitgaandBericht.objects.select_related(
            "koppeling",
            "abonnement__client",
            "vorderingstatus__vordering__organisatie",
            "verantwoording__organisatie",
        )
        .prefetch_related("verantwoording__regels")
        .filter(pk__in=[r.pk for r in rows])
        .order_by("pk")
    )


def _unblocked(rows: list[UitgaandBericht]) -> list[UitgaandBericht]:
    """The rows that may go now: every open earlier row of the same vordering for the same
    receiver is in the batch (all rows of a batch share the receiver). A retried zending goes
    whole or not at all (its message must stay identical)."""
    vorderingen = {r.vordering_id for r in rows if r.vordering_id is not None}
    open_per_vordering: dict[int, list[int]] = {}
    for vordering_id, pk in (
        UitgaandBericht.objects.filter(
            vordering_id__in=vorderingen, status__in=BLOKKERENDE_STATUSSEN, **_ontvanger(rows[0])
        )
        .order_by("pk")
        .values_list("vordering_id", "pk")
    ):
        open_per_vordering.setdefault(vordering_id, []).append(pk)
    gekozen: set[int] = set()
    result = []
    for row in rows:
        eerder = [pk for pk in open_per_vordering.get(row.vordering_id, []) if pk < row.pk]
        if all(pk in gekozen for pk in eerder):
            gekozen.add(row.pk)
            result.append(row)
        elif row.zending:
            return []
    return result


_SOAPACTIONS = {
    UitgaandSoort.STATUSWIJZIGING: soap.SOAPACTION_DI01_STATUSWIJZIGING,
    UitgaandSoort.VERANTWOORDING: soap.SOAPACTION_DI01_FINANCIELE_VERANTWOORDING,
}
_BERICHTSOORTEN = {
    UitgaandSoort.STATUSWIJZIGING: "Di01-verstrekVorderingStatusWijziging",
    UitgaandSoort.VERANTWOORDING: "Di01-verstrekFinancieleVerantwoording",
    UitgaandSoort.NOTIFICATIE: "Notificatie-vorderingstatussen",
}


def _soapaction(bericht: UitgaandBericht) -> str:
    return _SOAPACTIONS[bericht.soort]


def _stuf_ontvanger(koppeling: Koppeling) -> stuf.Systeem:
    return stuf.Systeem(
        organisatie=koppeling.organisatie,
        applicatie=koppeling.applicatie,
        administratie=koppeling.administratie,
    )


def _wijziging(bericht: UitgaandBericht) -> stuf.VorderingStatusWijziging:
    status = bericht.vorderingstatus
    vordering = status.vordering
    return stuf.VorderingStatusWijziging(
        vorderingnummer=vordering.vorderingnummer,
        tsa=vordering.tsa,
        status=stuf.Vorderingstatus(
            status=status.status,
            datum_en_tijd=status.datum_en_tijd,
            totaal_betaald=status.totaal_betaald,
            deel_bedrag_betaald=status.deel_bedrag_betaald,
            opmerkingen=status.opmerkingen,
        ),
        vorderende_organisatie=stuf.VorderendeOrganisatie(
            nnp_id=vordering.organisatie.rsin, statutaire_naam=vordering.organisatie.naam
        ),
    )


def _financiele_verantwoording(bericht: UitgaandBericht) -> stuf.FinancieleVerantwoording:
    fvw = bericht.verantwoording
    return stuf.FinancieleVerantwoording(
        verantwoordingsnummer=str(fvw.verantwoordingsnummer),
        datum_en_tijd=fvw.datum_en_tijd,
        begindatum=fvw.begindatum,
        einddatum=fvw.einddatum,
        omschrijving=fvw.omschrijving,
        boekingen=[
            stuf.Boeking(
                boekingssleutel=r.boekingssleutel,
                bedrag_incl_btw=r.bedrag_incl_btw,
                bedrag_excl_btw=r.bedrag_excl_btw,
                bedrag_btw=r.bedrag_btw,
            )
            for r in fvw.regels.all()
        ],
        vorderende_organisatie=stuf.VorderendeOrganisatie(
            nnp_id=fvw.organisatie.rsin, statutaire_naam=fvw.organisatie.naam
        ),
    )


def _build(rows: list[UitgaandBericht]) -> bytes:
    """The message as the database says now, validated against the official schema. Its
    tijdstipBericht is fixed by the zending's first row, so a resend is byte-identical."""
    eerste = rows[0]
    if eerste.soort == UitgaandSoort.VERANTWOORDING:
        element = build.build_di01_financiele_verantwoording(
            eigen=eigen_systeem(),
            ontvanger=_stuf_ontvanger(eerste.koppeling),
            referentienummer=eerste.zending,
            tijdstip=eerste.verantwoording.datum_en_tijd,
            verantwoordingen=[_financiele_verantwoording(r) for r in rows],
        )
    else:
        element = build.build_di01_statuswijziging(
            eigen=eigen_systeem(),
            ontvanger=_stuf_ontvanger(eerste.koppeling),
            referentienummer=eerste.zending,
            tijdstip=eerste.vorderingstatus.datum_en_tijd,
            wijzigingen=[_wijziging(r) for r in rows],
        )
    fouten = schema_fouten(element, proces_schema())
    if fouten:
        raise ValueError("Bericht voldoet niet aan het schema: " + "; ".join(fouten))
    return soap.envelope(element)


_sessies: dict[int, requests.Session] = {}


def _session() -> requests.Session:
    """One keep-alive session per (forked) worker process."""
    pid = os.getpid()
    if pid not in _sessies:
        _sessies[pid] = requests.Session()
    return _sessies[pid]


def _post(koppeling: Koppeling, inhoud: bytes, soapaction: str) -> Uitkomst:
    try:
        auth = (
            (koppeling.uitgaand_gebruikersnaam, koppeling.uitgaand_wachtwoord)
            if koppeling.uitgaand_gebruikersnaam
            else None
        )
    except OntsleutelenMislukt as exc:
        # A removed or rotated key: retrying cannot help, an operator must act (new key or
        # password); the row shows why and can be resent.
        return Uitkomst(UitgaandStatus.MISLUKT, foutcode="SLEUTEL", fout=str(exc))
    try:
        response = _session().post(
            koppeling.url,
            data=inhoud,
            auth=auth,
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
        return Uitkomst(
            UitgaandStatus.MISLUKT,
            foutcode=antwoord.code[:10],
            fout=f"{antwoord.omschrijving}: {antwoord.details}".strip(": "),
            antwoord=response.content,
            http_status=response.status_code,
        )
    return Uitkomst(
        UitgaandStatus.WACHTEND,
        fout=f"HTTP {response.status_code} zonder StUF-antwoord",
        antwoord=response.content[:10000],
        http_status=response.status_code,
    )


def _answer(content: bytes):
    try:
        return parse_answer(parse_xml(content, streng=False))
    except Exception:
        return None


# --- notifications to REST abonnementen (VNG Notificaties API shape) ------------------------------

KANAAL_VORDERINGSTATUSSEN = "vorderingstatussen"


def _notificatie(bericht: UitgaandBericht) -> dict:
    """The notification as the database says now. "create" for the claim's first status (its
    registration), "update" for every later one."""
    status = bericht.vorderingstatus
    vordering = status.vordering
    url = f"{settings.INNINGEN_BASIS_URL}/api/v1/vorderingen/{vordering.uuid}"
    eerste = not Vorderingstatus.objects.filter(
        vordering_id=vordering.pk, pk__lt=status.pk
    ).exists()
    return {
        "kanaal": KANAAL_VORDERINGSTATUSSEN,
        "hoofdObject": url,
        "resource": "vordering",
        "resourceUrl": url,
        "actie": "create" if eerste else "update",
        "aanmaakdatum": timezone.localtime(status.datum_en_tijd).isoformat(),
        "kenmerken": {
            "status": status.status,
            "vorderingnummer": vordering.vorderingnummer,
            "tsaCode": vordering.tsa,
        },
    }


def _niet_verstuurd(foutcode: str, fout: str) -> tuple[bytes, Uitkomst]:
    return b"", Uitkomst(UitgaandStatus.MISLUKT, foutcode=foutcode, fout=fout)


def _notificatie_send(bericht: UitgaandBericht) -> tuple[bytes, Uitkomst]:
    """Check that the receiver may still have it, build it, POST it. Who may receive it is
    checked again at send time: a subscription ended, a client revoked or moved out of the
    claim's scope since the change was recorded gets nothing (resendable once put right)."""
    abonnement = bericht.abonnement
    client = abonnement.client
    vordering = bericht.vorderingstatus.vordering
    if not abonnement.actief:
        return _niet_verstuurd("INACTIEF", "Abonnement is beëindigd; niet verstuurd")
    if not client.actief:
        return _niet_verstuurd("INACTIEF", f"API-client {client} is ingetrokken; niet verstuurd")
    codes = set(client.tsa_codes.values_list("code", flat=True))
    # The scope name is the REST API's contract (api.models.Scope), spelled out: stuffin does
    # not import the API. A notification tells a claim's status, for readers only.
    mag_lezen = "vorderingen.lezen" in (client.scopes or [])
    if (
        not mag_lezen
        or vordering.organisatie_id != client.organisatie_id
        or (codes and vordering.tsa not in codes)
    ):
        return _niet_verstuurd(
            "SCOPE", f"Vordering valt niet (meer) in de scope van API-client {client}"
        )
    inhoud = json.dumps(_notificatie(bericht), ensure_ascii=False).encode()
    return inhoud, _post_json(abonnement, inhoud)


def _post_json(abonnement, inhoud: bytes) -> Uitkomst:
    try:
        auth = abonnement.auth
    except OntsleutelenMislukt as exc:
        return Uitkomst(UitgaandStatus.MISLUKT, foutcode="SLEUTEL", fout=str(exc))
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = auth
    try:
        response = _session().post(
            abonnement.callback_url,
            data=inhoud,
            headers=headers,
            # A redirect is a wrong callback URL, not something to follow with the credential.
            allow_redirects=False,
            timeout=(settings.STUF_UITGAAND_CONNECT_TIMEOUT, settings.STUF_UITGAAND_READ_TIMEOUT),
        )
    except requests.RequestException as exc:
        return Uitkomst(UitgaandStatus.WACHTEND, fout=f"{type(exc).__name__}: {exc}")
    code = response.status_code
    antwoord = response.content[:10000]
    if 200 <= code < 300:
        return Uitkomst(UitgaandStatus.AFGELEVERD, antwoord=antwoord, http_status=code)
    if code in (408, 429) or code >= 500:
        # Busy or down: retried with backoff, as a StUF message.
        return Uitkomst(
            UitgaandStatus.WACHTEND, fout=f"HTTP {code}", antwoord=antwoord, http_status=code
        )
    # Refused (4xx) or redirected (3xx): retrying cannot help; resendable by an operator.
    return Uitkomst(
        UitgaandStatus.MISLUKT,
        foutcode=f"HTTP{code}",
        fout=f"HTTP {code}: {response.text[:500]}".strip(": "),
        antwoord=antwoord,
        http_status=code,
    )


def backoff(pogingen: int) -> float:
    """Exponential backoff with full jitter, in seconds."""
    plafond = min(
        settings.STUF_UITGAAND_BACKOFF_MAX,
        settings.STUF_UITGAAND_BACKOFF_BASIS * 2 ** (pogingen - 1),
    )
    return random.uniform(plafond / 2, plafond)


def _record(
    rows: list[UitgaandBericht],
    uitkomst: Uitkomst,
    inhoud: bytes,
    *,
    duur: float,
    zelf_inplannen: bool = True,
) -> str:
    nu = timezone.now()
    eerste = rows[0]
    status = uitkomst.status
    velden = {
        "status": status,
        "bezig_sinds": None,
        "foutcode": uitkomst.foutcode,
        "laatste_fout": uitkomst.fout,
    }
    if status == UitgaandStatus.WACHTEND:
        if (
            nu - min(r.created_at for r in rows)
        ).total_seconds() >= settings.STUF_UITGAAND_MAX_LEEFTIJD:
            status = velden["status"] = UitgaandStatus.DOOD
        else:
            velden["volgende_poging"] = nu + timezone.timedelta(seconds=backoff(eerste.pogingen))
    elif status == UitgaandStatus.AFGELEVERD:
        velden["afgeleverd_op"] = nu
    with transaction.atomic():
        # Only rows still ours: an operator or the sweep may have taken them over meanwhile.
        if not UitgaandBericht.objects.filter(
            pk__in=[r.pk for r in rows], status=UitgaandStatus.BEZIG
        ).update(**velden):
            return UitgaandBericht.objects.values_list("status", flat=True).get(pk=eerste.pk)
        _log(rows, uitkomst, inhoud, duur)
        if status == UitgaandStatus.WACHTEND and zelf_inplannen:
            countdown = max(0.0, (velden["volgende_poging"] - nu).total_seconds())
            ontvanger = _ontvanger(eerste)
            na_commit(lambda: _requeue(ontvanger, countdown=countdown), wat="Nieuwe afleverpoging")
    if status != UitgaandStatus.AFGELEVERD:
        logger.warning(
            "Zending %s (%d wijziging(en)) naar %s: %s %s",
            eerste.zending,
            len(rows),
            eerste.koppeling or eerste.abonnement,
            status,
            uitkomst.fout,
        )
    return status


def _log(rows: list[UitgaandBericht], uitkomst: Uitkomst, inhoud: bytes, duur: float) -> None:
    """The berichtenlog entry of a send: the evidence of what went to whom and what came back.
    A notification has no koppeling; its receiver is the abonnement's client and URL."""
    eerste = rows[0]
    eigen = eigen_systeem()
    if eerste.soort == UitgaandSoort.NOTIFICATIE:
        k = None
        abonnement = eerste.abonnement
        ontvanger = f"{abonnement.client} {abonnement.callback_url}"
        soapaction = ""
        antwoordsoort = f"HTTP {uitkomst.http_status}" if uitkomst.http_status else ""
    else:
        k = eerste.koppeling
        ontvanger = "/".join(p for p in (k.organisatie, k.applicatie, k.administratie) if p)
        soapaction = _soapaction(eerste)
        antwoordsoort = {
            UitgaandStatus.AFGELEVERD: "Bv03",
            UitgaandStatus.MISLUKT: "Fo03",
        }.get(uitkomst.status, "")
    Bericht.objects.create(
        richting=Richting.UIT,
        koppeling=k,
        soapaction=soapaction,
        berichtsoort=_BERICHTSOORTEN[eerste.soort],
        zender_organisatie=eigen.organisatie,
        zender_applicatie=eigen.applicatie,
        zender_administratie=eigen.administratie,
        ontvanger=ontvanger[:400],
        referentienummer=eerste.zending,
        inhoud=inhoud.decode("utf-8", errors="replace"),
        antwoord=uitkomst.antwoord.decode("utf-8", errors="replace"),
        antwoordsoort=antwoordsoort,
        foutcode=uitkomst.foutcode,
        foutmelding=uitkomst.fout,
        http_status=uitkomst.http_status,
        aantal_objecten=len(rows),
        duur_ms=int(duur * 1000),
    )


# --- sweep and operator actions -----------------------------------------------------------------


def uitgaand_sweep() -> int:
    """Offer again what is stuck (worker lost mid-send) and queue delivery for every receiver
    (koppeling or abonnement) with something due: one task per STUF_UITGAAND_BATCH due changes,
    at most four, so several workers can share a backlog. Safe to run often and concurrently;
    returns tasks queued."""
    nu = timezone.now()
    grens = nu - timezone.timedelta(seconds=settings.STUF_UITGAAND_VASTGELOPEN_NA)
    UitgaandBericht.objects.filter(status=UitgaandStatus.BEZIG, bezig_sinds__lt=grens).update(
        status=UitgaandStatus.WACHTEND,
        bezig_sinds=None,
        volgende_poging=nu,
        laatste_fout="Vastgelopen verzending opnieuw aangeboden",
    )
    taken = 0
    for koppeling_id, abonnement_id, aantal in (
        UitgaandBericht.objects.due(nu)
        .values("koppeling_id", "abonnement_id")
        .annotate(n=Count("pk"))
        .values_list("koppeling_id", "abonnement_id", "n")
        .order_by()
    ):
        parallel = min(4, -(-aantal // settings.STUF_UITGAAND_BATCH))
        if abonnement_id is not None:
            _queue_abonnementen([abonnement_id], aantal=parallel)
        else:
            _queue([koppeling_id], aantal=parallel)
        taken += parallel
    return taken


def _whole_zendingen(berichten):
    """A zending is one message: acting on part of it would change it under the same
    referentienummer, so operator actions always take whole zendingen."""
    zendingen = berichten.exclude(zending="").values("zending")
    return UitgaandBericht.objects.filter(
        Q(pk__in=berichten.values("pk")) | Q(zending__in=zendingen)
    )


@transaction.atomic
def uitgaand_resend(*, berichten) -> int:
    """Operator action: offer failed or dead messages again (same referentienummer)."""
    berichten = _whole_zendingen(berichten)
    ids = list(
        berichten.filter(
            status__in=[UitgaandStatus.MISLUKT, UitgaandStatus.DOOD, UitgaandStatus.GEANNULEERD]
        ).values_list("pk", flat=True)
    )
    UitgaandBericht.objects.filter(pk__in=ids).update(
        status=UitgaandStatus.WACHTEND,
        volgende_poging=timezone.now(),
        pogingen=0,
        foutcode="",
        laatste_fout="",
    )
    _queue_receivers_on_commit(ids)
    return len(ids)


@transaction.atomic
def uitgaand_cancel(*, berichten) -> int:
    """Operator action: give up on messages so later ones of the same vordering can go."""
    berichten = _whole_zendingen(berichten)
    ids = list(
        berichten.filter(
            status__in=[UitgaandStatus.WACHTEND, UitgaandStatus.MISLUKT, UitgaandStatus.DOOD]
        ).values_list("pk", flat=True)
    )
    UitgaandBericht.objects.filter(pk__in=ids).update(status=UitgaandStatus.GEANNULEERD)
    # Later changes of the same vorderingen may go now.
    _queue_receivers_on_commit(ids)
    return len(ids)
