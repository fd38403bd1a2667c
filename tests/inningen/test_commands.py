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
