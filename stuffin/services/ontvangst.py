"""Receiving StUF messages on our SOAP endpoints: the checks StUF 03.01 prescribes on the
stuurgegevens, idempotency on referentienummer, schema validation, the business service, the
answer and the berichtenlog. Views only hand over the HTTP request and return what comes back."""

import logging
import time
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from lxml import etree

from inningen.db.bulk import insert_bound, rijen_insert
from stuffin.identiteit import eigen_systeem, is_eigen_systeem
from stuffin.models import Bericht, Koppeling, Koppelingsrol, Richting
from stuffin.selectors import vorderingen_for_vraag
from stuffin.services.verstrek_vordering import verstrek_vordering_process
from stuffin.stuf import build, soap
from stuffin.stuf.berichten import Stuurgegevens, Systeem
from stuffin.stuf.fouten import Foutcode, StufFout, XmlFout
from stuffin.stuf.parse import parse_di01_verstrek_vordering, parse_stuurgegevens, parse_vrd_lv01
from stuffin.stuf.xml import (
    lees_tekst,
    parse_tekst,
    parse_xml,
    proces_schema,
    validate_or_raise,
    vraag_antwoord_schema,
)

logger = logging.getLogger(__name__)

FIN = "{http://www.egem.nl/StUF/sector/fin/0310}"
DI01_VERSTREK_VORDERING = FIN + "Di01-verstrekVordering"
VRD_LV01 = FIN + "vrdLv01"

# Every SOAPAction of the StUF-FIN WSDLs, to tell "unknown" (StUF022) from "not here" (StUF025).
KNOWN_SOAPACTIONS = {
    soap.SOAPACTION_DI01_VERSTREK_VORDERING,
    soap.SOAPACTION_DI01_STATUSWIJZIGING,
    soap.SOAPACTION_DI01_FINANCIELE_VERANTWOORDING,
    soap.SOAPACTION_VRD_LV01,
    soap.SOAPACTION_BV03,
    soap.SOAPACTION_FO03,
}


@dataclass(slots=True)
class Antwoord:
    status: int
    inhoud: bytes
    foutcode: str = ""  # the StUF fault code of a fault answer (views log it, not as an error)


def referentienummer_new() -> str:
    return uuid.uuid4().hex


@dataclass
class _Ontvangst:
    """State of one inbound message while it is handled."""

    koppeling: Koppeling
    body: bytes
    soapaction: str
    berichtsoort: str
    start: float
    stuurgegevens: Stuurgegevens | None = None
    aantal: int = 0
    tekst: str | None = None  # the message's characters, once decoded (lees_tekst)

    def inhoud(self) -> str:
        """What the berichtenlog stores: the characters as received; bytes that are no text in
        any encoding we read escaped (PostgreSQL text holds no NUL)."""
        if self.tekst is None:
            try:
                self.tekst = lees_tekst(self.body)
            except XmlFout:
                return self.body.decode("utf-8", errors="backslashreplace").replace("\x00", "\\x00")
        return self.tekst

    def log(
        self,
        *,
        antwoord: bytes,
        antwoordsoort: str,
        status: int,
        fout: StufFout | None = None,
        inhoud_hash: str = "",
    ) -> Bericht:
        sg = self.stuurgegevens
        zender = sg.zender if sg else Systeem()
        ontvanger = sg.ontvanger if sg else Systeem()
        return Bericht(
            richting=Richting.IN,
            koppeling=self.koppeling,
            soapaction=self.soapaction[:200],
            berichtsoort=self.berichtsoort,
            zender_organisatie=zender.organisatie[:200],
            zender_applicatie=zender.applicatie[:50],
            zender_administratie=zender.administratie[:50],
            zender_gebruiker=zender.gebruiker[:100],
            ontvanger="/".join(
                p
                for p in (ontvanger.organisatie, ontvanger.applicatie, ontvanger.administratie)
                if p
            )[:400],
            referentienummer=(sg.referentienummer if sg else "")[:80],
            crossrefnummer=(sg.crossrefnummer if sg else "")[:80],
            inhoud=self.inhoud(),
            inhoud_hash=inhoud_hash,
            antwoord=antwoord.decode("utf-8"),
            antwoordsoort=antwoordsoort,
            foutcode=fout.code.code if fout else "",
            foutmelding=fout.details if fout else "",
            http_status=status,
            aantal_objecten=self.aantal,
            duur_ms=self.duur_ms(),
        )

    def duur_ms(self) -> int:
        return int((time.perf_counter() - self.start) * 1000)


def _check_soapaction(soapaction: str, verwacht: str) -> None:
    if soapaction == verwacht:
        return
    if not soapaction:
        raise StufFout(Foutcode.STUF022, f"SOAPAction ontbreekt; verwacht {verwacht}.")
    if soapaction in KNOWN_SOAPACTIONS:
        raise StufFout(
            Foutcode.STUF025,
            f"SOAPAction {soapaction} wordt op dit endpoint niet ondersteund; verwacht {verwacht}.",
        )
    raise StufFout(Foutcode.STUF022, f"Onbekende SOAPAction {soapaction}; verwacht {verwacht}.")


def _check_root(element, verwacht: str) -> None:
    if element.tag != verwacht:
        naam = etree.QName(element)
        raise StufFout(
            Foutcode.STUF025,
            f"Bericht {naam.localname} ({naam.namespace}) wordt op dit endpoint "
            f"niet ondersteund; verwacht {etree.QName(verwacht).localname}.",
        )


def _check_stuurgegevens(
    sg: Stuurgegevens,
    koppeling: Koppeling,
    *,
    berichtcode: str,
    functie: str = "",
    entiteittype: str = "",
) -> None:
    """The StUF 03.01 Tabel 4.1 checks, in the table's order (only the first is reported)."""
    if not is_eigen_systeem(sg.ontvanger):
        eigen = eigen_systeem()
        raise StufFout(
            Foutcode.STUF010,
            f"Ontvanger {sg.ontvanger.organisatie}/{sg.ontvanger.applicatie}/"
            f"{sg.ontvanger.administratie} is niet dit systeem "
            f"({eigen.organisatie}/{eigen.applicatie}/{eigen.administratie}).",
        )
    zender = sg.zender
    # The rule of Koppeling.objects.for_zender, applied to the authenticated koppeling in memory:
    # a query per message only when it does not match (to tell STUF052 from STUF013).
    if not (
        koppeling.applicatie == zender.applicatie
        and koppeling.organisatie in ("", zender.organisatie)
        and koppeling.administratie in ("", zender.administratie)
    ):
        past = Koppeling.objects.for_zender(
            organisatie=zender.organisatie,
            applicatie=zender.applicatie,
            administratie=zender.administratie,
        )
        code = Foutcode.STUF052 if past.exists() else Foutcode.STUF013
        raise StufFout(
            code,
            f"Zender {zender.organisatie}/{zender.applicatie}/{zender.administratie} hoort "
            f"niet bij de geauthenticeerde koppeling {koppeling}.",
        )
    if sg.berichtcode != berichtcode:
        raise StufFout(
            Foutcode.STUF025, f"Berichtcode {sg.berichtcode}; dit endpoint verwerkt {berichtcode}."
        )
    if entiteittype and sg.entiteittype != entiteittype:
        raise StufFout(
            Foutcode.STUF031, f"Entiteittype {sg.entiteittype}; verwacht {entiteittype}."
        )
    if functie and sg.functie != functie:
        raise StufFout(Foutcode.STUF037, f"Functie {sg.functie}; verwacht {functie}.")
    if koppeling.rol != Koppelingsrol.TSA:
        raise StufFout(Foutcode.STUF052, f"Koppeling {koppeling} heeft niet de rol TSA.")


def _parse_body(ontvangst: _Ontvangst, verwacht: str):
    ontvangst.tekst = lees_tekst(ontvangst.body)
    root = parse_xml(ontvangst.body, tekst=ontvangst.tekst)
    element = soap.unwrap_envelope(root)
    _check_root(element, verwacht)
    sg_el = element.find(FIN + "stuurgegevens")
    if sg_el is not None:
        ontvangst.stuurgegevens = parse_stuurgegevens(sg_el)
    if ontvangst.stuurgegevens is None:
        raise StufFout(Foutcode.STUF055, "Het bericht heeft geen FIN:stuurgegevens.")
    return element


def _fallback_stuurgegevens(ontvangst: _Ontvangst, berichtcode: str) -> Stuurgegevens:
    """For faults before the stuurgegevens could be read: address the authenticated koppeling."""
    if ontvangst.stuurgegevens is not None:
        return ontvangst.stuurgegevens
    k = ontvangst.koppeling
    return Stuurgegevens(
        berichtcode=berichtcode,
        ontvanger=eigen_systeem(),
        zender=Systeem(
            organisatie=k.organisatie, applicatie=k.applicatie, administratie=k.administratie
        ),
    )


def verstrek_vordering_receive(*, body: bytes, soapaction: str, koppeling: Koppeling) -> Antwoord:
    """Verstrek Vordering: Bv03 when every claim is stored, else a SOAP fault with Fo03."""
    ontvangst = _Ontvangst(
        koppeling=koppeling,
        body=body,
        soapaction=soapaction,
        berichtsoort="Di01-verstrekVordering",
        start=time.perf_counter(),
    )
    # The raw request's digest: cheap, and equal for a byte-identical resend. Only when it
    # differs does _replay compare canonical forms (see there).
    inhoud_hash = Bericht.hash_inhoud(body)
    element = None
    try:
        _check_soapaction(soapaction, soap.SOAPACTION_DI01_VERSTREK_VORDERING)
        element = _parse_body(ontvangst, DI01_VERSTREK_VORDERING)
        sg = ontvangst.stuurgegevens
        _check_stuurgegevens(sg, koppeling, berichtcode="Di01", functie="verstrekVordering")
        eerder = _accepted(sg)
        if eerder is not None:
            return _replay(ontvangst, eerder, inhoud_hash, element)
        validate_or_raise(element, proces_schema())
        bericht = parse_di01_verstrek_vordering(element)
        ontvangst.aantal = len(bericht.vorderingen)
        antwoord = soap.envelope(
            build.build_bv03(
                ontvangen=sg,
                eigen=eigen_systeem(),
                referentienummer=referentienummer_new(),
                tijdstip=timezone.now(),
            )
        )
        with transaction.atomic():
            # The log row reserves zender + referentienummer (unique index) first, in the same
            # transaction as the claims: of two concurrent identical deliveries the second
            # waits here for the first and is then answered as a resend, never with FIN001.
            log = ontvangst.log(
                antwoord=antwoord, antwoordsoort="Bv03", status=200, inhoud_hash=inhoud_hash
            )
            insert_bound(log)  # the raw message, up to the body limit, as a parameter
            vorderingen = verstrek_vordering_process(bericht=bericht, koppeling=koppeling)
            # COPY on PostgreSQL: a plain row per claim, up to thousands per message.
            rijen_insert(
                Bericht.vorderingen.through,
                ("bericht_id", "vordering_id"),
                [(log.pk, v.pk) for v in vorderingen],
            )
            Bericht.objects.filter(pk=log.pk).update(duur_ms=ontvangst.duur_ms())
        return Antwoord(200, antwoord)
    except IntegrityError:
        # A concurrent identical delivery won the race: answer as for a resend.
        eerder = _accepted(ontvangst.stuurgegevens)
        if eerder is None:
            raise
        return _replay(ontvangst, eerder, inhoud_hash, element)
    except StufFout as fout:
        return _fault(ontvangst, fout, soort="Fo03", inhoud_hash=inhoud_hash)
    except Exception:
        return _interne_fout(ontvangst, soort="Fo03", inhoud_hash=inhoud_hash)


def _interne_fout(ontvangst: _Ontvangst, *, soort: str, inhoud_hash: str = "") -> Antwoord:
    """A real error of ours (a bug, the database gone): logged at ERROR with its traceback, and
    answered as transient, so the caller offers the message again."""
    logger.exception(
        "Onverwachte fout bij het verwerken van een StUF-bericht van %s", ontvangst.koppeling
    )
    code = Foutcode.STUF046 if soort == "Fo03" else Foutcode.STUF058
    fout = StufFout(code, "Interne fout; het bericht is niet verwerkt. Bied het later opnieuw aan.")
    try:
        return _fault(ontvangst, fout, soort=soort, inhoud_hash=inhoud_hash)
    except Exception:
        # Logging the fault failed too (the database is gone): the answer still goes out.
        logger.exception("Foutbericht niet in de berichtenlog gezet")
        inhoud = fault_without_message(code=code, details=fout.details, soort=soort)
        return Antwoord(500, inhoud, foutcode=code.code)


def _accepted(sg: Stuurgegevens) -> Bericht | None:
    z = sg.zender
    return Bericht.objects.filter(
        richting=Richting.IN,
        antwoordsoort="Bv03",
        zender_organisatie=z.organisatie,
        zender_applicatie=z.applicatie,
        zender_administratie=z.administratie,
        zender_gebruiker=z.gebruiker,
        referentienummer=sg.referentienummer,
    ).first()


def _same_message(eerder: Bericht, inhoud_hash: str, element) -> bool:
    """Identical means the same StUF body: a resend may come in another envelope (other SOAP
    headers, whitespace), so a differing raw digest is settled by comparing canonical forms."""
    if eerder.inhoud_hash == inhoud_hash:
        return True
    try:
        vorig = soap.unwrap_envelope(parse_tekst(eerder.inhoud))
    except StufFout:
        return False
    return etree.tostring(vorig, method="c14n") == etree.tostring(element, method="c14n")


def _replay(ontvangst: _Ontvangst, eerder: Bericht, inhoud_hash: str, element) -> Antwoord:
    """StUF 03.01 §4.4: an identical resend gets the same answer again and changes nothing; a
    different message under a used referentienummer gets StUF016."""
    if not _same_message(eerder, inhoud_hash, element):
        fout = StufFout(
            Foutcode.STUF016,
            f"Referentienummer {eerder.referentienummer} is al gebruikt voor een "
            f"ander bericht (ontvangen {eerder.tijdstip:%Y-%m-%d %H:%M:%S}).",
        )
        return _fault(ontvangst, fout, soort="Fo03", inhoud_hash=inhoud_hash)
    antwoord = eerder.antwoord.encode("utf-8")
    insert_bound(
        ontvangst.log(
            antwoord=antwoord, antwoordsoort="Bv03-herhaald", status=200, inhoud_hash=inhoud_hash
        )
    )
    return Antwoord(200, antwoord)


def _fault(ontvangst: _Ontvangst, fout: StufFout, *, soort: str, inhoud_hash: str = "") -> Antwoord:
    soort = fout.soort or soort
    if soort == "Fo02":
        fout_el = build.build_fo02(fout=fout)
    else:
        fout_el = build.build_fo03(
            fout=fout,
            ontvangen=_fallback_stuurgegevens(ontvangst, "Di01"),
            eigen=eigen_systeem(),
            referentienummer=referentienummer_new(),
            tijdstip=timezone.now(),
        )
    inhoud = soap.fault_envelope(fout_el, plek=fout.plek, omschrijving=fout.omschrijving)
    insert_bound(
        ontvangst.log(
            antwoord=inhoud, antwoordsoort=soort, status=500, fout=fout, inhoud_hash=inhoud_hash
        )
    )
    # A fault is an answer, not an error of ours: INFO for the caller's, WARNING for our side.
    logger.log(
        logging.INFO if fout.plek == "client" else logging.WARNING,
        "StUF %s %s van %s: %s",
        soort,
        fout.code.code,
        ontvangst.koppeling,
        fout.details,
    )
    return Antwoord(500, inhoud, foutcode=fout.code.code)


def vrd_lv01_receive(*, body: bytes, soapaction: str, koppeling: Koppeling) -> Antwoord:
    """Verstrek Vorderingstatus: vrdLa01 in the question's scope, or a SOAP fault with Fo02."""
    ontvangst = _Ontvangst(
        koppeling=koppeling,
        body=body,
        soapaction=soapaction,
        berichtsoort="vrdLv01",
        start=time.perf_counter(),
    )
    try:
        _check_soapaction(soapaction, soap.SOAPACTION_VRD_LV01)
        element = _parse_body(ontvangst, VRD_LV01)
        _check_stuurgegevens(
            ontvangst.stuurgegevens, koppeling, berichtcode="Lv01", entiteittype="VRD"
        )
        validate_or_raise(element, vraag_antwoord_schema())
        vraag = parse_vrd_lv01(element)
        vorderingen, vervolg = vorderingen_for_vraag(vraag=vraag, koppeling=koppeling)
        ontvangst.aantal = len(vorderingen)
        antwoord = soap.envelope(
            build.build_vrd_la01(
                vraag=vraag,
                eigen=eigen_systeem(),
                vorderingen=vorderingen,
                referentienummer=referentienummer_new(),
                tijdstip=timezone.now(),
                melding="StUF0002: Meer objecten gevraagd dan teruggegeven" if vervolg else None,
                indicator_vervolgvraag=vervolg,
            )
        )
        ontvangst.log(antwoord=antwoord, antwoordsoort="La01", status=200).save()
        return Antwoord(200, antwoord)
    except StufFout as fout:
        return _fault(ontvangst, fout, soort="Fo02")
    except Exception:
        return _interne_fout(ontvangst, soort="Fo02")


def fault_without_message(*, code: Foutcode, details: str, soort: str = "Fo03") -> bytes:
    """A SOAP fault for requests that never reached StUF handling (wrong method, too large)."""
    fout = StufFout(code, details)
    if soort == "Fo02":
        fout_el = build.build_fo02(fout=fout)
    else:
        fout_el = build.build_fo03(
            fout=fout,
            ontvangen=None,
            eigen=eigen_systeem(),
            referentienummer=referentienummer_new(),
            tijdstip=timezone.now(),
        )
    return soap.fault_envelope(fout_el, plek=code.plek, omschrijving=code.omschrijving)
