"""Lists of the balie and the work lists (#19): sortable, filterable and exportable, declared once.

A :class:`Lijst` names its columns (header, sort key, export value), its default order and its
filters; :meth:`Lijst.toepassen` reads ``?sort=`` and the filter form from the request and gives a
:class:`Weergave` with the filtered, sorted rows, the headers for ``balie/_lijstkop.html``, the
filter form for ``balie/_lijstfilter.html`` and, for ``?export=csv|xlsx``, the whole list as a
spreadsheet through inningen/csvbestand.py (formula-safe).

Sorting is a whitelist: only a column's own key is accepted, anything else falls back to the
default order, and every order ends with the primary key so pages never overlap. A source may be
a QuerySet (sorted and filtered in the database) or a list of rows (done in Python, for
aggregated lists such as the credits); the same ``a__b`` paths serve both.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import DateTimeField, Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import urlencode

from inningen.csvbestand import CsvBestand, XlsxBestand
from inningen.organisaties.selectors import organisaties_for_user
from inningen.verwerkingen.services import (
    DOEL_INVORDERING,
    verwerking_log,
    verwerking_log_tegenpartijen,
)

EXPORTFORMATEN = ("csv", "xlsx")


@dataclass(frozen=True)
class Kolom:
    """One column: ``sorteer`` is the ORM path (or attribute path for a list) it sorts on, None
    when it does not sort; ``waarde`` gives the exported value of a row, None when the column is
    not exported (actions, checkboxes)."""

    naam: str
    kop: str
    sorteer: str | None = None
    waarde: Callable[[Any], Any] | None = None
    bedrag: bool = False  # integer cents: exported as euros
    klasse: str = ""
    kop_verborgen: bool = False  # the header is for screen readers only (action columns)


@dataclass
class Lijst:
    naam: str  # file name of the export
    titel: str  # sheet title, region label
    kolommen: list[Kolom]
    standaard: tuple = ("pk",)  # the default order (as before #19), pk last
    organisatie: str | None = None  # path to the organisation's pk: adds the organisation filter
    datum: str | None = None  # path to a date/datetime: adds van/tot
    datum_label: str = "Datum"
    status: str | None = None  # path to a status: adds a status choice
    statussen: tuple = ()  # (value, label) of the status choice
    status_standaard: tuple = ()  # the statuses shown when none is chosen (empty: all)
    status_label: str = "Status"
    tekst: tuple = ()  # paths searched (icontains, any of them) by the text field
    tekst_label: str = "Zoeken"
    # The debtors (natural persons are logged) and the counterparties (naam, iban) of a row, for
    # the verwerkingenlogging of an export.
    personen: Callable[[Any], Iterable] | None = None
    tegenpartijen: Callable[[Any], Iterable[tuple[str, str]]] | None = None

    def kolom(self, naam: str) -> Kolom | None:
        return next((k for k in self.kolommen if k.naam == naam and k.sorteer), None)

    def toepassen(self, request, bron) -> "Weergave":
        form = FilterForm(request.GET, lijst=self, user=request.user)
        sort = request.GET.get("sort", "")
        kolom = self.kolom(sort.removeprefix("-"))
        if kolom is None:
            sort = ""
        rijen = form.filter(bron)
        rijen = _sorteer(rijen, self.standaard, kolom, aflopend=sort.startswith("-"))
        export = request.GET.get("export")
        return Weergave(
            lijst=self,
            request=request,
            form=form,
            rijen=rijen,
            sort=sort,
            export=export if export in EXPORTFORMATEN else "",
        )


@dataclass
class Weergave:
    lijst: Lijst
    request: Any
    form: "FilterForm"
    rijen: Any  # QuerySet or list, filtered and sorted
    sort: str
    export: str = ""
    _pagina: Any = field(default=None, repr=False)

    def _parameters(self, **anders) -> str:
        """The current filters and order as a query string (no page, no export)."""
        params = [
            (k, v)
            for k in self.request.GET
            if k not in ("pagina", "export", "sort", *anders)
            for v in self.request.GET.getlist(k)
            if v != ""
        ]
        sort = anders.get("sort", self.sort)
        if sort:
            params.append(("sort", sort))
        return urlencode(params)

    @property
    def querystring(self) -> str:
        return self._parameters()

    @property
    def export_csv(self) -> str:
        return "?" + "&".join(p for p in (self.querystring, "export=csv") if p)

    @property
    def export_xlsx(self) -> str:
        return "?" + "&".join(p for p in (self.querystring, "export=xlsx") if p)

    @property
    def koppen(self) -> list[dict]:
        """Per column: the header, and for a sortable one the link that sorts on it (ascending
        first, then the other way) and its aria-sort."""
        result = []
        for k in self.lijst.kolommen:
            kop = {"kolom": k, "url": "", "aria_sort": "", "richting": ""}
            if k.sorteer:
                if self.sort == k.naam:
                    kop["aria_sort"], kop["richting"] = "ascending", "oplopend"
                    volgende = f"-{k.naam}"
                elif self.sort == f"-{k.naam}":
                    kop["aria_sort"], kop["richting"] = "descending", "aflopend"
                    volgende = k.naam
                else:
                    volgende = k.naam
                kop["url"] = "?" + self._parameters(sort=volgende)
            result.append(kop)
        return result

    @property
    def aantal(self) -> int:
        if self._pagina is not None:
            return self._pagina.paginator.count
        return self.rijen.count() if isinstance(self.rijen, QuerySet) else len(self.rijen)

    def pagina(self, per_pagina: int = 50):
        if self._pagina is None:
            self._pagina = Paginator(self.rijen, per_pagina).get_page(
                self.request.GET.get("pagina")
            )
        return self._pagina

    # --- export ---------------------------------------------------------------------------------

    def _alle_rijen(self):
        if isinstance(self.rijen, QuerySet):
            return self.rijen.iterator(chunk_size=2000)
        return iter(self.rijen)

    def export_response(self, *, doel: str = DOEL_INVORDERING) -> HttpResponse:
        """Every row of the filtered, sorted list (not only the page) as CSV or XLSX; the
        debtors (natural persons) and counterparties in it are logged, one row per person."""
        exporteerbaar = [k for k in self.lijst.kolommen if k.waarde]
        kop = [f"{k.kop} (EUR)" if k.bedrag else k.kop for k in exporteerbaar]
        debiteuren: dict[int, Any] = {}
        tegenpartijen: list[tuple[str, str]] = []
        xlsx = self.export == "xlsx"
        bestand = XlsxBestand(self.lijst.titel) if xlsx else CsvBestand()
        if xlsx:
            bestand.append(kop, vet=True)
        else:
            bestand.writerow(kop)
        for rij in self._alle_rijen():
            waarden = [_exportwaarde(k, k.waarde(rij), xlsx=xlsx) for k in exporteerbaar]
            if xlsx:
                bestand.append(waarden)
            else:
                bestand.writerow(waarden)
            if self.lijst.personen:
                debiteuren.update((d.pk, d) for d in self.lijst.personen(rij) if d is not None)
            if self.lijst.tegenpartijen:
                tegenpartijen.extend(self.lijst.tegenpartijen(rij))
        activiteit = f"export {self.lijst.titel.lower()} ({self.export.upper()})"
        user = self.request.user
        verwerking_log(user=user, debiteuren=debiteuren.values(), doel=doel, activiteit=activiteit)
        verwerking_log_tegenpartijen(
            user=user, tegenpartijen=tegenpartijen, doel=doel, activiteit=activiteit
        )
        naam = f"{self.lijst.naam}-{timezone.localdate():%Y%m%d}.{self.export}"
        if xlsx:
            for i, k in enumerate(exporteerbaar, start=1):
                if k.bedrag:
                    bestand.getalopmaak("#,##0.00", min_row=2, min_col=i, max_col=i)
            response = HttpResponse(
                bestand.inhoud(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        else:
            response = HttpResponse(bestand.tekst(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{naam}"'
        return response


def _exportwaarde(kolom: Kolom, waarde, *, xlsx: bool):
    if waarde is None:
        return ""
    if kolom.bedrag and isinstance(waarde, int):
        euros = Decimal(waarde) / 100
        # CSV for Dutch Excel: a decimal comma (csvbestand leaves "-12,34" alone as a number).
        return euros if xlsx else f"{euros:.2f}".replace(".", ",")
    if isinstance(waarde, dt.datetime):
        waarde = timezone.localtime(waarde) if timezone.is_aware(waarde) else waarde
        return waarde.replace(tzinfo=None) if xlsx else f"{waarde:%d-%m-%Y %H:%M}"
    if isinstance(waarde, dt.date):
        return waarde if xlsx else f"{waarde:%d-%m-%Y}"
    if isinstance(waarde, bool):
        return "ja" if waarde else "nee"
    if isinstance(waarde, int | Decimal):
        return waarde
    return str(waarde)


# --- paths, sorting and filtering of a list of rows ----------------------------------------------


def pad(rij, pad: str):
    """``a__b`` of a row object (the ORM path read in Python)."""
    for deel in pad.split("__"):
        if rij is None:
            return None
        rij = rij.get(deel) if isinstance(rij, dict) else getattr(rij, deel, None)
    return rij


def _sorteer(rijen, standaard: tuple, kolom: Kolom | None, *, aflopend: bool):
    if isinstance(rijen, QuerySet):
        if kolom is None:
            return rijen.order_by(*standaard)
        veld = f"-{kolom.sorteer}" if aflopend else kolom.sorteer
        return rijen.order_by(veld, "-pk" if aflopend else "pk")
    if kolom is None:
        return list(rijen)  # a list comes in its default order
    # pk as tie-break; None sorts first ascending (as NULLS FIRST), last descending.
    return sorted(
        rijen,
        key=lambda r: (_sleutel(pad(r, kolom.sorteer)), _sleutel(pad(r, "pk"))),
        reverse=aflopend,
    )


def _sleutel(waarde):
    if waarde is None:
        return (0, "")
    if isinstance(waarde, str):
        return (1, waarde.casefold())
    return (1, waarde)


class FilterForm(forms.Form):
    """The GET filter form of a list, built from its declaration. An invalid field shows its
    error and filters nothing; the valid ones still apply."""

    def __init__(self, data, *, lijst: Lijst, user):
        # Every field is optional: an unfiltered list shows no errors.
        super().__init__(data, auto_id="filter-%s")
        self.lijst = lijst
        if lijst.tekst:
            self.fields["q"] = forms.CharField(
                label=lijst.tekst_label, required=False, max_length=100, strip=True
            )
        if lijst.organisatie:
            self._organisaties = list(organisaties_for_user(user).order_by("naam"))
            if len(self._organisaties) > 1:
                self.fields["organisatie"] = forms.TypedChoiceField(
                    label="Organisatie",
                    required=False,
                    coerce=int,
                    empty_value=None,
                    choices=[("", "Alle"), *((o.pk, o.naam) for o in self._organisaties)],
                )
        if lijst.status:
            # One default status (a tab, as the bank work list): no "all".
            alle = [] if len(lijst.status_standaard) == 1 else [("", "Alle")]
            self.fields["status"] = forms.ChoiceField(
                label=lijst.status_label, required=False, choices=[*alle, *lijst.statussen]
            )
        if lijst.datum:
            self.fields["van"] = forms.DateField(
                label=f"{lijst.datum_label} vanaf",
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                input_formats=["%Y-%m-%d", "%d-%m-%Y"],
                error_messages={"invalid": "Vul een geldige datum in (dd-mm-jjjj)."},
            )
            self.fields["tot"] = forms.DateField(
                label=f"{lijst.datum_label} tot en met",
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                input_formats=["%Y-%m-%d", "%d-%m-%Y"],
                error_messages={"invalid": "Vul een geldige datum in (dd-mm-jjjj)."},
            )

    def clean(self):
        data = super().clean()
        van, tot = data.get("van"), data.get("tot")
        if van and tot and van > tot:
            self.add_error("tot", "De einddatum ligt vóór de begindatum.")
        return data

    @property
    def heeft_velden(self) -> bool:
        return bool(self.fields)

    def waarden(self) -> dict:
        if not self.is_valid():  # cleaned_data still holds the valid fields
            for naam in self.errors:
                if naam in self.fields:
                    self.fields[naam].widget.attrs.update(
                        {"aria-invalid": "true", "aria-describedby": f"filter-{naam}-fout"}
                    )
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def gekozen_status(self) -> str:
        return self.waarden().get("status") or (
            self.lijst.status_standaard[0] if len(self.lijst.status_standaard) == 1 else ""
        )

    def filter(self, bron):
        lijst, w = self.lijst, self.waarden()
        statussen = [w["status"]] if w.get("status") else list(lijst.status_standaard)
        if isinstance(bron, QuerySet):
            if "q" in w:
                bron = bron.filter(_of(Q(**{f"{p}__icontains": w["q"]}) for p in lijst.tekst))
            if "organisatie" in w:
                bron = bron.filter(**{lijst.organisatie: w["organisatie"]})
            if lijst.status and statussen:
                bron = bron.filter(**{f"{lijst.status}__in": statussen})
            if "van" in w:
                bron = bron.filter(
                    **{
                        f"{lijst.datum}__date__gte"
                        if _is_tijd(bron, lijst.datum)
                        else f"{lijst.datum}__gte": w["van"]
                    }
                )
            if "tot" in w:
                bron = bron.filter(
                    **{
                        f"{lijst.datum}__date__lte"
                        if _is_tijd(bron, lijst.datum)
                        else f"{lijst.datum}__lte": w["tot"]
                    }
                )
            return bron
        rijen = list(bron)
        if "q" in w:
            zoek = w["q"].casefold()
            rijen = [
                r
                for r in rijen
                if any(zoek in str(pad(r, p) or "").casefold() for p in lijst.tekst)
            ]
        if "organisatie" in w:
            rijen = [r for r in rijen if pad(r, lijst.organisatie) == w["organisatie"]]
        if lijst.status and statussen:
            rijen = [r for r in rijen if pad(r, lijst.status) in statussen]
        if "van" in w or "tot" in w:
            rijen = [
                r for r in rijen if _in_periode(pad(r, lijst.datum), w.get("van"), w.get("tot"))
            ]
        return rijen


def _of(delen) -> Q:
    q = Q()
    for deel in delen:
        q |= deel
    return q


def _is_tijd(qs: QuerySet, pad_: str) -> bool:
    model = qs.model
    *relaties, laatste = pad_.split("__")
    for r in relaties:
        model = model._meta.get_field(r).related_model
    return isinstance(model._meta.get_field(laatste), DateTimeField)


def _in_periode(waarde, van, tot) -> bool:
    if waarde is None:
        return False
    if isinstance(waarde, dt.datetime):
        waarde = timezone.localtime(waarde).date() if timezone.is_aware(waarde) else waarde.date()
    return (van is None or waarde >= van) and (tot is None or waarde <= tot)
