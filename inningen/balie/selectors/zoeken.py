"""The balie's single search box: recognise what was typed and search only where it can match.

Every result is limited to the user's organisations: a debtor is found only when they have a
claim of one of them, a claim only when it belongs to one of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, Value, When
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from inningen import betalingskenmerk as bk
from inningen.debiteuren.models import Debiteur, DebiteurRekening, Machtiging
from inningen.debiteuren.models.debiteur import fold, woorden
from inningen.grootboek.models import Vordering
from inningen.grootboek.selectors import debiteuren_for_user
from inningen.organisaties.selectors import organisatie_ids_for_user
from inningen.validators import is_valid_elfproef

PAGINA = 25
# A name search takes at most this many candidates per tier from the index before the scope
# check and the ranking: a common word ("van") matches tens of thousands (#19, besluiten).
MAX_KANDIDATEN = 1000
POSTCODE_HUISNUMMER = re.compile(
    r"^(?P<pc>[1-9]\d{3})\s*(?P<letters>[A-Za-z]{2})[\s,]*(?P<nr>\d{1,5})\s*[-\s]?"
    r"(?P<toev>[A-Za-z0-9]{0,4})$"
)
_SCHEIDING = re.compile(r"[\s.\-]")
# The words of the voorvoegsels (van der, in 't, op de...): not required when more is typed.
_VOORVOEGSEL_WOORDEN = frozenset(
    ("van", "der", "den", "de", "het", "in", "t", "op", "uit", "ter", "te", "von", "le", "la",
     "du", "d", "l")
)  # fmt: skip


@dataclass
class Zoekresultaat:
    q: str
    soort: str = ""  # human-readable: what the input was taken for
    kind: str = ""  # bsn_rsin, kvk, kenmerk, postcode, iban or tekst
    debiteuren: list[Debiteur] = field(default_factory=list)
    vorderingen: list[Vordering] = field(default_factory=list)
    pagina: int = 1
    heeft_volgende: bool = False
    # More name matches than MAX_KANDIDATEN: only the best-ranked candidates were looked at.
    afgekapt: bool = False

    @property
    def leeg(self) -> bool:
        return not self.debiteuren and not self.vorderingen

    @property
    def enige_debiteur(self) -> Debiteur | None:
        """The one hit of an exact identifier search, to go straight to the position."""
        if len(self.debiteuren) == 1 and not self.vorderingen and self.pagina == 1:
            return self.debiteuren[0]
        return None


def herken(q: str) -> tuple[str, dict]:
    """(kind, parameters) of the search input."""
    q = (q or "").strip()
    compact = _SCHEIDING.sub("", q)
    if compact.isdigit():
        if len(compact) == 9 and is_valid_elfproef(compact):
            return "bsn_rsin", {"nummer": compact}
        if len(compact) == 8:
            return "kvk", {"nummer": compact}
        if len(compact) == 16:
            return "kenmerk", {"kenmerk": compact}
    m = POSTCODE_HUISNUMMER.match(q)
    if m:
        return "postcode", {
            "postcode": f"{m['pc']}{m['letters'].upper()}",
            "huisnummer": int(m["nr"]),
            "toevoeging": m["toev"].upper(),
        }
    if re.match(r"^[A-Za-z]{2}\d{2}", compact):
        try:
            return "iban", {"iban": IBAN(compact).compact}
        except SchwiftyException:
            pass
    return "tekst", {"tekst": q}


def zoek(user, q: str, *, pagina: int = 1) -> Zoekresultaat:
    soort, p = herken(q)
    pagina = max(1, pagina)
    res = Zoekresultaat(q=(q or "").strip(), pagina=pagina, kind=soort)
    if not res.q:
        return res
    ids = organisatie_ids_for_user(user)
    scope = debiteuren_for_user(user, ids)
    vorderingen = Vordering.objects.filter(organisatie_id__in=ids).select_related(
        "organisatie", "debiteur"
    )
    deb_q = None
    volgorde: tuple[str, ...] = ("zoeknaam", "pk")
    exact_nummer: list[Debiteur] = []
    match soort:
        case "bsn_rsin":
            res.soort = "BSN of RSIN"
            deb_q = Q(bsn=p["nummer"]) | Q(rsin=p["nummer"]) | Q(debiteurnummer=p["nummer"])
            res.vorderingen = list(vorderingen.filter(vorderingnummer=p["nummer"])[:PAGINA])
        case "kvk":
            res.soort = "KvK-nummer"
            deb_q = Q(kvk_nummer=p["nummer"]) | Q(debiteurnummer=p["nummer"])
            res.vorderingen = list(vorderingen.filter(vorderingnummer=p["nummer"])[:PAGINA])
        case "kenmerk":
            res.soort = "betalingskenmerk"
            res.vorderingen = _op_kenmerk(vorderingen, p["kenmerk"])
            if not res.vorderingen:
                res.vorderingen = list(
                    vorderingen.filter(
                        Q(vorderingnummer=p["kenmerk"]) | Q(factuurnummer=p["kenmerk"])
                    )[:PAGINA]
                )
        case "postcode":
            res.soort = "postcode en huisnummer"
            deb_q = Q(postcode=p["postcode"], huisnummer=p["huisnummer"])
            if p["toevoeging"]:
                deb_q &= Q(huisletter__iexact=p["toevoeging"]) | Q(
                    huisnummertoevoeging__iexact=p["toevoeging"]
                )
        case "iban":
            res.soort = "IBAN"
            deb_q = Q(
                pk__in=DebiteurRekening.objects.filter(iban=p["iban"]).values("debiteur_id")
            ) | Q(
                pk__in=Machtiging.objects.filter(
                    iban=p["iban"], organisatie_id__in=ids, debiteur__isnull=False
                ).values("debiteur_id")
            )
        case _:
            res.soort = "naam, debiteurnummer, vorderingnummer of factuurnummer"
            tekst = p["tekst"]
            exact = Q(vorderingnummer=tekst) | Q(factuurnummer=tekst)
            if pagina == 1:
                res.vorderingen = list(vorderingen.filter(exact)[:PAGINA])
            if pagina == 1:
                exact_nummer = list(scope.filter(debiteurnummer=tekst))
            naam = naamvraag(tekst)
            if naam is not None:
                _naam_pagina(res, naam, ids, pagina)
    if deb_q is not None:
        start = (pagina - 1) * PAGINA
        gevonden = list(scope.filter(deb_q).order_by(*volgorde)[start : start + PAGINA + 1])
        res.heeft_volgende = len(gevonden) > PAGINA
        res.debiteuren = gevonden[:PAGINA]
    if exact_nummer:
        res.debiteuren = exact_nummer + [d for d in res.debiteuren if d not in exact_nummer]
    return res


@dataclass(frozen=True)
class Naamvraag:
    filter: Q
    relevantie: Case
    # Narrower filters, best first, ending with ``filter``: candidates are taken tier by tier.
    lagen: tuple[Q, ...] = ()


def _naam_pagina(res: Zoekresultaat, naam: Naamvraag, ids: list[int], pagina: int) -> None:
    """Fill ``res`` with a page of a name search: rank the candidates in Python, then check the
    scope (a claim of the user's organisations) in rank order, only as far as the page needs."""
    kandidaten, res.afgekapt = _kandidaten(naam)
    volgorde = sorted(kandidaten, key=lambda pk: (*kandidaten[pk], pk))
    nodig = pagina * PAGINA + 1
    binnen: list[int] = []
    stap = max(100, 2 * nodig)
    for i in range(0, len(volgorde), stap):
        blok = volgorde[i : i + stap]
        met_vordering = set(
            Vordering.objects.filter(organisatie_id__in=ids, debiteur_id__in=blok)
            .order_by()
            .values_list("debiteur_id", flat=True)
            .distinct()
        )
        binnen += [pk for pk in blok if pk in met_vordering]
        if len(binnen) >= nodig:
            break
    pks = binnen[(pagina - 1) * PAGINA : nodig]
    per_pk = Debiteur.objects.in_bulk(pks)
    gevonden = [per_pk[pk] for pk in pks if pk in per_pk]  # deleted in between: gone
    res.heeft_volgende = len(gevonden) > PAGINA
    res.debiteuren = gevonden[:PAGINA]


def _kandidaten(naam: Naamvraag) -> tuple[dict[int, tuple[int, str]], bool]:
    """At most MAX_KANDIDATEN debtors per tier, best tier first, as {pk: (rank, zoeknaam)},
    and whether a tier had more. No ORDER BY: the index hits come in the table's order, so the
    LIMIT stops the scan early (an ORDER BY pk could walk the whole primary key for a word that
    is rarer than estimated); the same data gives the same candidates, so pages stay
    consistent. When the whole filter has more, the tiers are read best first, up to the first
    tier that is cut off: lower tiers rank below its hits. The rank is computed here, on the
    rows the index scan reads anyway: looking 1,000 keys up again made PostgreSQL scan the whole
    table (#19)."""

    def lees(laag: Q) -> list[tuple[int, int, str]]:
        return list(
            Debiteur.objects.filter(laag)
            .annotate(_relevantie=naam.relevantie)
            .order_by()
            .values_list("pk", "_relevantie", "zoeknaam")[: MAX_KANDIDATEN + 1]
        )

    # Most searches match fewer than the cap: then the whole filter in one query is all.
    alles = lees(naam.filter)
    if len(alles) <= MAX_KANDIDATEN:
        return {pk: (rang, zn) for pk, rang, zn in alles}, False
    gevonden: dict[int, tuple[int, str]] = {}
    for laag in naam.lagen[:-1]:  # the last tier is the filter itself: read above
        rijen = lees(laag)
        gevonden.update((pk, (rang, zn)) for pk, rang, zn in rijen[:MAX_KANDIDATEN])
        if len(rijen) > MAX_KANDIDATEN:
            return gevonden, True
    gevonden.update((pk, (rang, zn)) for pk, rang, zn in alles[:MAX_KANDIDATEN])
    return gevonden, True


def naamvraag(tekst: str) -> Naamvraag | None:
    """Which debtors a name search finds, and in what order; None when there is too little
    to search on.

    Every word of the input must start a word of the name (zoekwoorden), in any order: "Hüseyin
    Öztürk", "Öztürk, H", "H. Öztürk" and "IJzerman" all find. A voorvoegsel ("van der") is not
    required next to other words, so "Heuvel" and "van Heuvel" find "van den Heuvel", but it
    ranks higher where it matches. Words of three letters or more also find inside a word
    ("jzerman"), ranked last. Ranks: 0 the whole family or company name as typed, 1 every word a
    whole word of the name, 2 every word (voorvoegsels too) a word start, 3 the required words
    word starts, 4 inside a word; by zoeknaam and pk within a rank, so pages do not overlap.
    """
    termen = woorden(tekst)
    verplicht = [t for t in termen if t not in _VOORVOEGSEL_WOORDEN] or termen
    if len("".join(verplicht)) < 2:
        return None
    woordstart = _alle(verplicht, lambda t: f" {t}")
    # Inside a word only from three letters: pg_trgm indexes no shorter substring.
    binnen = all(len(t) >= 3 for t in verplicht)
    gevonden = _alle(verplicht, lambda t: t) if binnen else woordstart
    heel = _alle(termen, lambda t: f" {t} ")
    volledig = sorted({fold(tekst), " ".join(termen), " ".join(verplicht)})
    rangen = [
        When(Q(zoeknaam__in=volledig) & heel, then=Value(0)),
        When(heel, then=Value(1)),
    ]
    if termen != verplicht:  # a voorvoegsel typed: where it matches too ranks higher
        rangen.append(When(_alle(termen, lambda t: f" {t}"), then=Value(2)))
    if binnen:  # otherwise every hit starts its words: no need to test again
        rangen.append(When(woordstart, then=Value(3)))
    relevantie = Case(*rangen, default=Value(4), output_field=IntegerField())
    # Tiers for the candidates: the name as typed, whole words, word starts, inside a word.
    lagen = (Q(zoeknaam__in=volledig) & heel, heel, woordstart) + ((gevonden,) if binnen else ())
    return Naamvraag(filter=gevonden, relevantie=relevantie, lagen=lagen)


def _alle(termen: list[str], patroon) -> Q:
    q = Q()
    for t in termen:
        q &= Q(zoekwoorden__contains=patroon(t))
    return q


def _op_kenmerk(vorderingen, kenmerk: str) -> list[Vordering]:
    decoded = bk.decode(kenmerk)
    if decoded is None:
        return []
    return list(vorderingen.filter(pk=decoded[0]))
