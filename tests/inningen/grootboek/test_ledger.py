"""The ledger has one entry point: boekingen_create. It is the only code that writes Boeking
rows or moves Vordering.openstaand_bedrag, for instances and plain rows alike."""

import ast
from pathlib import Path

import pytest

from inningen.grootboek.models import Boeking, Vordering
from inningen.grootboek.services.boekingen import boekingen_create
from tests.factories import OrganisatieFactory, vordering_maken

ROOT = Path(__file__).resolve().parents[3]
LEDGER = ROOT / "inningen" / "grootboek" / "services" / "boekingen.py"
PRODUCT = ("inningen", "stuffin", "verantwoording")


def _product_files():
    for pakket in PRODUCT:
        for pad in (ROOT / pakket).rglob("*.py"):
            if "migrations" not in pad.parts and pad != LEDGER:
                yield pad


def _writes_the_ledger(tree: ast.AST) -> list[str]:
    """Calls that would write Boeking rows or the balance cache without the entry point."""
    gevonden = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        naam = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        eerste = node.args[0] if node.args else None
        doel = eerste.id if isinstance(eerste, ast.Name) else ""
        tweede = node.args[1] if len(node.args) > 1 else None
        saldo = isinstance(tweede, ast.Constant) and tweede.value == "openstaand_bedrag"
        if naam in {"CopyRows", "rijen_insert", "update_per_pk"} and (
            doel == "Boeking" or (naam == "update_per_pk" and doel == "Vordering" and saldo)
        ):
            gevonden.append(f"{naam}({doel}) op regel {node.lineno}")
        if (
            naam in {"create", "bulk_create", "update", "get_or_create", "update_or_create"}
            and isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Attribute)
            and isinstance(func.value.value, ast.Name)
            and func.value.value.id == "Boeking"
        ):
            gevonden.append(f"Boeking.objects.{naam} op regel {node.lineno}")
        if naam in {"update", "bulk_update"} and (
            any(k.arg == "openstaand_bedrag" for k in node.keywords)
            or any(
                isinstance(n, ast.Constant) and n.value == "openstaand_bedrag"
                for a in node.args
                for n in ast.walk(a)
            )
        ):
            gevonden.append(f"{naam}(openstaand_bedrag) op regel {node.lineno}")
    return gevonden


def test_only_the_entry_point_writes_boekingen_or_the_balance():
    overtredingen = {
        str(pad.relative_to(ROOT)): gevonden
        for pad in _product_files()
        if (gevonden := _writes_the_ledger(ast.parse(pad.read_text())))
    }
    assert overtredingen == {}


def test_the_scan_recognises_a_bypass():
    bron = (
        "CopyRows(Boeking, velden)\n"
        "update_per_pk(Vordering, 'openstaand_bedrag', items)\n"
        "Boeking.objects.bulk_create(objs)\n"
        "Vordering.objects.filter(pk=1).update(openstaand_bedrag=0)\n"
    )
    assert len(_writes_the_ledger(ast.parse(bron))) == 4


@pytest.mark.django_db
def test_instances_and_rows_move_the_balance_alike():
    organisatie = OrganisatieFactory()
    vordering = vordering_maken(organisatie, vorderingnummer="L-1")
    voor = Vordering.objects.get(pk=vordering.pk).openstaand_bedrag
    basis = {
        "organisatie_id": organisatie.pk,
        "vordering_id": vordering.pk,
        "soort": "betaling",
        "boekdatum": vordering.creatiedatum,
        "bedrag_excl_btw": -250,
        "bedrag_btw": 0,
        "bedrag_incl_btw": -250,
        "boekingssleutel": "x",
        "door": "test",
    }
    gemaakt = boekingen_create(
        boekingen=[
            Boeking(**{**basis, "bedrag_incl_btw": -100, "bedrag_excl_btw": -100}),
            dict(basis),
        ]
    )

    assert len(gemaakt) == 1 and gemaakt[0].pk is not None
    vordering.refresh_from_db()
    assert vordering.openstaand_bedrag == voor - 350
    som = sum(Boeking.objects.filter(vordering=vordering).values_list("bedrag_incl_btw", flat=True))
    assert vordering.openstaand_bedrag == som


@pytest.mark.django_db
def test_a_row_that_does_not_add_up_changes_nothing():
    organisatie = OrganisatieFactory()
    vordering = vordering_maken(organisatie, vorderingnummer="L-2")
    aantal = Boeking.objects.count()
    fout = {
        "organisatie_id": organisatie.pk,
        "vordering_id": vordering.pk,
        "soort": "betaling",
        "boekdatum": vordering.creatiedatum,
        "bedrag_excl_btw": -100,
        "bedrag_btw": -21,
        "bedrag_incl_btw": -100,
        "boekingssleutel": "x",
        "door": "test",
    }
    with pytest.raises(ValueError, match="incl"):
        boekingen_create(boekingen=[fout])
    assert Boeking.objects.count() == aantal
    assert Vordering.objects.get(pk=vordering.pk).openstaand_bedrag == vordering.openstaand_bedrag
