"""Batches stored in parts of one transaction (as a Di01 of thousands of claims is): a
DebiteurenBatch carries the debtors and accounts across debiteuren_upsert calls, a
VorderingenBatch the mandates across vorderingen_register calls and, as a ``with`` block, the
status signal to its end. Every test runs with the writes at once and in a write-behind block
(on other databases than PostgreSQL the latter is the same as the former)."""

import contextlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inningen.models import Debiteur, DebiteurRekening, Machtiging, Vordering, Vorderingstatus
from inningen.services.boekingen import KeyReserve
from inningen.services.debiteuren import (
    DebiteurenBatch,
    debiteur_natuurlijk_persoon,
    debiteuren_upsert,
)
from inningen.services.vorderingen import MachtigingInvoer, VorderingenBatch, vorderingen_register
from inningen.signals import vorderingstatussen_vastgelegd
from inningen.writebehind import write_behind
from stuffin.models import UitgaandBericht
from stuffin.services.koppelingen import koppeling_upsert
from tests.factories import (
    DebiteurFactory,
    OrganisatieFactory,
    elfproef_nummer,
    iban_nl,
    vordering_invoer,
)


@pytest.fixture(params=["direct", "write-behind"])
def schrijfwijze(request, db):
    """A context for the parts: none, or a write-behind block as a Di01 has."""
    return contextlib.nullcontext if request.param == "direct" else write_behind


def _sql(queries) -> list[str]:
    # A SAVEPOINT the write-behind queued is logged without its SQL (None): Django logs what
    # its own cursor executed, and that cursor executed nothing.
    return [q["sql"] or "" for q in queries.captured_queries]


def _selects(queries, tabel: str) -> list[str]:
    return [sql for sql in _sql(queries) if sql.startswith("SELECT") and f'FROM "{tabel}"' in sql]


def _updates(queries, tabel: str) -> list[str]:
    return [sql for sql in _sql(queries) if sql.startswith(f'UPDATE "{tabel}"')]


def _persoon(bsn: str, ibans=(), **gegevens):
    return debiteur_natuurlijk_persoon(bsn=bsn, gegevens=gegevens, ibans=list(ibans))


def _ibans(debiteur) -> list[str]:
    return sorted(DebiteurRekening.objects.filter(debiteur=debiteur).values_list("iban", flat=True))


# --- DebiteurenBatch -----------------------------------------------------------------------------


def test_same_bsn_in_two_parts_is_one_debiteur(schrijfwijze):
    """A new BSN in part 1 and again in part 2 resolves to the same Debiteur, stored once,
    with the data of part 2."""
    bsn = elfproef_nummer()
    batch = DebiteurenBatch()
    with schrijfwijze():
        [eerste] = debiteuren_upsert(invoer=[_persoon(bsn, geslachtsnaam="Eerst")], batch=batch)
        [tweede] = debiteuren_upsert(invoer=[_persoon(bsn, geslachtsnaam="Later")], batch=batch)
    assert tweede is eerste and eerste.pk is not None
    assert list(Debiteur.objects.filter(bsn=bsn).values_list("pk", "geslachtsnaam")) == [
        (eerste.pk, "Later")
    ]


def test_known_debiteur_updated_in_both_parts_ends_with_the_newest_data(schrijfwijze):
    """A stored debtor changed in part 1 and again in part 2 ends with part 2's values (empty
    values erase nothing); a part that changes nothing writes no UPDATE."""
    bestaand = DebiteurFactory(geslachtsnaam="Oud", voorletters="J.", woonplaats="Utrecht")
    batch = DebiteurenBatch()
    with schrijfwijze():
        deel1 = [_persoon(bestaand.bsn, geslachtsnaam="Eerst", voorletters="A.")]
        deel2 = [_persoon(bestaand.bsn, geslachtsnaam="Laatst", woonplaats="")]
        [eerste] = debiteuren_upsert(invoer=deel1, batch=batch)
        [tweede] = debiteuren_upsert(invoer=deel2, batch=batch)
        with CaptureQueriesContext(connection) as queries:
            [derde] = debiteuren_upsert(invoer=deel2, batch=batch)
        assert _updates(queries, Debiteur._meta.db_table) == []
    assert eerste is tweede is derde and eerste.pk == bestaand.pk
    opgeslagen = Debiteur.objects.get(bsn=bestaand.bsn)
    assert (opgeslagen.pk, opgeslagen.geslachtsnaam, opgeslagen.voorletters) == (
        bestaand.pk,
        "Laatst",
        "A.",
    )
    assert (opgeslagen.woonplaats, opgeslagen.zoeknaam) == ("Utrecht", "laatst")


def test_new_debiteur_of_part_1_updated_in_part_2(schrijfwijze):
    """A debtor created in part 1 (its insert maybe still queued) and changed in part 2 is
    one row with part 2's data."""
    bsn = elfproef_nummer()
    batch = DebiteurenBatch()
    with schrijfwijze():
        debiteuren_upsert(invoer=[_persoon(bsn, geslachtsnaam="Nieuw")], batch=batch)
        debiteuren_upsert(
            invoer=[_persoon(bsn, geslachtsnaam="Nieuwer", woonplaats="Zwolle")], batch=batch
        )
    assert list(Debiteur.objects.filter(bsn=bsn).values_list("geslachtsnaam", "woonplaats")) == [
        ("Nieuwer", "Zwolle")
    ]


def test_rekeningen_are_not_inserted_twice_across_parts(schrijfwijze):
    """An account sent again in a later part (of a stored or a new debtor) is not inserted
    again, only the new ones are; part 2 does not ask the database for accounts again."""
    bestaand = DebiteurFactory()
    DebiteurRekening.objects.create(debiteur=bestaand, iban=iban_nl(1))
    nieuw_bsn = elfproef_nummer()
    batch = DebiteurenBatch()
    with schrijfwijze():
        debiteuren_upsert(
            invoer=[
                _persoon(bestaand.bsn, [iban_nl(1), iban_nl(2)]),
                _persoon(nieuw_bsn, [iban_nl(3)]),
            ],
            batch=batch,
        )
        with CaptureQueriesContext(connection) as queries:
            debiteuren_upsert(
                invoer=[
                    _persoon(bestaand.bsn, [iban_nl(2), iban_nl(4)]),
                    _persoon(nieuw_bsn, [iban_nl(3), iban_nl(5)]),
                ],
                batch=batch,
            )
        assert _selects(queries, DebiteurRekening._meta.db_table) == []
    assert _ibans(bestaand) == sorted([iban_nl(1), iban_nl(2), iban_nl(4)])
    assert _ibans(Debiteur.objects.get(bsn=nieuw_bsn)) == sorted([iban_nl(3), iban_nl(5)])


def test_load_spares_the_parts_every_debiteur_select(schrijfwijze):
    """batch.load() of every part asks for the stored debtors in one SELECT; the parts then
    ask nothing about debtors, only a key load() did not see costs a SELECT again."""
    bestaand = DebiteurFactory(geslachtsnaam="Oud")
    y, z, w = elfproef_nummer(), elfproef_nummer(), elfproef_nummer()
    deel1 = [_persoon(bestaand.bsn, geslachtsnaam="Nieuw"), _persoon(y)]
    deel2 = [_persoon(bestaand.bsn), _persoon(z)]
    batch = DebiteurenBatch()
    tabel = Debiteur._meta.db_table
    with schrijfwijze():
        with CaptureQueriesContext(connection) as queries:
            batch.load(deel1 + deel2)
        assert len(_selects(queries, tabel)) == 1
        with CaptureQueriesContext(connection) as queries:
            eerste = debiteuren_upsert(invoer=deel1, batch=batch)
            tweede = debiteuren_upsert(invoer=deel2, batch=batch)
        assert _selects(queries, tabel) == []
        with CaptureQueriesContext(connection) as queries:
            debiteuren_upsert(invoer=[_persoon(w)], batch=batch)
        assert len(_selects(queries, tabel)) == 1
    assert eerste[0] is tweede[0] and eerste[0].pk == bestaand.pk
    assert Debiteur.objects.get(pk=bestaand.pk).geslachtsnaam == "Nieuw"
    assert Debiteur.objects.filter(bsn__in=[bestaand.bsn, y, z, w]).count() == 4


def test_load_reserves_a_key_per_new_debiteur(postgresql):
    """With a KeyReserve, load() expects a key for every invoer no stored debtor matches:
    the new debtors of all parts get their keys from one draw, ascending."""
    bestaand = DebiteurFactory()
    y, z = elfproef_nummer(), elfproef_nummer()
    deel1, deel2 = [_persoon(bestaand.bsn), _persoon(y)], [_persoon(z)]
    batch = DebiteurenBatch(sleutels=KeyReserve())
    batch.load(deel1 + deel2)
    with CaptureQueriesContext(connection) as queries, write_behind():
        [_, nieuw1] = debiteuren_upsert(invoer=deel1, batch=batch)
        [nieuw2] = debiteuren_upsert(invoer=deel2, batch=batch)
    assert sum("nextval" in sql for sql in _sql(queries)) == 1
    assert nieuw1.pk < nieuw2.pk
    assert dict(Debiteur.objects.filter(bsn__in=[y, z]).values_list("bsn", "pk")) == {
        y: nieuw1.pk,
        z: nieuw2.pk,
    }


# --- VorderingenBatch ----------------------------------------------------------------------------


@pytest.fixture
def verzonden():
    """The statussen of every vorderingstatussen_vastgelegd sent during the test."""
    ontvangen: list[list[Vorderingstatus]] = []

    def ontvanger(sender, statussen, **kwargs):
        ontvangen.append(list(statussen))

    vorderingstatussen_vastgelegd.connect(ontvanger, weak=False)
    yield ontvangen
    vorderingstatussen_vastgelegd.disconnect(ontvanger)


@pytest.fixture
def organisatie(db):
    """An organisation whose TSA 'facturatie' wants status changes (the outbox receiver)."""
    organisatie = OrganisatieFactory()
    koppeling_upsert(
        applicatie="FACTURATIE",
        rol="tsa",
        gebruikersnaam="facturatie",
        wachtwoord="facturatie-wachtwoord",
        tsa_codes=["facturatie"],
        url="http://127.0.0.1:9/stuf",
        vorderende_organisaties=[organisatie.rsin],
    )
    return organisatie


def _outbox(vorderingen) -> int:
    return UitgaandBericht.objects.filter(vordering__in=[v.pk for v in vorderingen]).count()


def test_same_machtiging_in_two_parts_is_one_row(schrijfwijze, organisatie, vandaag):
    """A new mandate (same organisation, debtor, kenmerk and IBAN) in two parts is stored
    once and both claims point to it; a stored mandate is used, not copied."""
    debiteur = DebiteurFactory()
    bestaand = Machtiging.objects.create(
        organisatie=organisatie, debiteur=debiteur, kenmerk="M-0", afgiftedatum=vandaag,
        iban=iban_nl(10),
    )  # fmt: skip

    def machtiging(kenmerk, iban):
        return MachtigingInvoer(kenmerk=kenmerk, afgiftedatum=vandaag, iban=iban)

    def deel(nummer):
        return [
            vordering_invoer(
                organisatie, vorderingnummer=f"{nummer}-nieuw", debiteur=debiteur,
                machtiging=machtiging("M-1", iban_nl(11)),
            ),
            vordering_invoer(
                organisatie, vorderingnummer=f"{nummer}-oud", debiteur=debiteur,
                machtiging=machtiging("M-0", iban_nl(10)),
            ),
        ]  # fmt: skip

    batch = VorderingenBatch()
    with schrijfwijze():
        vorderingen_register(invoer=deel("A"), door="test", batch=batch)
        vorderingen_register(invoer=deel("B"), door="test", batch=batch)
    machtigingen = Machtiging.objects.filter(organisatie=organisatie, debiteur=debiteur)
    assert sorted(machtigingen.values_list("kenmerk", flat=True)) == ["M-0", "M-1"]
    nieuw = machtigingen.get(kenmerk="M-1")
    per_nummer = dict(
        Vordering.objects.filter(organisatie=organisatie).values_list(
            "vorderingnummer", "machtiging_id"
        )
    )
    assert per_nummer == {
        "A-nieuw": nieuw.pk,
        "B-nieuw": nieuw.pk,
        "A-oud": bestaand.pk,
        "B-oud": bestaand.pk,
    }


def test_with_block_sends_the_signal_once_at_its_end(schrijfwijze, organisatie, verzonden):
    """In a ``with batch:`` block the parts send nothing; the block's end sends
    vorderingstatussen_vastgelegd once with the statuses of all parts, and the outbox gets
    its rows then."""
    batch = VorderingenBatch()
    with schrijfwijze():
        with batch:
            deel1 = vorderingen_register(
                invoer=[vordering_invoer(organisatie), vordering_invoer(organisatie)],
                door="test",
                batch=batch,
            )
            deel2 = vorderingen_register(
                invoer=[vordering_invoer(organisatie)], door="test", batch=batch
            )
            assert verzonden == []
            assert _outbox(deel1 + deel2) == 0
        assert len(verzonden) == 1
        assert [s.vordering_id for s in verzonden[0]] == [v.pk for v in deel1 + deel2]
        assert {s.status for s in verzonden[0]} == {"VRW"}
    assert Vorderingstatus.objects.filter(pk__in=[s.pk for s in verzonden[0]]).count() == 3
    assert _outbox(deel1 + deel2) == 3
    assert batch.statussen == [] and not batch.open


def test_with_block_that_raises_sends_no_signal(schrijfwijze, organisatie, verzonden):
    """When the ``with batch:`` block ends with an exception, no signal is sent (and no
    outbox row written): the caller's transaction rolls the claims back."""
    batch = VorderingenBatch()
    with pytest.raises(RuntimeError, match="fout"), schrijfwijze(), batch:
        vorderingen = vorderingen_register(
            invoer=[vordering_invoer(organisatie)], door="test", batch=batch
        )
        raise RuntimeError("fout in een later deel")
    assert verzonden == []
    assert _outbox(vorderingen) == 0
    assert batch.statussen == [] and not batch.open


def test_without_with_block_every_call_sends_the_signal(schrijfwijze, organisatie, verzonden):
    """Without a with-block each vorderingen_register call sends its own statuses at once."""
    batch = VorderingenBatch()
    with schrijfwijze():
        deel1 = vorderingen_register(
            invoer=[vordering_invoer(organisatie)], door="test", batch=batch
        )
        assert [[s.vordering_id for s in statussen] for statussen in verzonden] == [[deel1[0].pk]]
        assert _outbox(deel1) == 1
        deel2 = vorderingen_register(
            invoer=[vordering_invoer(organisatie), vordering_invoer(organisatie)],
            door="test",
            batch=batch,
        )
    assert [[s.vordering_id for s in statussen] for statussen in verzonden] == [
        [deel1[0].pk],
        [v.pk for v in deel2],
    ]
    assert _outbox(deel1 + deel2) == 3
