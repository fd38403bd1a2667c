import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from inningen.organisaties.models import Bankrekening, Organisatie
from stuffin.models import Koppeling, Koppelingsrol

pytestmark = pytest.mark.django_db


def test_organisatie_create_then_update_idempotently(capsys):
    call_command(
        "organisatie",
        rsin="002220647",
        naam="Gemeente A",
        gemeentecode="0363",
        iban=["NL91 ABNA 0417 1643 00"],
        incassant_id="NL57ZZZ999999999999",
    )
    call_command(
        "organisatie", rsin="002220647", naam="Gemeente A-stad", iban=["NL91ABNA0417164300"]
    )
    org = Organisatie.objects.get()
    assert (org.naam, org.gemeentecode, org.incassant_id) == (
        "Gemeente A-stad",
        "0363",
        "NL57ZZZ999999999999",
    )
    assert list(Bankrekening.objects.values_list("iban", flat=True)) == ["NL91ABNA0417164300"]
    assert "bijgewerkt" in capsys.readouterr().out


@pytest.mark.parametrize(
    "kwargs, melding",
    [
        ({"rsin": "123456789"}, "RSIN"),
        ({"rsin": "002220647", "iban": ["NL00ABNA0000000000"]}, "IBAN"),
        ({"rsin": "002220647", "incassant_id": "NL00ZZZ1"}, "incassant"),
        ({"rsin": "002220647", "gemeentecode": "12"}, "Gemeentecode"),
    ],
)
def test_organisatie_refuses_invalid_input(kwargs, melding):
    with pytest.raises(CommandError, match=melding):
        call_command("organisatie", **kwargs)
    assert not Organisatie.objects.exists()


def test_koppeling_creates_unknown_organisation_and_is_idempotent():
    args = dict(
        applicatie="PARKEREN",
        organisatie="0363",
        rol="tsa",
        tsa_codes=["parkeren"],
        organisaties=["002220647", "111222333"],
        url="https://tsa.example.nl/stuf",
        gebruikersnaam="parkeren",
        wachtwoord="een-lang-wachtwoord",
    )
    call_command("koppeling", **args)
    call_command("koppeling", **args)
    koppeling = Koppeling.objects.get()
    assert Organisatie.objects.count() == 2  # created once, not again by the second call
    assert koppeling.rol == Koppelingsrol.TSA
    assert koppeling.standaard_organisatie.rsin == "002220647"
    assert set(koppeling.vorderende_organisaties.values_list("rsin", flat=True)) == {
        "002220647",
        "111222333",
    }
    assert list(koppeling.tsa_codes.values_list("code", flat=True)) == ["parkeren"]
    # The password is stored hashed, like a Django user password.
    assert koppeling.wachtwoord.startswith("pbkdf2_") and koppeling.check_wachtwoord(
        "een-lang-wachtwoord"
    )


@pytest.mark.parametrize(
    "extra, melding",
    [
        ({"organisaties": ["123456789"]}, "RSIN"),
        ({"wachtwoord": "kort"}, "12 tekens"),
        ({"url": "geen-url"}, "URL"),
    ],
)
def test_koppeling_refuses_invalid_input(extra, melding):
    args = {
        "applicatie": "PARKEREN",
        "rol": "tsa",
        "gebruikersnaam": "p",
        "wachtwoord": "een-lang-wachtwoord",
        **extra,
    }
    with pytest.raises(CommandError, match=melding):
        call_command("koppeling", **args)
    assert not Koppeling.objects.exists()


def test_tsa_code_belongs_to_one_koppeling():
    call_command(
        "koppeling",
        applicatie="A",
        rol="tsa",
        tsa_codes=["x"],
        gebruikersnaam="a",
        wachtwoord="een-lang-wachtwoord",
    )
    with pytest.raises(CommandError, match="TSA-code x"):
        call_command(
            "koppeling",
            applicatie="B",
            rol="tsa",
            tsa_codes=["x"],
            gebruikersnaam="b",
            wachtwoord="een-lang-wachtwoord",
        )
    koppeling = Koppeling.objects.get()
    assert koppeling.applicatie == "A"
    assert list(koppeling.tsa_codes.values_list("code", flat=True)) == ["x"]


# --- saldi_controleren (issue #15, finding 11) ---------------------------------------------------


def test_saldi_controleren_zero_when_every_balance_reconciles(capsys):
    from tests.factories import OrganisatieFactory, vordering_maken

    org = OrganisatieFactory()
    vordering_maken(org)
    vordering_maken(org)
    call_command("saldi_controleren")
    assert "Alle saldi sluiten aan: 2 vorderingen gecontroleerd." in capsys.readouterr().out


def _saldo_buiten_het_grootboek_om(vordering, bedrag: int) -> None:
    """What the protection is there to prevent, done on purpose: on PostgreSQL as a superuser
    with every trigger off for this transaction (no trigger on SQLite)."""
    from django.db import connection

    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "UPDATE inningen_vordering SET openstaand_bedrag = %s WHERE id = %s",
            [bedrag, vordering.pk],
        )
        if postgresql:
            cursor.execute("SET LOCAL session_replication_role = origin")


def test_saldi_controleren_lists_differences_and_exits_non_zero(capsys):
    from tests.factories import OrganisatieFactory, vordering_maken

    org = OrganisatieFactory()
    vordering_maken(org, vorderingnummer="GOED-1")
    fout = vordering_maken(org, vorderingnummer="FOUT-1")
    _saldo_buiten_het_grootboek_om(fout, 100)
    with pytest.raises(CommandError) as exc:
        call_command("saldi_controleren")
    assert exc.value.returncode == 1
    assert "1 van 2 vorderingen wijken af" in str(exc.value)
    assert "verschil in totaal -€ 120,00" in str(exc.value)
    uitvoer = capsys.readouterr().out
    assert f"{fout.pk};{org.rsin};facturatie;FOUT-1;€ 1,00;€ 121,00;-€ 120,00" in uitvoer
    assert "GOED-1" not in uitvoer and len(uitvoer.splitlines()) == 2  # header + one claim


def test_databaserollen_only_on_postgresql(capsys):
    from django.db import connection

    if connection.vendor == "postgresql":  # the grants themselves: grootboek/test_bescherming.py
        call_command("databaserollen")
        assert "inningen_boeking" in capsys.readouterr().out
        return
    with pytest.raises(CommandError, match="alleen op PostgreSQL"):
        call_command("databaserollen")
