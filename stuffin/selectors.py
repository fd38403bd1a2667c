"""Reads for the StUF endpoints: claims as the StUF dataclasses the answer builders take."""

from django.db.models import Prefetch
from django.utils import timezone

from inningen.choices import Boekingsoort
from inningen.models import Boeking, Debiteur, Termijn, Vordering, Vorderingsregel

from .models import Koppeling
from .stuf import berichten as stuf
from .stuf.fouten import Foutcode, StufFout

# Ledger kinds that are money received from (or returned to) the debtor.
BETAALSOORTEN = (Boekingsoort.BETALING, Boekingsoort.STORNO, Boekingsoort.TERUGBETALING)
# Our own ceiling on objects per answer (StUF 03.01: answer fewer and say StUF0002).
MAX_ANTWOORD = 100


def vorderingen_for_vraag(
    *, vraag: stuf.VorderingVraag, koppeling: Koppeling
) -> tuple[list[stuf.Vordering], bool]:
    """Claims matching a vrdLv01 (gelijk on vorderingnummer) that this koppeling may see: its own
    TSA codes and vorderende organisaties only. Unknown or not its own: FIN014 (Fo02)."""
    if not vraag.vorderingnummer:
        raise StufFout(
            Foutcode.STUF055,
            "vrdLv01 zonder FIN:gelijk/FIN:vorderingnummer wordt niet ondersteund.",
            soort="Fo02",
        )
    maximum = min(vraag.maximum_aantal or MAX_ANTWOORD, MAX_ANTWOORD)
    # The koppeling's TSA codes and organisations go in as values, not as subqueries: two
    # semi-joins next to the select_related joins make PostgreSQL spend ~5 ms planning a query
    # that runs in 0.3 ms. (The related claim is not joined: the answer only needs its number.)
    tsa_codes = list(koppeling.tsa_codes.values_list("code", flat=True))
    organisaties = list(koppeling.vorderende_organisaties.values_list("pk", flat=True))
    qs = (
        Vordering.objects.filter(
            vorderingnummer=vraag.vorderingnummer,
            tsa__in=tsa_codes,
            organisatie__in=organisaties,
        )
        .select_related("organisatie", "debiteur", "organisatorische_eenheid", "machtiging")
        .prefetch_related(
            # Ordered by volgnummer only: the models' default ordering starts with the claim's
            # own (creatiedatum, pk), which joins inningen_vordering into every prefetch query.
            Prefetch("regels", queryset=Vorderingsregel.objects.order_by("volgnummer")),
            "btw_totaalregels",
            Prefetch("termijnen", queryset=Termijn.objects.order_by("volgnummer")),
            Prefetch(
                "boekingen",
                queryset=Boeking.objects.filter(soort__in=BETAALSOORTEN).order_by(
                    "created_at", "pk"
                ),
                to_attr="betalingen",
            ),
        )
        .order_by("pk")
    )
    rows = list(qs[: maximum + 1])
    if not rows:
        raise StufFout(
            Foutcode.FIN014,
            f"Vordering {vraag.vorderingnummer} is onbekend of niet van deze koppeling.",
            soort="Fo02",
        )
    vervolg = len(rows) > maximum
    nu = timezone.now()
    return [vordering_as_stuf(v, peilmoment=nu) for v in rows[:maximum]], vervolg


def vordering_as_stuf(v: Vordering, *, peilmoment) -> stuf.Vordering:
    betalingen = getattr(v, "betalingen", None)
    if betalingen is None:
        betalingen = list(v.boekingen.filter(soort__in=BETAALSOORTEN).order_by("created_at", "pk"))
    totaal_betaald = -sum(b.bedrag_incl_btw for b in betalingen)
    laatste = next((b for b in reversed(betalingen) if b.soort == Boekingsoort.BETALING), None)
    machtiging = v.machtiging
    return stuf.Vordering(
        vorderingnummer=v.vorderingnummer,
        creatiedatum=v.creatiedatum,
        tsa=v.tsa,
        indicator_factuur_uitgestuurd=v.indicator_factuur_uitgestuurd,
        algemene_factuuromschrijving=v.algemene_factuuromschrijving,
        valutacode=v.valutacode,
        totaalbedrag_excl_btw=v.totaalbedrag_excl_btw,
        totaalbedrag_btw=v.totaalbedrag_btw,
        totaalbedrag_incl_btw=v.totaalbedrag_incl_btw,
        indicator_publiekrechtelijk=v.publiekrechtelijk,
        factuurnummer=v.factuurnummer,
        factuurdatum=v.factuurdatum,
        vervaldatum=v.vervaldatum,
        taaknummer=v.taaknummer,
        regels=[
            stuf.Vorderingsregel(
                bedrag_excl_btw=r.bedrag_excl_btw,
                bedrag_incl_btw=r.bedrag_incl_btw,
                bedrag_btw=r.bedrag_btw,
                btw_categorie=r.btw_categorie,
                btw_percentage=r.btw_percentage,
                vorderingtype=r.vorderingtype,
                vorderingcode=r.vorderingcode,
                vorderingtoelichting=r.vorderingtoelichting,
                vorderingomschrijving=r.vorderingomschrijving,
                aantal=r.aantal,
                eenheid=r.eenheid,
                stuksprijs_excl_btw=r.stuksprijs_excl_btw,
            )
            for r in v.regels.all()
        ],
        btw_totaalregels=[
            stuf.BtwTotaalregel(totaalbedrag_btw=b.totaalbedrag_btw, btw_categorie=b.btw_categorie)
            for b in v.btw_totaalregels.all()
        ],
        automatische_incasso=stuf.AutomatischeIncasso(
            machtigingskenmerk=machtiging.kenmerk,
            afgiftedatum=machtiging.afgiftedatum,
            rekeningnummer=machtiging.iban,
            bic=machtiging.bic,
        )
        if machtiging
        else None,
        invorderingsschema=stuf.Invorderingsschema(
            invorderingsregime=v.invorderingsregime,
            termijnen=[
                stuf.Termijn(datum=t.datum, termijnbedrag=t.bedrag, vervaldatum=t.vervaldatum)
                for t in v.termijnen.all()
            ],
        )
        if v.invorderingsregime
        else None,
        vorderingstatus=stuf.Vorderingstatus(
            status=v.status,
            datum_en_tijd=peilmoment,
            totaal_betaald=totaal_betaald,
            deel_bedrag_betaald=-laatste.bedrag_incl_btw if laatste else None,
        ),
        debiteur=_debiteur(v.debiteur) if v.debiteur else None,
        vorderende_organisatie=stuf.VorderendeOrganisatie(
            nnp_id=v.organisatie.rsin, statutaire_naam=v.organisatie.naam
        ),
        zaak=stuf.Zaak(identificatie=v.zaak_identificatie, omschrijving=v.zaak_omschrijving)
        if v.zaak_identificatie
        else None,
        heeft_betrekking_op=v.heeft_betrekking_op_nummer or None,
        organisatorische_eenheid=stuf.OrganisatorischeEenheid(
            identificatie=v.organisatorische_eenheid.identificatie,
            naam=v.organisatorische_eenheid.naam,
        )
        if v.organisatorische_eenheid
        else None,
    )


def _adres(d: Debiteur) -> stuf.Adres | None:
    if d.land:
        return stuf.Adres(
            landnaam=d.land,
            adres_buitenland_1=d.adresregel_buitenland_1,
            adres_buitenland_2=d.adresregel_buitenland_2,
            adres_buitenland_3=d.adresregel_buitenland_3,
        )
    if not (d.straatnaam or d.postcode or d.woonplaats):
        return None
    return stuf.Adres(
        aoa_identificatie=d.adresseerbaar_object_id,
        straatnaam=d.straatnaam,
        openbare_ruimte_naam=d.straatnaam,
        huisnummer=d.huisnummer,
        huisletter=d.huisletter,
        huisnummertoevoeging=d.huisnummertoevoeging,
        postcode=d.postcode,
        woonplaats=d.woonplaats,
        locatiebeschrijving=d.locatiebeschrijving,
    )


def _debiteur(d: Debiteur) -> stuf.Debiteur:
    if d.is_natuurlijk_persoon:
        return stuf.Debiteur(
            debiteurnummer=d.debiteurnummer or "",
            natuurlijk_persoon=stuf.NatuurlijkPersoon(
                bsn=d.bsn or "",
                a_nummer=d.a_nummer,
                geslachtsnaam=d.geslachtsnaam,
                voorvoegsel_geslachtsnaam=d.voorvoegsel_geslachtsnaam,
                voorletters=d.voorletters,
                voornamen=d.voornamen,
                aanduiding_naamgebruik=d.aanduiding_naamgebruik,
                geslachtsnaam_partner=d.geslachtsnaam_partner,
                voorvoegsel_geslachtsnaam_partner=d.voorvoegsel_geslachtsnaam_partner,
                aanhef_aanschrijving=d.aanhef_aanschrijving,
                voornamen_aanschrijving=d.voornamen_aanschrijving,
                geslachtsnaam_aanschrijving=d.geslachtsnaam_aanschrijving,
                adellijke_titel_predikaat=d.adellijke_titel_predikaat,
                geslachtsaanduiding=d.geslachtsaanduiding,
                geboortedatum=d.geboortedatum,
                verblijfsadres=_adres(d),
                telefoonnummer=d.telefoonnummer,
                emailadres=d.emailadres,
            ),
        )
    return stuf.Debiteur(
        debiteurnummer=d.debiteurnummer or "",
        niet_natuurlijk_persoon=stuf.NietNatuurlijkPersoon(
            nnp_id=d.rsin or "",
            statutaire_naam=d.statutaire_naam,
            rechtsvorm=d.rechtsvorm,
            adres=_adres(d),
            telefoonnummer=d.telefoonnummer,
            emailadres=d.emailadres,
        ),
    )
