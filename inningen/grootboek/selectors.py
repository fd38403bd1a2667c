"""Reads of claims and their debtors, scoped by the user's organisations."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from inningen.debiteuren.models import Debiteur
from inningen.grootboek.models import Boeking, Vordering
from inningen.organisaties.models import Organisatie
from inningen.organisaties.selectors import organisatie_ids_for_user


def debiteuren_for_user(user, ids: list[int] | None = None) -> QuerySet[Debiteur]:
    """Debtors with at least one claim of the user's organisations (EXISTS, no DISTINCT);
    ``ids``: the user's organisation keys when the caller has them already."""
    ids = organisatie_ids_for_user(user) if ids is None else ids
    return Debiteur.objects.filter(
        Exists(Vordering.objects.filter(debiteur=OuterRef("pk"), organisatie_id__in=ids))
    )


def debiteur_for_user(user, pk) -> Debiteur:
    debiteur = debiteuren_for_user(user).filter(pk=pk).first()
    if debiteur is None:
        raise Http404("Debiteur niet gevonden.")
    return debiteur


@dataclass(frozen=True)
class Saldoverschil:
    vordering_id: int
    vorderingnummer: str
    tsa: str
    rsin: str
    openstaand_bedrag: int
    saldo_boekingen: int

    @property
    def verschil(self) -> int:
        return self.openstaand_bedrag - self.saldo_boekingen


@dataclass(frozen=True)
class Saldocontrole:
    aantal_vorderingen: int
    verschillen: list[Saldoverschil]


def saldi_controleren() -> Saldocontrole:
    """Every claim whose cached ``openstaand_bedrag`` is not the sum of its Boekingen
    (the ledger's definition of the open balance), for the operators' reconciliation.

    One set-based query: the Boekingen are summed per claim once (a hash aggregate over the
    ledger, not one lookup per claim), and the number of claims checked comes along in the same
    statement, also when nothing differs (the LEFT JOIN from the one-row count)."""
    qn = connection.ops.quote_name
    vordering, boeking = qn(Vordering._meta.db_table), qn(Boeking._meta.db_table)
    organisatie = qn(Organisatie._meta.db_table)
    sql = f"""
        WITH vergelijking AS (
            SELECT v.id, v.vorderingnummer, v.tsa, o.rsin, v.openstaand_bedrag,
                   COALESCE(b.saldo, 0) AS saldo
            FROM {vordering} v
            JOIN {organisatie} o ON o.id = v.organisatie_id
            LEFT JOIN (
                SELECT vordering_id, SUM(bedrag_incl_btw) AS saldo
                FROM {boeking} WHERE vordering_id IS NOT NULL GROUP BY vordering_id
            ) b ON b.vordering_id = v.id
        )
        SELECT t.aantal, a.id, a.vorderingnummer, a.tsa, a.rsin, a.openstaand_bedrag, a.saldo
        FROM (SELECT COUNT(*) AS aantal FROM vergelijking) t
        LEFT JOIN (SELECT * FROM vergelijking WHERE openstaand_bedrag <> saldo) a ON 1 = 1
        ORDER BY a.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rijen = cursor.fetchall()
    return Saldocontrole(
        aantal_vorderingen=rijen[0][0],
        verschillen=[
            Saldoverschil(*(rij[1:5]), int(rij[5]), int(rij[6]))
            for rij in rijen
            if rij[1] is not None
        ],
    )
