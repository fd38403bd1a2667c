"""Dutch formatting for the screens: amounts in integer cents and dates, exact and locale-free."""

import datetime as dt
import html as _html

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from inningen import bedragen, betalingskenmerk

register = template.Library()


@register.filter
def euro(cent) -> str:
    """Integer cents as "€ 1.234,56"; negative as "-€ 12,00"; empty for None. No floats."""
    return bedragen.euro(cent)


@register.filter
def datum(waarde) -> str:
    """A date (or datetime, in local time) as 22-11-2026."""
    if not waarde:
        return ""
    if isinstance(waarde, dt.datetime):
        if timezone.is_aware(waarde):
            waarde = timezone.localtime(waarde)
        waarde = waarde.date()
    return f"{waarde.day:02d}-{waarde.month:02d}-{waarde.year:04d}"


@register.filter
def datumtijd(waarde) -> str:
    """A datetime in local time as 22-11-2026 14:05."""
    if not waarde:
        return ""
    if not isinstance(waarde, dt.datetime):
        return datum(waarde)
    if timezone.is_aware(waarde):
        waarde = timezone.localtime(waarde)
    return f"{datum(waarde)} {waarde.hour:02d}:{waarde.minute:02d}"


@register.filter
def procent(honderdsten) -> str:
    """A percentage in hundredths (2100) as "21%", (950) as "9,5%"."""
    if honderdsten is None or honderdsten == "":
        return ""
    heel, rest = divmod(int(honderdsten), 100)
    return f"{heel}%" if not rest else f"{heel},{rest:02d}".rstrip("0") + "%"


@register.filter
def kenmerk(waarde: str) -> str:
    """A 16-digit betalingskenmerk in groups of four, as printed on invoices."""
    waarde = waarde or ""
    if len(waarde) != 16 or not waarde.isdigit():
        return waarde
    return betalingskenmerk.formatteer(waarde)


@register.filter
def postcode(waarde: str) -> str:
    return f"{waarde[:4]} {waarde[4:]}" if waarde and len(waarde) == 6 else (waarde or "")


@register.simple_tag
def optionele_url(naam, *args):
    """The URL of a named route, or "" when that route is not (yet) installed: navigation can
    point at screens of other modules without breaking when they are absent."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(naam, args=args)
    except NoReverseMatch:
        return ""


# --- large tables of the debtor position ---------------------------------------------------------
# A debtor with hundreds of claims makes thousands of template variable lookups; these rows are
# built in Python instead, every value escaped with html.escape (as autoescape would), to keep
# the page within its time budget.

ACHTERSTALLIG = ' <span class="label label-achterstallig">achterstallig</span>'


def _e(waarde) -> str:
    return _html.escape("" if waarde is None else str(waarde))


def _kort(tekst: str, n: int) -> str:
    tekst = tekst or ""
    return tekst if len(tekst) <= n else tekst[: n - 1] + "…"


@register.simple_tag
def vordering_rijen(vorderingen):
    # Five columns (number with description, organisation with TSA, due date with status,
    # amount, open) so that "Openstaand" stays in view at 1366 px and at 200% zoom (#19).
    rijen = []
    for v in vorderingen:
        factuur = ""
        if v.factuurnummer and v.factuurnummer != v.vorderingnummer:
            factuur = f" · factuur {_e(v.factuurnummer)}"
        rijen.append(
            f'<tr><th scope="row"><a href="{_e(v.url)}">{_e(v.vorderingnummer)}</a>'
            f'<br><span class="meta">{_e(_kort(v.algemene_factuuromschrijving, 60))}'
            f"{factuur}</span></th>"
            f'<td>{_e(v.organisatie.naam)}<br><span class="meta">{_e(v.tsa)}</span></td>'
            f'<td><span class="nowrap">{datum(v.vervaldatum)}</span>'
            f"{ACHTERSTALLIG if v.is_achterstallig else ''}"
            f'<br><span class="meta">{_e(v.status_label)}</span></td>'
            f'<td class="bedrag">{euro(v.totaalbedrag_incl_btw)}</td>'
            f'<td class="bedrag openstaand">{euro(v.openstaand_bedrag)}</td></tr>'
        )
    return mark_safe("\n".join(rijen))  # every value escaped above


@register.simple_tag
def betaling_rijen(vorderingen):
    rijen = []
    for v in vorderingen:
        for b in v.betalingen:
            bankpost = ""
            if b.betaling_id is not None:
                bp = b.betaling
                bankpost = f"{datum(bp.boekdatum)} · {_e(bp.naam)} · {euro(bp.bedrag)}"
            deel = _e(b.deel_label) + (" (termijn)" if b.termijn_id else "")
            rijen.append(
                f'<tr><td class="nowrap">{datum(b.boekdatum)}</td>'
                f'<td><a href="{_e(v.url)}">{_e(v.vorderingnummer)}</a></td>'
                f"<td>{_e(b.soort_label)}</td><td>{deel}</td>"
                f"<td>{_e(_kort(b.omschrijving, 60))}</td><td>{bankpost}</td>"
                f'<td class="bedrag">{euro(b.bedrag_incl_btw)}</td></tr>'
            )
    return mark_safe("\n".join(rijen))  # every value escaped above


@register.simple_tag
def tijdlijn_items(gebeurtenissen):
    items = []
    for g in gebeurtenissen:
        wanneer = datum(g.wanneer) if g.soort == "boeking" else datumtijd(g.wanneer)
        vordering = ""
        if g.vordering is not None and getattr(g.vordering, "url", ""):
            vordering = f' <a href="{_e(g.vordering.url)}">{_e(g.vordering.vorderingnummer)}</a>'
        door = f' <span class="meta">({_e(g.door)})</span>' if g.door else ""
        bedrag = euro(g.bedrag) if g.bedrag is not None else ""
        items.append(
            f'<li><span class="nowrap">{wanneer}</span>'
            f'<span class="soort">{_e(g.soort.capitalize())}{vordering}</span>'
            f'<span>{_e(g.omschrijving)}{door}</span><span class="bedrag">{bedrag}</span></li>'
        )
    return mark_safe("\n".join(items))  # every value escaped above


@register.simple_tag
def vordering_opties(vorderingen):
    return mark_safe(  # every value escaped
        "\n".join(
            f'<option value="{v.pk}">{_e(v.vorderingnummer)} ({_e(v.organisatie.naam)})</option>'
            for v in vorderingen
        )
    )
