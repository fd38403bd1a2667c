"""JSON ⇄ the StUF-FIN information model. Names are the standard's, in camelCase; amounts are
integer cents; percentages are percent (21 = 21 %), stored as the standard's hundredths.

Input serializers only check form (types, lengths, required fields). The business rules are
the ones the Di01 goes through: ``to_stuf`` builds the same dataclasses the StUF parser builds
and ``stuffin.services.verstrek_vordering.vorderingen_intake`` applies them.
"""

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.services.abonnementen import CallbackGeweigerd, callback_url_check
from inningen.choices import BtwCategorie, Invorderingsregime, VorderingStatus, Vorderingtype
from stuffin.stuf import berichten as stuf

# FIN:BedragInCenten in the standard is an integer; N(11) bounds are a business rule (FIN015).
BEDRAG = {"min_value": -(10**15), "max_value": 10**15}


def _tekst(max_length: int, **kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True, **kwargs)


# --- input --------------------------------------------------------------------------------------


class AdresInvoerSerializer(serializers.Serializer):
    straatnaam = _tekst(80)
    huisnummer = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=99999
    )
    huisletter = _tekst(1)
    huisnummertoevoeging = _tekst(4)
    postcode = _tekst(7, help_text="Nederlandse postcode, bv. 1234AB.")
    woonplaats = _tekst(80)
    locatiebeschrijving = _tekst(200)
    adresseerbaarObjectIdentificatie = _tekst(16)
    land = _tekst(60, help_text="Leeg voor Nederland; anders een adres in het buitenland.")
    adresregelBuitenland1 = _tekst(35)
    adresregelBuitenland2 = _tekst(35)
    adresregelBuitenland3 = _tekst(35)


class DebiteurInvoerSerializer(serializers.Serializer):
    """A natural person (``bsn`` and name fields) or a company (``rsin``/``kvkNummer`` with
    ``statutaireNaam``); or only a ``debiteurnummer`` of a debtor we already know."""

    debiteurnummer = _tekst(64)
    # natural person
    bsn = _tekst(9)
    aNummer = _tekst(10)
    geslachtsnaam = _tekst(200)
    voorvoegselGeslachtsnaam = _tekst(10)
    voorletters = _tekst(20)
    voornamen = _tekst(200)
    geslachtsaanduiding = _tekst(1, help_text="M, V, X of O.")
    geboortedatum = serializers.DateField(required=False, allow_null=True)
    aanduidingNaamgebruik = _tekst(1)
    geslachtsnaamPartner = _tekst(200)
    voorvoegselGeslachtsnaamPartner = _tekst(10)
    aanhefAanschrijving = _tekst(50)
    voornamenAanschrijving = _tekst(200)
    geslachtsnaamAanschrijving = _tekst(200)
    adellijkeTitelPredikaat = _tekst(10)
    # company
    rsin = _tekst(9)
    kvkNummer = _tekst(8)
    statutaireNaam = _tekst(500)
    rechtsvorm = _tekst(100)
    # both
    adres = AdresInvoerSerializer(required=False)
    correspondentieadres = AdresInvoerSerializer(required=False)
    telefoonnummer = _tekst(20)
    emailadres = _tekst(254)
    rekeningnummer = _tekst(34, help_text="IBAN.")

    def validate(self, attrs):
        persoon = any(attrs.get(k) for k in ("bsn", "geslachtsnaam", "aNummer"))
        bedrijf = any(attrs.get(k) for k in ("rsin", "kvkNummer", "statutaireNaam"))
        if persoon and bedrijf:
            raise serializers.ValidationError(
                "Een debiteur is een natuurlijk persoon (bsn, geslachtsnaam) of een bedrijf "
                "(rsin, kvkNummer, statutaireNaam), niet beide.",
                code="invalid",
            )
        if not (persoon or bedrijf or attrs.get("debiteurnummer")):
            raise serializers.ValidationError(
                "Geef een bsn of geslachtsnaam, een rsin, kvkNummer of statutaireNaam, of een "
                "debiteurnummer.",
                code="required",
            )
        return attrs


class RegelInvoerSerializer(serializers.Serializer):
    omschrijving = serializers.CharField(max_length=1000)
    bedragExclBtw = serializers.IntegerField(**BEDRAG)
    btwBedrag = serializers.IntegerField(**BEDRAG)
    bedragInclBtw = serializers.IntegerField(**BEDRAG)
    btwPercentage = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal("9999.99"),
        coerce_to_string=False,
        help_text="Percentage, bv. 21 of 9.",
    )
    btwCategorie = serializers.ChoiceField(
        choices=BtwCategorie.choices, required=False, allow_blank=True
    )
    vorderingtype = serializers.ChoiceField(choices=Vorderingtype.choices, default="FAC")
    vorderingcode = _tekst(
        200, help_text="Bepaalt de boekingssleutel; anders die van de vordering."
    )
    toelichting = _tekst(1000)
    aantal = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=10**12
    )
    eenheid = _tekst(200)
    stuksprijsExclBtw = serializers.IntegerField(required=False, allow_null=True, **BEDRAG)


class TermijnInvoerSerializer(serializers.Serializer):
    datum = serializers.DateField(required=False, allow_null=True)
    termijnbedrag = serializers.IntegerField(required=False, allow_null=True, **BEDRAG)
    vervaldatum = serializers.DateField(required=False, allow_null=True)


class BtwTotaalregelSerializer(serializers.Serializer):
    btwCategorie = serializers.ChoiceField(
        choices=BtwCategorie.choices, required=False, allow_blank=True
    )
    totaalbedragBtw = serializers.IntegerField(required=False, allow_null=True, **BEDRAG)


class AutomatischeIncassoSerializer(serializers.Serializer):
    machtigingskenmerk = serializers.CharField(max_length=35)
    afgiftedatum = serializers.DateField()
    rekeningnummer = serializers.CharField(max_length=34, help_text="IBAN.")
    bic = _tekst(11)


class ZaakSerializer(serializers.Serializer):
    identificatie = serializers.CharField(max_length=40)
    omschrijving = _tekst(80)


class OrganisatorischeEenheidSerializer(serializers.Serializer):
    identificatie = serializers.CharField(max_length=24)
    naam = _tekst(200)


class VorderingstatusInvoerSerializer(serializers.Serializer):
    """The status the TSA reports (as in the Di01): stored as a warning only; payments are
    recorded through bookings, never taken from a TSA's say-so."""

    status = serializers.ChoiceField(choices=VorderingStatus.choices)
    datumEnTijd = serializers.DateTimeField(required=False, allow_null=True)
    totaalBetaald = serializers.IntegerField(required=False, allow_null=True, **BEDRAG)
    deelBedragBetaald = serializers.IntegerField(required=False, allow_null=True, **BEDRAG)
    opmerkingen = _tekst(1000)


class VorderingInvoerSerializer(serializers.Serializer):
    vorderingnummer = serializers.CharField(max_length=64)
    tsaCode = serializers.CharField(max_length=200)
    vorderendeOrganisatie = _tekst(
        9, help_text="RSIN van de vorderende organisatie; leeg: die van de API-client."
    )
    vorderingcode = _tekst(200, help_text="Voor regels zonder eigen vorderingcode.")
    omschrijving = serializers.CharField(max_length=1000)
    creatiedatum = serializers.DateField(required=False, help_text="Standaard: vandaag.")
    factuurnummer = _tekst(64)
    factuurdatum = serializers.DateField(required=False, allow_null=True)
    vervaldatum = serializers.DateField(required=False, allow_null=True)
    indicatorFactuurUitgestuurd = serializers.BooleanField()
    indicatorPubliekrechtelijk = serializers.BooleanField(default=False)
    valutacode = serializers.CharField(max_length=3, default="EUR")
    taaknummer = _tekst(64)
    debiteur = DebiteurInvoerSerializer(required=False)
    regels = RegelInvoerSerializer(many=True, allow_empty=False, max_length=1000)
    totaalbedragExclBtw = serializers.IntegerField(
        required=False, help_text="Standaard: de som van de regels.", **BEDRAG
    )
    totaalbedragBtw = serializers.IntegerField(
        required=False, help_text="Standaard: de som van de regels.", **BEDRAG
    )
    totaalbedragInclBtw = serializers.IntegerField(**BEDRAG)
    btwTotaalregels = BtwTotaalregelSerializer(many=True, required=False, max_length=10)
    invorderingsregime = serializers.ChoiceField(
        choices=Invorderingsregime.choices, required=False, allow_blank=True
    )
    termijnen = TermijnInvoerSerializer(many=True, required=False, max_length=1000)
    automatischeIncasso = AutomatischeIncassoSerializer(required=False)
    zaak = ZaakSerializer(required=False)
    organisatorischeEenheid = OrganisatorischeEenheidSerializer(required=False)
    heeftBetrekkingOp = _tekst(64, help_text="Vorderingnummer van de gerelateerde vordering.")
    vorderingstatus = VorderingstatusInvoerSerializer(required=False)

    def validate(self, attrs):
        zonder_code = [
            i
            for i, r in enumerate(attrs["regels"])
            if not (r.get("vorderingcode") or attrs.get("vorderingcode"))
        ]
        if zonder_code:
            raise serializers.ValidationError(
                {
                    "regels": {
                        i: {
                            "vorderingcode": [
                                "Geef een vorderingcode in de regel of in de vordering."
                            ]
                        }
                        for i in zonder_code
                    }
                },
                code="required",
            )
        return attrs


def _adres(data: dict | None) -> stuf.Adres | None:
    if not data:
        return None
    return stuf.Adres(
        aoa_identificatie=data.get("adresseerbaarObjectIdentificatie", ""),
        straatnaam=data.get("straatnaam", ""),
        huisnummer=data.get("huisnummer"),
        huisletter=data.get("huisletter", ""),
        huisnummertoevoeging=data.get("huisnummertoevoeging", ""),
        postcode=data.get("postcode", ""),
        woonplaats=data.get("woonplaats", ""),
        locatiebeschrijving=data.get("locatiebeschrijving", ""),
        landnaam=data.get("land", ""),
        adres_buitenland_1=data.get("adresregelBuitenland1", ""),
        adres_buitenland_2=data.get("adresregelBuitenland2", ""),
        adres_buitenland_3=data.get("adresregelBuitenland3", ""),
    )


def _debiteur(data: dict | None) -> stuf.Debiteur | None:
    if not data:
        return None
    debiteur = stuf.Debiteur(debiteurnummer=data.get("debiteurnummer", ""))
    if any(data.get(k) for k in ("rsin", "kvkNummer", "statutaireNaam")):
        debiteur.niet_natuurlijk_persoon = stuf.NietNatuurlijkPersoon(
            nnp_id=data.get("rsin", ""),
            kvk_nummer=data.get("kvkNummer", ""),
            statutaire_naam=data.get("statutaireNaam", ""),
            rechtsvorm=data.get("rechtsvorm", ""),
            adres=_adres(data.get("adres")),
            correspondentieadres=_adres(data.get("correspondentieadres")),
            telefoonnummer=data.get("telefoonnummer", ""),
            emailadres=data.get("emailadres", ""),
            rekeningnummer=data.get("rekeningnummer", ""),
        )
    elif any(data.get(k) for k in ("bsn", "geslachtsnaam", "aNummer")):
        debiteur.natuurlijk_persoon = stuf.NatuurlijkPersoon(
            bsn=data.get("bsn", ""),
            a_nummer=data.get("aNummer", ""),
            geslachtsnaam=data.get("geslachtsnaam", ""),
            voorvoegsel_geslachtsnaam=data.get("voorvoegselGeslachtsnaam", ""),
            voorletters=data.get("voorletters", ""),
            voornamen=data.get("voornamen", ""),
            aanduiding_naamgebruik=data.get("aanduidingNaamgebruik", ""),
            geslachtsnaam_partner=data.get("geslachtsnaamPartner", ""),
            voorvoegsel_geslachtsnaam_partner=data.get("voorvoegselGeslachtsnaamPartner", ""),
            aanhef_aanschrijving=data.get("aanhefAanschrijving", ""),
            voornamen_aanschrijving=data.get("voornamenAanschrijving", ""),
            geslachtsnaam_aanschrijving=data.get("geslachtsnaamAanschrijving", ""),
            adellijke_titel_predikaat=data.get("adellijkeTitelPredikaat", ""),
            geslachtsaanduiding=data.get("geslachtsaanduiding", ""),
            geboortedatum=data.get("geboortedatum"),
            verblijfsadres=_adres(data.get("adres")),
            correspondentieadres=_adres(data.get("correspondentieadres")),
            telefoonnummer=data.get("telefoonnummer", ""),
            emailadres=data.get("emailadres", ""),
            rekeningnummer=data.get("rekeningnummer", ""),
        )
    return debiteur


def _honderdsten(percentage: Decimal) -> int:
    return int((percentage * 100).to_integral_value())


def to_stuf(data: dict, *, vandaag) -> stuf.Vordering:
    """The validated JSON as the dataclass the Di01 parser produces for one FIN:VRD."""
    regels = [
        stuf.Vorderingsregel(
            bedrag_excl_btw=r["bedragExclBtw"],
            bedrag_incl_btw=r["bedragInclBtw"],
            bedrag_btw=r["btwBedrag"],
            btw_categorie=r.get("btwCategorie", ""),
            btw_percentage=_honderdsten(r["btwPercentage"]),
            vorderingtype=r["vorderingtype"],
            vorderingcode=r.get("vorderingcode") or data.get("vorderingcode", ""),
            vorderingtoelichting=r.get("toelichting", ""),
            vorderingomschrijving=r["omschrijving"],
            aantal=r.get("aantal"),
            eenheid=r.get("eenheid", ""),
            stuksprijs_excl_btw=r.get("stuksprijsExclBtw"),
        )
        for r in data["regels"]
    ]
    termijnen = [
        stuf.Termijn(
            datum=t.get("datum"),
            termijnbedrag=t.get("termijnbedrag"),
            vervaldatum=t.get("vervaldatum"),
        )
        for t in data.get("termijnen", [])
    ]
    schema = None
    if termijnen or data.get("invorderingsregime"):
        schema = stuf.Invorderingsschema(
            invorderingsregime=data.get("invorderingsregime", ""), termijnen=termijnen
        )
    ai = data.get("automatischeIncasso")
    st = data.get("vorderingstatus")
    zaak = data.get("zaak")
    eenheid = data.get("organisatorischeEenheid")
    return stuf.Vordering(
        vorderingnummer=data["vorderingnummer"],
        creatiedatum=data.get("creatiedatum") or vandaag,
        tsa=data["tsaCode"],
        indicator_factuur_uitgestuurd=data["indicatorFactuurUitgestuurd"],
        algemene_factuuromschrijving=data["omschrijving"],
        valutacode=data["valutacode"],
        totaalbedrag_excl_btw=data.get(
            "totaalbedragExclBtw", sum(r.bedrag_excl_btw for r in regels)
        ),
        totaalbedrag_btw=data.get("totaalbedragBtw", sum(r.bedrag_btw for r in regels)),
        totaalbedrag_incl_btw=data["totaalbedragInclBtw"],
        indicator_publiekrechtelijk=data["indicatorPubliekrechtelijk"],
        factuurnummer=data.get("factuurnummer", ""),
        factuurdatum=data.get("factuurdatum"),
        vervaldatum=data.get("vervaldatum"),
        taaknummer=data.get("taaknummer", ""),
        regels=regels,
        btw_totaalregels=[
            stuf.BtwTotaalregel(
                totaalbedrag_btw=b.get("totaalbedragBtw"), btw_categorie=b.get("btwCategorie", "")
            )
            for b in data.get("btwTotaalregels", [])
        ],
        automatische_incasso=stuf.AutomatischeIncasso(
            machtigingskenmerk=ai["machtigingskenmerk"],
            afgiftedatum=ai["afgiftedatum"],
            rekeningnummer=ai["rekeningnummer"],
            bic=ai.get("bic", ""),
        )
        if ai
        else None,
        invorderingsschema=schema,
        vorderingstatus=stuf.Vorderingstatus(
            status=st["status"],
            datum_en_tijd=st.get("datumEnTijd"),
            totaal_betaald=st.get("totaalBetaald"),
            deel_bedrag_betaald=st.get("deelBedragBetaald"),
            opmerkingen=st.get("opmerkingen", ""),
        )
        if st
        else None,
        debiteur=_debiteur(data.get("debiteur")),
        vorderende_organisatie=stuf.VorderendeOrganisatie(
            nnp_id=data.get("vorderendeOrganisatie", "")
        ),
        zaak=stuf.Zaak(
            identificatie=zaak["identificatie"], omschrijving=zaak.get("omschrijving", "")
        )
        if zaak
        else None,
        heeft_betrekking_op=data.get("heeftBetrekkingOp") or None,
        organisatorische_eenheid=stuf.OrganisatorischeEenheid(
            identificatie=eenheid["identificatie"], naam=eenheid.get("naam", "")
        )
        if eenheid
        else None,
    )


# --- output -------------------------------------------------------------------------------------


class LinkSerializer(serializers.Serializer):
    href = serializers.URLField()


class VorderingLinksSerializer(serializers.Serializer):
    self = LinkSerializer()
    heeftBetrekkingOp = LinkSerializer(required=False)


def _vordering_url(request, vordering) -> str:
    return request.build_absolute_uri(
        reverse("api:vordering-detail", kwargs={"uuid": vordering.uuid})
    )


class VorderingLijstSerializer(serializers.Serializer):
    """A claim in a list: what a TSA needs to see its state; the detail holds the rest."""

    url = serializers.SerializerMethodField()
    uuid = serializers.UUIDField()
    vorderingnummer = serializers.CharField()
    tsaCode = serializers.CharField(source="tsa")
    vorderendeOrganisatie = serializers.CharField(source="organisatie.rsin")
    status = serializers.CharField()
    statusDatum = serializers.DateTimeField(source="status_datum")
    openstaandBedrag = serializers.IntegerField(source="openstaand_bedrag")
    totaalbedragInclBtw = serializers.IntegerField(source="totaalbedrag_incl_btw")
    factuurdatum = serializers.DateField(allow_null=True)
    vervaldatum = serializers.DateField(allow_null=True)
    invorderingsstap = serializers.CharField()

    @extend_schema_field(serializers.URLField())
    def get_url(self, obj) -> str:
        return _vordering_url(self.context["request"], obj)


class RegelSerializer(serializers.Serializer):
    volgnummer = serializers.IntegerField()
    omschrijving = serializers.CharField(source="vorderingomschrijving")
    bedragExclBtw = serializers.IntegerField(source="bedrag_excl_btw")
    btwBedrag = serializers.IntegerField(source="bedrag_btw")
    bedragInclBtw = serializers.IntegerField(source="bedrag_incl_btw")
    btwPercentage = serializers.SerializerMethodField()
    btwCategorie = serializers.CharField(source="btw_categorie")
    vorderingtype = serializers.CharField()
    vorderingcode = serializers.CharField()
    toelichting = serializers.CharField(source="vorderingtoelichting")
    aantal = serializers.IntegerField(allow_null=True)
    eenheid = serializers.CharField()
    stuksprijsExclBtw = serializers.IntegerField(source="stuksprijs_excl_btw", allow_null=True)

    @extend_schema_field(
        serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)
    )
    def get_btwPercentage(self, obj) -> Decimal:
        return Decimal(obj.btw_percentage) / 100


class TermijnSerializer(serializers.Serializer):
    volgnummer = serializers.IntegerField()
    datum = serializers.DateField(allow_null=True)
    termijnbedrag = serializers.IntegerField(source="bedrag", allow_null=True)
    vervaldatum = serializers.DateField(allow_null=True)


class StatusSerializer(serializers.Serializer):
    status = serializers.CharField()
    datumEnTijd = serializers.DateTimeField(source="datum_en_tijd")
    totaalBetaald = serializers.IntegerField(source="totaal_betaald", allow_null=True)
    deelBedragBetaald = serializers.IntegerField(source="deel_bedrag_betaald", allow_null=True)
    opmerkingen = serializers.CharField()


class BoekingSerializer(serializers.Serializer):
    """A financial fact on the claim (payment, costs, interest, write-off...). The amount is
    signed as the ledger holds it: what reduces the claim is negative."""

    soort = serializers.CharField()
    boekdatum = serializers.DateField()
    bedragInclBtw = serializers.IntegerField(source="bedrag_incl_btw")
    omschrijving = serializers.CharField()


class InvorderingsstapSerializer(serializers.Serializer):
    stap = serializers.CharField()
    datum = serializers.DateField()
    kosten = serializers.IntegerField()
    rente = serializers.IntegerField()
    betalenVoor = serializers.DateField(source="betalen_voor", allow_null=True)


class BtwTotaalregelUitvoerSerializer(serializers.Serializer):
    btwCategorie = serializers.CharField(source="btw_categorie")
    totaalbedragBtw = serializers.IntegerField(source="totaalbedrag_btw", allow_null=True)


class VorderingSerializer(VorderingLijstSerializer):
    omschrijving = serializers.CharField(source="algemene_factuuromschrijving")
    creatiedatum = serializers.DateField()
    factuurnummer = serializers.CharField()
    indicatorFactuurUitgestuurd = serializers.BooleanField(source="indicator_factuur_uitgestuurd")
    indicatorPubliekrechtelijk = serializers.BooleanField(source="publiekrechtelijk")
    valutacode = serializers.CharField()
    taaknummer = serializers.CharField()
    totaalbedragExclBtw = serializers.IntegerField(source="totaalbedrag_excl_btw")
    totaalbedragBtw = serializers.IntegerField(source="totaalbedrag_btw")
    betalingskenmerk = serializers.CharField()
    invorderingsregime = serializers.CharField()
    zaak = serializers.SerializerMethodField()
    organisatorischeEenheid = serializers.SerializerMethodField()
    heeftBetrekkingOp = serializers.SerializerMethodField()
    regels = RegelSerializer(many=True)
    btwTotaalregels = BtwTotaalregelUitvoerSerializer(many=True, source="btw_totaalregels")
    termijnen = TermijnSerializer(many=True)
    statussen = StatusSerializer(many=True)
    boekingen = BoekingSerializer(many=True)
    invorderingsstappen = InvorderingsstapSerializer(many=True)
    waarschuwingen = serializers.ListField(child=serializers.CharField())
    _links = serializers.SerializerMethodField()

    @extend_schema_field(ZaakSerializer(allow_null=True))
    def get_zaak(self, obj):
        if not obj.zaak_identificatie:
            return None
        return {"identificatie": obj.zaak_identificatie, "omschrijving": obj.zaak_omschrijving}

    @extend_schema_field(OrganisatorischeEenheidSerializer(allow_null=True))
    def get_organisatorischeEenheid(self, obj):
        e = obj.organisatorische_eenheid
        return {"identificatie": e.identificatie, "naam": e.naam} if e else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_heeftBetrekkingOp(self, obj):
        if obj.heeft_betrekking_op_id:
            return obj.heeft_betrekking_op.vorderingnummer
        return obj.heeft_betrekking_op_nummer or None

    @extend_schema_field(VorderingLinksSerializer)
    def get__links(self, obj):
        request = self.context["request"]
        links = {"self": {"href": _vordering_url(request, obj)}}
        gerelateerd = obj.heeft_betrekking_op
        if gerelateerd is not None and self.context.get("in_scope", lambda v: False)(gerelateerd):
            links["heeftBetrekkingOp"] = {"href": _vordering_url(request, gerelateerd)}
        return links


class VorderingAangemaaktSerializer(serializers.Serializer):
    """The answer to POST /vorderingen: the claim's identity and state."""

    url = serializers.URLField()
    uuid = serializers.UUIDField()
    vorderingnummer = serializers.CharField()
    tsaCode = serializers.CharField()
    status = serializers.CharField()
    openstaandBedrag = serializers.IntegerField()
    betalingskenmerk = serializers.CharField()
    waarschuwingen = serializers.ListField(child=serializers.CharField())


# --- debtors ------------------------------------------------------------------------------------


class DebiteurZoekSerializer(serializers.Serializer):
    """Exactly one identifier. In the body, never in the URL: a BSN is sensitive."""

    bsn = _tekst(9)
    rsin = _tekst(9)
    kvkNummer = _tekst(8)

    def validate(self, attrs):
        gegeven = [k for k in ("bsn", "rsin", "kvkNummer") if attrs.get(k)]
        if len(gegeven) != 1:
            raise serializers.ValidationError(
                "Geef precies één van bsn, rsin of kvkNummer.", code="invalid"
            )
        return attrs


class DebiteurAdresSerializer(serializers.Serializer):
    straatnaam = serializers.CharField()
    huisnummer = serializers.IntegerField(allow_null=True)
    huisletter = serializers.CharField()
    huisnummertoevoeging = serializers.CharField()
    postcode = serializers.CharField()
    woonplaats = serializers.CharField()
    land = serializers.CharField()


class DebiteurSerializer(serializers.Serializer):
    debiteurnummer = serializers.CharField(allow_null=True)
    soort = serializers.CharField(
        help_text="NPS: natuurlijk persoon; NNP: niet-natuurlijk persoon."
    )
    naam = serializers.CharField()
    bsn = serializers.CharField(allow_null=True)
    rsin = serializers.CharField(allow_null=True)
    kvkNummer = serializers.CharField(source="kvk_nummer", allow_null=True)
    adres = serializers.SerializerMethodField()
    openstaandBedrag = serializers.IntegerField(source="api_openstaand")
    achterstalligBedrag = serializers.IntegerField(source="api_achterstallig")
    vorderingen = VorderingLijstSerializer(many=True, source="api_vorderingen")

    @extend_schema_field(DebiteurAdresSerializer)
    def get_adres(self, obj):
        return {
            "straatnaam": obj.straatnaam,
            "huisnummer": obj.huisnummer,
            "huisletter": obj.huisletter,
            "huisnummertoevoeging": obj.huisnummertoevoeging,
            "postcode": obj.postcode,
            "woonplaats": obj.woonplaats,
            "land": obj.land,
        }


class DebiteurZoekResultaatSerializer(serializers.Serializer):
    debiteuren = DebiteurSerializer(many=True)


# --- abonnementen -------------------------------------------------------------------------------


class AbonnementSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    uuid = serializers.UUIDField(read_only=True)
    callbackUrl = serializers.URLField(source="callback_url", max_length=500)
    auth = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="Waarde van de Authorization-header bij elke notificatie; wordt niet teruggegeven.",
    )
    kanalen = serializers.ListField(
        child=serializers.ChoiceField(choices=["vorderingstatussen"]),
        allow_empty=False,
        max_length=10,
    )

    @extend_schema_field(serializers.URLField())
    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:abonnement-detail", kwargs={"uuid": obj.uuid})
        )

    def validate_callbackUrl(self, value):
        try:
            callback_url_check(value)
        except CallbackGeweigerd as exc:
            raise serializers.ValidationError(str(exc), code="invalid") from None
        return value


# --- verantwoordingen ---------------------------------------------------------------------------


class VerantwoordingsregelSerializer(serializers.Serializer):
    boekingssleutel = serializers.CharField()
    bedragInclBtw = serializers.IntegerField(source="bedrag_incl_btw")
    bedragExclBtw = serializers.IntegerField(source="bedrag_excl_btw")
    bedragBtw = serializers.IntegerField(source="bedrag_btw")


class VerantwoordingSerializer(serializers.Serializer):
    url = serializers.SerializerMethodField()
    id = serializers.IntegerField()
    verantwoordingsnummer = serializers.IntegerField()
    vorderendeOrganisatie = serializers.CharField(source="organisatie.rsin")
    datumEnTijd = serializers.DateTimeField(source="datum_en_tijd")
    begindatum = serializers.DateField()
    einddatum = serializers.DateField()
    omschrijving = serializers.CharField()
    aantalBoekingen = serializers.IntegerField(source="aantal_boekingen")
    boekingen = VerantwoordingsregelSerializer(many=True, source="regels")

    @extend_schema_field(serializers.URLField())
    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:verantwoording-detail", kwargs={"pk": obj.pk})
        )
