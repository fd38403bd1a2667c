"""Compliance scenarios 9-12 and the StUF rules, end to end over HTTP against a live server."""

import datetime

import pytest
from django.utils import timezone
from lxml import etree

from inningen.choices import Boekingsoort, VorderingStatus
from inningen.debiteuren.models import Debiteur, Machtiging
from inningen.grootboek.models import Boeking, Vordering
from stuffin.models import Bericht
from stuffin.stuf import soap
from tests.factories import OrganisatieFactory

from .conftest import NS, TSA_CODE, body_of, foutcode, officieel_bericht

pytestmark = pytest.mark.django_db(transaction=True)


def test_scenario_9_min_vordering_and_status(stuf_client, organisatie):
    response = stuf_client.di01(
        officieel_bericht("Di01-verstrekVordering-min.xml", referentienummer="ref-min-1")
    )
    assert response.status_code == 200, response.text
    bv03 = body_of(response)
    assert etree.QName(bv03).localname == "Bv03Bericht"
    sg = bv03.find("StUF:stuurgegevens", NS)
    assert sg.findtext("StUF:berichtcode", namespaces=NS) == "Bv03"
    assert sg.findtext("StUF:crossRefnummer", namespaces=NS) == "ref-min-1"
    assert sg.findtext("StUF:zender/StUF:applicatie", namespaces=NS) == "TTA"
    assert sg.findtext("StUF:ontvanger/StUF:applicatie", namespaces=NS) == "STP"
    assert sg.findtext("StUF:referentienummer", namespaces=NS) not in ("", "ref-min-1")

    vordering = Vordering.objects.get(vorderingnummer="KING00009999")
    # No debtor and an empty vorderende organisatie: stored, in the work list, default organisation.
    assert vordering.debiteur is None
    assert vordering.organisatie == organisatie
    assert vordering.status == VorderingStatus.VERWERKT
    assert vordering.statussen.count() == 1
    assert (
        vordering.totaalbedrag_excl_btw,
        vordering.totaalbedrag_btw,
        vordering.totaalbedrag_incl_btw,
    ) == (100, 21, 121)
    assert (
        vordering.openstaand_bedrag
        == 121
        == sum(b.bedrag_incl_btw for b in vordering.boekingen.all())
    )
    assert vordering.boekingen.get().soort == Boekingsoort.OPGELEGD
    assert list(Vordering.objects.zonder_debiteur()) == [vordering]

    response = stuf_client.lv01(
        officieel_bericht("vrdLv01-min.xml", vorderingnummer="KING00009999")
    )
    assert response.status_code == 200, response.text
    la01 = body_of(response)
    objecten = la01.findall("FIN:antwoord/FIN:object", NS)
    assert len(objecten) == 1
    obj = objecten[0]
    assert obj.findtext("FIN:vorderingnummer", namespaces=NS) == "KING00009999"
    assert obj.findtext("FIN:vorderingstatus/FIN:status", namespaces=NS) == "VRW"
    assert obj.findtext("FIN:vorderingstatus/FIN:totaalBetaald", namespaces=NS) == "0"
    assert obj.find("FIN:vorderingstatus/FIN:datumEnTijd", NS).text
    # Only what the min scope asks for: vorderingnummer and vorderingstatus.
    assert [etree.QName(c).localname for c in obj] == ["vorderingnummer", "vorderingstatus"]


def test_scenario_9_max_vordering_and_status(stuf_client, organisatie):
    response = stuf_client.di01(officieel_bericht("Di01-verstrekVordering-max.xml"))
    assert response.status_code == 200, response.text
    body_of(response)

    eerste = Vordering.objects.get(vorderingnummer="KING00009999")
    tweede = Vordering.objects.get(vorderingnummer="1234567890")
    # Both claims, one debtor (same BSN), everything stored.
    assert eerste.debiteur == tweede.debiteur
    debiteur = Debiteur.objects.get()
    assert (debiteur.bsn, debiteur.geslachtsnaam, debiteur.voorvoegsel_geslachtsnaam) == (
        "555555112",
        "tester",
        "t",
    )
    assert debiteur.debiteurnummer == "String"
    assert debiteur.straatnaam == "teststraat" and debiteur.woonplaats == "testplaats"
    assert debiteur.emailadres == "test@test.nl"
    assert eerste.organisatie == organisatie
    assert eerste.tsa == TSA_CODE and eerste.taaknummer == "1234" and eerste.publiekrechtelijk
    assert eerste.regels.count() == 2 and eerste.btw_totaalregels.get().btw_categorie == "VER"
    assert eerste.invorderingsregime == "TV"
    termijn = eerste.termijnen.get()
    assert (
        termijn.bedrag == 20
        and termijn.vervaldatum == timezone.localdate() + datetime.timedelta(days=30)
    )
    assert eerste.machtiging.kenmerk == "test" and eerste.machtiging.bic == "RABONLAM"
    assert eerste.zaak_identificatie == "aaaaa" and tweede.zaak_identificatie == "00009999"
    assert eerste.organisatorische_eenheid.identificatie == "a"
    # The credit relation to the earlier claim in the same message is linked.
    assert tweede.heeft_betrekking_op == eerste
    # The first refers to "a", unknown here: kept with a warning, not refused.
    assert eerste.heeft_betrekking_op is None and eerste.heeft_betrekking_op_nummer == "a"
    waarschuwingen = " ".join(eerste.waarschuwingen)
    for fragment in (
        "BTW-totaalregel VER",
        "stuksprijs",
        "btwPercentage 21",
        "geen geldig IBAN",
        "a is hier",
    ):
        assert fragment in waarschuwingen
    assert Boeking.objects.filter(vordering=eerste, soort=Boekingsoort.OPGELEGD).count() == 2
    # One mandate (same debtor, kenmerk and account) serves both claims.
    assert Machtiging.objects.get() == eerste.machtiging == tweede.machtiging

    response = stuf_client.lv01(officieel_bericht("vrdLv01-max.xml"))
    assert response.status_code == 200, response.text
    obj = body_of(response).find("FIN:antwoord/FIN:object", NS)
    assert obj.findtext("FIN:vorderingnummer", namespaces=NS) == "KING00009999"
    assert obj.findtext("FIN:totaalbedragInclBTW", namespaces=NS) == "242"
    assert len(obj.findall("FIN:vorderingsregel", NS)) == 2
    assert obj.findtext("FIN:vorderingstatus/FIN:status", namespaces=NS) == "VRW"
    deb = obj.find("FIN:wordtBetaaldDoorNatuurlijkPersoonAlsDebiteur/FIN:gerelateerde", NS)
    assert deb.findtext("BG:inp.bsn", namespaces=NS) == "555555112"
    assert (
        obj.findtext(
            "FIN:heeftAlsVorderendeOrganisatie/FIN:gerelateerde/BG:inn.nnpId", namespaces=NS
        )
        == organisatie.rsin
    )
    assert (
        obj.findtext("FIN:isOntstaanInZaak/FIN:gerelateerde/ZKN:identificatie", namespaces=NS)
        == "aaaaa"
    )


def test_scenario_10_known_vorderingnummer_is_refused(stuf_client):
    assert stuf_client.di01(officieel_bericht("Di01-verstrekVordering-min.xml")).status_code == 200
    before = (Vordering.objects.count(), Boeking.objects.count())
    response = stuf_client.di01(officieel_bericht("Di01-verstrekVordering-min.xml"))
    assert foutcode(response) == "FIN001"
    assert "KING00009999" in body_of(response).findtext("StUF:body/StUF:details", namespaces=NS)
    assert (Vordering.objects.count(), Boeking.objects.count()) == before


def test_scenario_11_vervaldatum_in_the_past_stores_nothing(stuf_client):
    gisteren = timezone.localdate() - datetime.timedelta(days=1)
    response = stuf_client.di01(
        officieel_bericht("Di01-verstrekVordering-max.xml", vervaldatum=gisteren)
    )
    assert foutcode(response) == "FIN003"
    assert (
        not Vordering.objects.exists()
        and not Debiteur.objects.exists()
        and not Boeking.objects.exists()
    )


def test_scenario_12_unknown_vordering_gives_fo02(stuf_client):
    response = stuf_client.lv01(officieel_bericht("vrdLv01-min.xml"))
    assert foutcode(response) == "FIN014"
    fo02 = body_of(response)
    assert etree.QName(fo02).localname == "Fo02Bericht"
    # Fo02: stuurgegevens hold only the berichtcode.
    assert [etree.QName(c).localname for c in fo02.find("StUF:stuurgegevens", NS)] == [
        "berichtcode"
    ]


def test_identical_resend_gets_same_answer_and_changes_nothing(stuf_client):
    bericht = officieel_bericht("Di01-verstrekVordering-max.xml", referentienummer="herhaal-1")
    eerste = stuf_client.di01(bericht)
    assert eerste.status_code == 200

    def opgeslagen():  # every stored row, whole
        return {
            model.__name__: list(model.objects.order_by("pk").values())
            for model in (Vordering, Debiteur, Boeking, Machtiging)
        }

    na_eerste = opgeslagen()
    assert len(na_eerste["Vordering"]) == 2
    tweede = stuf_client.di01(bericht)
    assert tweede.status_code == 200
    assert tweede.content == eerste.content
    assert opgeslagen() == na_eerste
    # A different message under the used referentienummer: StUF016, nothing stored.
    ander = bericht.replace(b"<FIN:taaknummer>1234<", b"<FIN:taaknummer>9999<")
    assert foutcode(stuf_client.di01(ander)) == "StUF016"
    assert opgeslagen() == na_eerste


def test_resend_after_fault_is_judged_again(stuf_client):
    bericht = officieel_bericht("Di01-verstrekVordering-min.xml", referentienummer="na-fout")
    Vordering.objects.all()  # nothing yet
    from stuffin.models import TsaCode

    TsaCode.objects.all().delete()
    assert foutcode(stuf_client.di01(bericht)) == "FIN010"
    # The cause is fixed (TSA code registered): the same message is now accepted.
    from stuffin.models import Koppeling

    TsaCode.objects.create(code=TSA_CODE, koppeling=Koppeling.objects.get())
    assert stuf_client.di01(bericht).status_code == 200


@pytest.mark.parametrize("auth", [None, ("stp", "fout-wachtwoord"), ("onbekend", "x")])
def test_authentication_required_and_nothing_stored(stuf_client, auth):
    stuf_client.auth = auth
    response = stuf_client.di01(
        officieel_bericht("Di01-verstrekVordering-min.xml"), auth=auth is not None
    )
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert etree.fromstring(response.content).find("soapenv:Body/soapenv:Fault", NS) is not None
    assert not Vordering.objects.exists() and not Bericht.objects.exists()


def test_xxe_payload_is_refused_and_leaks_nothing(stuf_client):
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
<FIN:Di01-verstrekVordering xmlns:FIN="http://www.egem.nl/StUF/sector/fin/0310">&xxe;</FIN:Di01-verstrekVordering>
</soapenv:Body></soapenv:Envelope>"""
    response = stuf_client.di01(xxe)
    assert foutcode(response) == "StUF055"
    assert b"root:" not in response.content
    assert not Vordering.objects.exists()


def test_schema_invalid_body_names_element_and_line(stuf_client):
    bericht = officieel_bericht("Di01-verstrekVordering-min.xml").replace(
        b"<FIN:valutacode>EUR</FIN:valutacode>",
        b"<FIN:valutacode>EUR</FIN:valutacode><FIN:onzin>1</FIN:onzin>",
    )
    response = stuf_client.di01(bericht)
    assert foutcode(response) == "StUF055"
    details = body_of(response).findtext("StUF:body/StUF:details", namespaces=NS)
    assert "regel" in details and "onzin" in details


def test_malformed_xml_is_a_soap_fault(stuf_client):
    response = stuf_client.di01(b"<niet-af")
    assert foutcode(response) == "StUF055"
    assert response.headers["Content-Type"].startswith("text/xml")


def test_money_mismatch_is_refused(stuf_client):
    bericht = officieel_bericht("Di01-verstrekVordering-min.xml").replace(
        b"<FIN:totaalbedragInclBTW>121<", b"<FIN:totaalbedragInclBTW>122<"
    )
    assert foutcode(stuf_client.di01(bericht)) == "FIN005"
    assert not Vordering.objects.exists()


def test_duplicate_number_within_message_stores_none(stuf_client):
    bericht = officieel_bericht("Di01-verstrekVordering-max.xml").replace(
        b">1234567890<", b">KING00009999<"
    )
    assert foutcode(stuf_client.di01(bericht)) == "FIN002"
    assert not Vordering.objects.exists()


def test_only_eur(stuf_client):
    bericht = officieel_bericht("Di01-verstrekVordering-min.xml").replace(b">EUR<", b">USD<")
    assert foutcode(stuf_client.di01(bericht)) == "FIN007"
    assert not Vordering.objects.exists()


def test_factuurdatum_required_when_invoice_sent(stuf_client):
    bericht = officieel_bericht("Di01-verstrekVordering-min.xml").replace(
        b"<FIN:indicatorFactuurUitgestuurd>N<", b"<FIN:indicatorFactuurUitgestuurd>J<"
    )
    assert foutcode(stuf_client.di01(bericht)) == "FIN004"
    assert not Vordering.objects.exists()


def test_other_tsa_code_is_refused(stuf_client):
    bericht = officieel_bericht("Di01-verstrekVordering-min.xml").replace(
        TSA_CODE.encode(), b"parkeren"
    )
    assert foutcode(stuf_client.di01(bericht)) == "FIN010"
    assert not Vordering.objects.exists()


def test_organisation_not_of_koppeling_is_refused(stuf_client):
    andere = OrganisatieFactory()
    assert (
        foutcode(
            stuf_client.di01(officieel_bericht("Di01-verstrekVordering-max.xml", rsin=andere.rsin))
        )
        == "FIN009"
    )
    assert (
        foutcode(
            stuf_client.di01(officieel_bericht("Di01-verstrekVordering-max.xml", rsin="111222333"))
        )
        == "FIN008"
    )
    assert not Vordering.objects.exists() and not Debiteur.objects.exists()


def test_wrong_ontvanger_and_zender(stuf_client, settings):
    bericht = officieel_bericht("Di01-verstrekVordering-min.xml")
    settings.STUF_APPLICATIE = "ANDERS"
    # live_server runs in this process: the settings change applies to it too.
    assert foutcode(stuf_client.di01(bericht)) == "StUF010"
    settings.STUF_APPLICATIE = "TTA"
    onbekend = bericht.replace(b"<StUF:applicatie>STP<", b"<StUF:applicatie>XYZ<")
    assert foutcode(stuf_client.di01(onbekend)) == "StUF013"
    from stuffin.services.koppelingen import koppeling_upsert

    koppeling_upsert(
        applicatie="XYZ", rol="tsa", gebruikersnaam="xyz", wachtwoord="xyz-wachtwoord-1"
    )
    # Authenticated as STP but claiming to be XYZ: someone else's identity.
    assert foutcode(stuf_client.di01(onbekend)) == "StUF052"
    assert not Vordering.objects.exists()


def test_soapaction_and_method(stuf_client):
    bericht = officieel_bericht("Di01-verstrekVordering-min.xml")
    assert foutcode(stuf_client.di01(bericht, soapaction=None)) == "StUF022"
    assert foutcode(stuf_client.di01(bericht, soapaction=soap.SOAPACTION_VRD_LV01)) == "StUF025"
    assert foutcode(stuf_client.di01(bericht, soapaction="urn:onzin")) == "StUF022"
    import requests

    response = requests.put(
        stuf_client.base_url + "/stuf/fin0310/VerstrekVorderingOfVerantwoording", timeout=10
    )
    assert response.status_code == 405
    assert etree.fromstring(response.content).find("soapenv:Body/soapenv:Fault", NS) is not None
    assert not Vordering.objects.exists()


def test_request_size_is_bounded(stuf_client, settings):
    settings.STUF_MAX_BODY_BYTES = 2000
    response = stuf_client.di01(officieel_bericht("Di01-verstrekVordering-max.xml"))
    assert response.status_code == 413
    assert not Vordering.objects.exists()


def test_wsdl_has_this_servers_address(live_server):
    import requests

    for path in (
        "/stuf/fin0310/VerstrekVorderingOfVerantwoording",
        "/stuf/fin0310/BeantwoordVraag",
    ):
        response = requests.get(live_server.url + path + "?wsdl", timeout=10)
        assert response.status_code == 200
        root = etree.fromstring(response.content)
        address = root.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address")
        assert address.get("location") == live_server.url + path
        imports = [
            el.get("location") for el in root.iter("{http://schemas.xmlsoap.org/wsdl/}import")
        ]
        assert imports and all(requests.get(u, timeout=10).status_code == 200 for u in imports)


def test_every_message_is_logged(stuf_client):
    stuf_client.di01(officieel_bericht("Di01-verstrekVordering-min.xml", referentienummer="log-1"))
    stuf_client.di01(officieel_bericht("Di01-verstrekVordering-min.xml", referentienummer="log-2"))
    ok, fout = Bericht.objects.order_by("pk")
    assert (ok.antwoordsoort, ok.referentienummer, ok.zender_applicatie, ok.aantal_objecten) == (
        "Bv03",
        "log-1",
        "STP",
        1,
    )
    assert (fout.antwoordsoort, fout.foutcode) == ("Fo03", "FIN001")
    assert "KING00009999" in ok.inhoud and "Bv03" in ok.antwoord


def test_resend_in_another_envelope_is_still_identical(stuf_client):
    bericht = officieel_bericht("Di01-verstrekVordering-min.xml", referentienummer="envelop-1")
    eerste = stuf_client.di01(bericht)
    # Same StUF body, other SOAP envelope: a header and different whitespace.
    anders = bericht.replace(
        b"<soapenv:Body>",
        b'<soapenv:Header><x:Id xmlns:x="urn:x">2</x:Id></soapenv:Header>\n<soapenv:Body>',
        1,
    )
    assert anders != bericht
    tweede = stuf_client.di01(anders)
    assert tweede.status_code == 200 and tweede.content == eerste.content
    assert Vordering.objects.count() == 1


def test_accepted_message_is_linked_to_its_claims(stuf_client):
    assert stuf_client.di01(officieel_bericht("Di01-verstrekVordering-max.xml")).status_code == 200
    bericht = Bericht.objects.get(antwoordsoort="Bv03")
    assert set(bericht.vorderingen.values_list("vorderingnummer", flat=True)) == {
        "KING00009999",
        "1234567890",
    }
    assert Vordering.objects.get(vorderingnummer="KING00009999").berichten.get() == bericht
