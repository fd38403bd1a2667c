"""Het schemamodel waarmee de antwoordbouwer beslist wat nillable is en StUF:noValue kent."""

from __future__ import annotations

from stuffin.stuf import _xsd
from stuffin.stuf.xml import laad_schemas

from .hulp import NS

FIN, BG, STUF = (f"{{{NS[p]}}}" for p in ("FIN", "BG", "StUF"))


def _vrd_antwoord():
    return _xsd.vraag_antwoord_index().type(NS["FIN"], "VRD-antwoord")


def test_index_wordt_eenmaal_geladen():
    laad_schemas()
    assert _xsd.vraag_antwoord_index() is _xsd.vraag_antwoord_index()


def test_kinderen_in_schemavolgorde():
    namen = list(_vrd_antwoord().kinderen())
    assert namen[:3] == [FIN + "vorderingnummer", FIN + "factuurnummer", FIN + "creatiedatum"]
    assert namen.index(STUF + "tijdvakGeldigheid") < namen.index(
        FIN + "wordtBetaaldDoorNatuurlijkPersoonAlsDebiteur"
    )
    assert namen[-1] == FIN + "isOpgelegdDoorOrganisatischeEenheid"


def test_nillable_novalue_en_entiteittype_komen_uit_de_xsd():
    vrd = _vrd_antwoord()
    assert vrd.entiteittype_vast == "VRD"
    nummer = vrd.kind(FIN + "vorderingnummer")
    assert nummer is not None and nummer.nillable and nummer.type.novalue_toegestaan
    regel = vrd.kind(FIN + "vorderingsregel")
    assert regel is not None and regel.nillable and not regel.type.novalue_toegestaan
    assert regel.type.heeft_elementen
    relatie = vrd.kind(FIN + "heeftAlsVorderendeOrganisatie")
    assert relatie is not None and relatie.type.entiteittype_vast == "VRDNNPVOR"
    gerelateerde = relatie.type.kind(FIN + "gerelateerde")
    assert gerelateerde is not None and gerelateerde.type.entiteittype_vast == "NNP"
    # tijdvakGeldigheid is een ref naar een globaal, niet-nillable element zonder noValue ...
    tijdvak = vrd.kind(STUF + "tijdvakGeldigheid")
    assert tijdvak is not None and not tijdvak.nillable and not tijdvak.type.novalue_toegestaan
    # ... met kinderen die het wel kennen.
    begin = tijdvak.type.kind(STUF + "beginGeldigheid")
    assert begin is not None and begin.nillable and begin.type.novalue_toegestaan
    persoon = vrd.kind(FIN + "wordtBetaaldDoorNatuurlijkPersoonAlsDebiteur").type.kind(
        FIN + "gerelateerde"
    )
    assert persoon is not None
    authentiek = persoon.type.kind(BG + "authentiek")
    assert authentiek is not None and authentiek.type.novalue_toegestaan
    assert persoon.type.kind(FIN + "bestaatNiet") is None
