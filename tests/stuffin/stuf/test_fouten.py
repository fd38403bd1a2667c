"""De foutcodetabel en StufFout."""

from __future__ import annotations

import pytest

from stuffin.stuf.fouten import Foutcode, SoapFout, StufFout, XmlFout

# StUF 03.01, Tabel 4.1, letterlijk.
TABEL_4_1 = {
    "StUF001": ("Versie StUF niet ondersteund", "server", {"Fo02", "Fo03"}),
    "StUF004": ("Sectormodel niet ondersteund", "server", {"Fo02", "Fo03"}),
    "StUF007": ("Versie sectormodel niet ondersteund", "server", {"Fo02", "Fo03"}),
    "StUF010": (
        "Combinatie van ontvangende organisatie, applicatie en administratie onbekend",
        "client",
        {"Fo02", "Fo03"},
    ),
    "StUF013": (
        "Combinatie van zendende organisatie, applicatie en administratie onbekend",
        "client",
        {"Fo02", "Fo03"},
    ),
    "StUF016": ("Combinatie zender en referentienummer niet uniek", "client", {"Fo02", "Fo03"}),
    "StUF019": (
        "TijdstipBericht niet groter dan voorgaand TijdstipBericht van zender",
        "client",
        {"Fo02", "Fo03"},
    ),
    "StUF022": ("Berichtcode onbekend", "client", {"Fo02", "Fo03"}),
    "StUF025": ("Berichtcode niet ondersteund", "server", {"Fo02", "Fo03"}),
    "StUF028": ("Entiteittype onbekend binnen sectormodel", "client", {"Fo02", "Fo03"}),
    "StUF031": ("Entiteittype niet ondersteund", "server", {"Fo02", "Fo03"}),
    "StUF034": ("Functie onbekend binnen sectormodel", "client", {"Fo02", "Fo03"}),
    "StUF037": ("Functie niet ondersteund", "server", {"Fo02", "Fo03"}),
    "StUF040": (
        "Combinatie van berichtcode, entiteittype en functie niet ondersteund",
        "server",
        {"Fo02", "Fo03"},
    ),
    "StUF043": ("Crossreferentienummer niet bekend", "client", {"Fo02", "Fo03"}),
    "StUF046": ("Opslaan bericht niet mogelijk", "server", {"Fo03"}),
    "StUF049": ("Proces voor afhandelen synchroon bericht niet beschikbaar", "server", {"Fo02"}),
    "StUF052": (
        "Het zendende systeem is niet geautoriseerd voor de gevraagde combinatie van "
        "berichtcode, entiteittype en functie",
        "client",
        {"Fo01", "Fo02"},
    ),
    "StUF055": ("Berichtbody is niet conform schema in sectormodel", "client", {"Fo01", "Fo02"}),
    "StUF058": ("Proces voor afhandelen bericht geeft fout", "server", {"Fo01", "Fo02"}),
    "StUF061": ("Starten berichtverzending niet mogelijk binnen 5 minuten", "server", {"Fo02"}),
    "StUF960": (
        "Het antwoordende systeem is niet in staat het verzoek af te handelen binnen de "
        "connection time out",
        "server",
        {"Fo02"},
    ),
}


@pytest.mark.parametrize("code", sorted(TABEL_4_1))
def test_stuf_codes_letterlijk_uit_tabel_4_1(code):
    omschrijving, plek, soorten = TABEL_4_1[code]
    fout = Foutcode.op_code(code)
    assert (fout.code, fout.omschrijving, fout.plek, set(fout.soorten)) == (
        code,
        omschrijving,
        plek,
        soorten,
    )


def test_alle_codes_passen_in_het_schema():
    codes = [f.code for f in Foutcode]
    assert len(codes) == len(set(codes))
    for fout in Foutcode:
        assert len(fout.code) <= 7  # StUF:Foutcode
        assert 0 < len(fout.omschrijving) <= 200  # StUF:Foutomschrijving
        assert fout.plek in ("client", "server")
        assert fout.soorten and fout.soorten <= {"Fo01", "Fo02", "Fo03"}
        assert fout.code.startswith(("StUF", "FIN"))


def test_fin_codes_voor_verstrek_vordering():
    fin = {f.code for f in Foutcode if f.code.startswith("FIN")}
    # FIN012 is intentionally unused (unknown related vordering is a warning, not a fault).
    assert fin == {f"FIN{n:03d}" for n in range(1, 16)} - {"FIN012"}
    assert all(Foutcode.op_code(c).plek == "client" for c in fin)
    assert "Vervaldatum" in Foutcode.FIN003.omschrijving
    assert "Fo02" in Foutcode.FIN014.soorten  # vordering onbekend: antwoord op vrdLv01
    assert "Fo03" in Foutcode.FIN001.soorten  # dubbele vordering: antwoord op Di01


def test_op_code_onbekend():
    with pytest.raises(KeyError, match="XYZ"):
        Foutcode.op_code("XYZ")


def test_stuffout_draagt_code_details_en_soort():
    fout = StufFout(Foutcode.FIN003, "vervaldatum 2020-01-01 ligt voor 2026-03-14", soort="Fo03")
    assert fout.code is Foutcode.FIN003
    assert fout.details.startswith("vervaldatum")
    assert fout.soort == "Fo03"
    assert fout.plek == "client"
    assert fout.omschrijving == Foutcode.FIN003.omschrijving
    assert str(fout).startswith("FIN003 Vervaldatum ligt in het verleden: vervaldatum")
    assert str(StufFout(Foutcode.STUF046)) == "StUF046 Opslaan bericht niet mogelijk"


def test_stuffout_controleert_invoer():
    with pytest.raises(TypeError):
        StufFout("StUF055")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        StufFout(Foutcode.STUF055, soort="Fo04")


def test_xml_en_soap_fouten_zijn_stuf055():
    for fout in (XmlFout("kapot"), SoapFout("geen envelope")):
        assert isinstance(fout, StufFout)
        assert fout.code is Foutcode.STUF055
