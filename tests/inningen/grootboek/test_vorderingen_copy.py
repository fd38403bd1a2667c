"""vorderingen_register writes on PostgreSQL with COPY straight from the invoer, elsewhere through
model instances: both paths must leave the same rows, return the same claims and send the same
status signal (the StUF outbox)."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from inningen.choices import Invorderingsregime
from inningen.db.bulk import CopyRows
from inningen.debiteuren.models import Machtiging
from inningen.grootboek.models import (
    Boeking,
    BtwTotaalregel,
    Termijn,
    Vordering,
    Vorderingsregel,
    Vorderingstatus,
)
from inningen.grootboek.services import vorderingen as service
from inningen.grootboek.services.vorderingen import (
    MachtigingInvoer,
    RegelInvoer,
    TermijnInvoer,
    vorderingen_register,
)
from inningen.organisaties.models import OrganisatorischeEenheid
from stuffin.models import UitgaandBericht
from stuffin.services.koppelingen import koppeling_upsert
from tests.factories import DebiteurFactory, OrganisatieFactory, vordering_invoer, vordering_maken

_WEG = {"id", "vordering_id", "created_at", "updated_at", "uuid"}  # uuid: random per claim


def _regel(excl: int, btw: int, code: str, **extra) -> RegelInvoer:
    return RegelInvoer(
        bedrag_excl_btw=excl,
        bedrag_btw=btw,
        bedrag_incl_btw=excl + btw,
        btw_categorie="HOO",
        btw_percentage=2100,
        vorderingtype="FAC",
        vorderingcode=code,
        vorderingomschrijving=f"Omschrijving {code}",
        **extra,
    )


def _invoer(organisatie, debiteur, eerdere: Vordering):
    vandaag = timezone.localdate()
    regels = [
        _regel(10000, 2100, "OMZ-1", aantal=4, eenheid="uur", stuksprijs_excl_btw=2500),
        _regel(500, 0, "OMZ-2", vorderingtoelichting="Toelichting"),
    ]
    a = vordering_invoer(
        organisatie,
        tsa="parkeren",
        vorderingnummer="C-1",
        regels=regels,
        totaalbedrag_excl_btw=10500,
        totaalbedrag_btw=2100,
        totaalbedrag_incl_btw=12600,
        taaknummer="T-9",
        invorderingsregime=Invorderingsregime.TERMIJNVERVOLGING,
        termijnen=[
            TermijnInvoer(datum=vandaag, bedrag=6300, vervaldatum=vandaag),
            TermijnInvoer(bedrag=6300),
        ],
        btw_totaalregels=[("HOO", 2100), (None, None)],
        machtiging=MachtigingInvoer(
            kenmerk="M-1", afgiftedatum=vandaag, iban="NL91ABNA0417164300", bic="ABNANL2A"
        ),
        debiteur=debiteur,
        organisatorische_eenheid=("OE-1", "Afdeling Parkeren"),
        zaak_identificatie="Z-1",
        zaak_omschrijving="Zaak",
        waarschuwingen=["een waarschuwing"],
    )
    # Relates to the claim before it in the same batch.
    b = vordering_invoer(organisatie, tsa="parkeren", vorderingnummer="C-2", debiteur=debiteur)
    b.heeft_betrekking_op = a
    b.heeft_betrekking_op_nummer = "C-1"
    # Relates to a claim stored earlier; no debtor.
    c = vordering_invoer(
        organisatie,
        tsa="parkeren",
        vorderingnummer="C-3",
        factuurdatum=None,
        vervaldatum=None,
        indicator_factuur_uitgestuurd=False,
    )
    c.heeft_betrekking_op = eerdere
    return [a, b, c]


def _rijen(model, filter_, *velden):
    velden = velden or (
        *(f.attname for f in model._meta.concrete_fields if f.attname not in _WEG),
        "vordering__vorderingnummer",
    )
    return sorted((dict(rij) for rij in model.objects.filter(**filter_).values(*velden)), key=repr)


def _momentopname(nummers):
    """Every row the batch wrote, keys replaced by what they point to."""
    vordering_velden = [
        f.attname
        for f in Vordering._meta.concrete_fields
        if f.attname
        not in _WEG | {"heeft_betrekking_op_id", "machtiging_id", "organisatorische_eenheid_id"}
    ]
    per_vordering = {"vordering__vorderingnummer__in": nummers}
    return {
        "vorderingen": _rijen(
            Vordering,
            {"vorderingnummer__in": nummers},
            *vordering_velden,
            "heeft_betrekking_op__vorderingnummer",
            "machtiging__kenmerk",
            "machtiging__iban",
            "machtiging__bic",
            "machtiging__afgiftedatum",
            "machtiging__debiteur_id",
            "machtiging__organisatie_id",
            "organisatorische_eenheid__identificatie",
            "organisatorische_eenheid__naam",
        ),
        **{
            model.__name__: _rijen(model, per_vordering)
            for model in (Vorderingsregel, BtwTotaalregel, Termijn, Vorderingstatus, Boeking)
        },
        "Machtiging": _rijen(
            Machtiging,
            {"vorderingen__vorderingnummer__in": nummers},
            *(f.attname for f in Machtiging._meta.concrete_fields if f.attname not in _WEG),
        ),
        "outbox": sorted(
            UitgaandBericht.objects.filter(**per_vordering).values_list(
                "vordering__vorderingnummer", "vorderingstatus__status", "koppeling_id", "soort"
            )
        ),
    }


def _teruggegeven(vorderingen):
    velden = [f.attname for f in Vordering._meta.concrete_fields if f.attname not in _WEG]
    velden = [v for v in velden if v not in {"machtiging_id", "organisatorische_eenheid_id"}]
    uit = []
    for v in vorderingen:
        gerelateerd = v.heeft_betrekking_op
        uit.append(
            (
                *(getattr(v, naam) for naam in velden if naam != "heeft_betrekking_op_id"),
                v.organisatie.rsin,
                v.debiteur.bsn if v.debiteur else None,
                v.machtiging.kenmerk if v.machtiging else None,
                v.organisatorische_eenheid.naam if v.organisatorische_eenheid else None,
                gerelateerd.vorderingnummer if gerelateerd else None,
                v._state.adding,
            )
        )
    return uit


def test_copy_path_writes_what_the_orm_path_writes(
    postgresql, monkeypatch, django_assert_num_queries
):
    organisatie = OrganisatieFactory()
    koppeling_upsert(
        applicatie="PARKEREN",
        rol="tsa",
        gebruikersnaam="parkeren",
        wachtwoord="parkeren-wachtwoord",
        tsa_codes=["parkeren"],
        url="http://127.0.0.1:9/stuf",
        vorderende_organisaties=[organisatie.rsin],
    )
    debiteur = DebiteurFactory()
    eerdere = vordering_maken(organisatie, tsa="facturatie", vorderingnummer="E-1")
    nummers = ["C-1", "C-2", "C-3"]
    tijdstip = timezone.now()

    def registreer(copy: bool):
        monkeypatch.setattr(service, "_copy_mogelijk", lambda: copy)
        with transaction.atomic():
            vorderingen = vorderingen_register(
                invoer=_invoer(organisatie, debiteur, eerdere), door="test", tijdstip=tijdstip
            )
            with django_assert_num_queries(0):
                teruggegeven = _teruggegeven(vorderingen)
            opname = _momentopname(nummers)
            transaction.set_rollback(True)
        return teruggegeven, opname

    orm_teruggegeven, orm = registreer(copy=False)
    copy_teruggegeven, copy = registreer(copy=True)

    assert len(orm["vorderingen"]) == 3
    assert len(orm["Vorderingsregel"]) == 2 + 1 + 1
    assert len(orm["Termijn"]) == 2 and len(orm["BtwTotaalregel"]) == 2
    assert len(orm["Machtiging"]) == 1
    assert len(orm["outbox"]) == 3  # the receiver got the VRW history rows with their claims
    for naam, rijen in orm.items():
        assert copy[naam] == rijen, naam
    assert copy_teruggegeven == orm_teruggegeven
    assert not Vordering.objects.filter(vorderingnummer__in=nummers).exists()
    assert not OrganisatorischeEenheid.objects.filter(identificatie="OE-1").exists()


def test_copy_path_balance_equals_the_ledger(postgresql):
    organisatie = OrganisatieFactory()
    vordering = vorderingen_register(
        invoer=[
            vordering_invoer(
                organisatie,
                regels=[_regel(1000, 210, "A"), _regel(99, 0, "B")],
                totaalbedrag_excl_btw=1099,
                totaalbedrag_btw=210,
                totaalbedrag_incl_btw=1309,
            )
        ],
        door="test",
    )[0]
    vordering.refresh_from_db()
    assert vordering.openstaand_bedrag == 1309 == vordering.boekingen.saldo()
    assert vordering.statussen.get().status == "VRW"


def test_inconsistent_regel_is_refused_before_anything_is_stored(db):
    organisatie = OrganisatieFactory()
    regel = _regel(1000, 210, "A")
    regel.bedrag_incl_btw = 1200
    with pytest.raises(ValueError, match="incl"):
        vorderingen_register(
            invoer=[
                vordering_invoer(organisatie, vorderingnummer="X-1", regels=[regel]),
            ],
            door="test",
        )
    for model in (Vordering, Vorderingsregel, Boeking, Vorderingstatus, UitgaandBericht):
        assert not model.objects.exists(), model.__name__


def test_copy_rows_only_for_plain_tables_on_postgresql(db, monkeypatch):
    from django.db import connection

    assert CopyRows.supported(Vordering, Boeking) == (connection.vendor == "postgresql")
    veld = Vordering._meta.get_field("openstaand_bedrag")
    monkeypatch.setattr(veld, "has_db_default", lambda: True)
    assert not CopyRows.supported(Vordering)


def test_copy_rows_fill_defaults_and_refuse_a_missing_required_field():
    rijen = CopyRows(Vorderingstatus, ("id", "vordering_id", "status", "datum_en_tijd", "door"))
    moment = datetime.datetime(2026, 1, 2, 3, 4, tzinfo=datetime.UTC)
    rijen.add(7, 8, "VRW", moment, "test")
    status = rijen.instances(moment)[0]
    assert (status.pk, status.vordering_id, status.status, status.opmerkingen) == (7, 8, "VRW", "")
    assert status.totaal_betaald is None and not status._state.adding
    with pytest.raises(ValueError, match="datum_en_tijd"):
        CopyRows(Vorderingstatus, ("id", "vordering_id", "status", "door"))
    with pytest.raises(ValueError, match="bestaat_niet"):
        CopyRows(Vorderingstatus, ("id", "bestaat_niet"))


def test_copyrows_waarden_in_de_volgorde_van_de_kolommen():
    # Omitted fields with a constant default ("" / None) and with a callable default (list) must
    # land in their own columns, whatever the mix.
    velden = tuple(v for v in service._VORDERING_VELDEN if v != "waarschuwingen")
    rijen = CopyRows(Vordering, velden)
    rijen.add(*(f"waarde-{v}" for v in velden))
    [rij] = rijen._rijen
    per_kolom = dict(zip((f.attname for f in rijen._velden_op_volgorde), rij, strict=False))
    assert per_kolom["waarschuwingen"] == []
    assert all(per_kolom[v] == f"waarde-{v}" for v in velden)
    for f in Vordering._meta.concrete_fields:
        if (
            f.attname not in velden
            and f.attname in per_kolom
            and f.attname not in ("waarschuwingen", "uuid")
        ):
            assert per_kolom[f.attname] == f.get_default(), f.attname


def test_insert_bound_stores_what_save_stores(db):
    """inningen.db.bulk.insert_bound: the same row as save(), also for megabytes of text."""
    from inningen.db.bulk import insert_bound
    from stuffin.models import Bericht

    groot = "<x>" + "é" * 3_000_000 + "</x>"
    bericht = Bericht(
        richting="in", berichtsoort="Di01-verstrekVordering", inhoud=groot, antwoord="<ok/>"
    )
    insert_bound(bericht)

    assert bericht.pk is not None and not bericht._state.adding
    opgeslagen = Bericht.objects.get(pk=bericht.pk)
    assert opgeslagen.inhoud == groot and opgeslagen.antwoord == "<ok/>"
    assert opgeslagen.tijdstip is not None  # auto_now_add through pre_save
