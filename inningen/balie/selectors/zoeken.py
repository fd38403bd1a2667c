"""The balie's single search box: recognise what was typed and search only where it can match.

Every result is limited to the user's organisations: a debtor is found only when they have a
claim of one of them, a claim only when it belongs to one of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from inningen import betalingskenmerk as bk
from inningen.debiteuren.models import Debiteur, DebiteurRekening, Machtiging
from inningen.debiteuren.models.debiteur import fold
from inningen.grootboek.models import Vordering
from inningen.grootboek.selectors import debiteuren_for_user
from inningen.organisaties.selectors import organisatie_ids_for_user
from inningen.validators import is_valid_elfproef

PAGINA = 25
POSTCODE_HUISNUMMER = re.compile(
    r"^(?P<pc>[1-9]\d{3})\s*(?P<letters>[A-Za-z]{2})[\s,]*(?P<nr>\d{1,5})\s*[-\s]?"
    r"(?P<toev>[A-Za-z0-9]{0,4})$"
)
_SCHEIDING = re.compile(r"[\s.\-]")
_VOORVOEGSELS = sorted(
    ("van der", "van den", "van de", "van het", "van 't", "in 't", "op de", "in de", "uit de",
     "van", "den", "der", "de", "ter", "te", "'t", "het"),
    key=len, reverse=True,
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
            naam = _naam_prefix(tekst)
            if pagina == 1:
                exact_nummer = list(scope.filter(debiteurnummer=tekst))
            deb_q = _prefix(naam) if naam else None
    if deb_q is not None:
        start = (pagina - 1) * PAGINA
        gevonden = list(scope.filter(deb_q).order_by("zoeknaam", "pk")[start : start + PAGINA + 1])
        res.heeft_volgende = len(gevonden) > PAGINA
        res.debiteuren = gevonden[:PAGINA]
    if exact_nummer:
        res.debiteuren = exact_nummer + [d for d in res.debiteuren if d not in exact_nummer]
    return res


def _prefix(naam: str) -> Q:
    """zoeknaam starts with naam, also as a range on the ordinary index: the planner then
    reads only the matching part of the (ordered) index, even when it scans it for ORDER BY."""
    boven = naam[:-1] + chr(ord(naam[-1]) + 1)
    return Q(zoeknaam__gte=naam, zoeknaam__lt=boven, zoeknaam__startswith=naam)


def _naam_prefix(tekst: str) -> str:
    """Folded prefix of the family name: "van den Heuvel" and "Heuvel" both find "heuvel"."""
    naam = fold(tekst)
    for voorvoegsel in _VOORVOEGSELS:
        if naam.startswith(voorvoegsel + " "):
            naam = naam[len(voorvoegsel) + 1 :].strip()
            break
    return naam if len(naam) >= 2 else ""


def _op_kenmerk(vorderingen, kenmerk: str) -> list[Vordering]:
    decoded = bk.decode(kenmerk)
    if decoded is None:
        return []
    return list(vorderingen.filter(pk=decoded[0]))
