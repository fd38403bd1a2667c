"""verwerking_log_tegenpartijen: the counterparty of a bank entry that is no debtor is logged by
name and account; one row per counterparty, nothing for an empty one; a row names a debtor or a
counterparty (database constraint)."""

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from inningen.verwerkingen.models import Verwerking
from inningen.verwerkingen.services import verwerking_log_tegenpartijen

pytestmark = pytest.mark.django_db


def test_one_row_per_counterparty_and_none_for_an_empty_one():
    user = User.objects.create_user("inv")
    rijen = verwerking_log_tegenpartijen(
        user=user,
        tegenpartijen=[
            ("J. Jansen", "NL91ABNA0417164300"),
            ("J. Jansen", "NL91ABNA0417164300"),  # the same person twice on one page
            ("", "NL27ABNA0123456789"),
            ("", ""),
        ],
        doel="invordering",
        activiteit="werklijst betalingen",
    )
    assert [r.betrokkene for r in rijen] == ["J. Jansen NL91ABNA0417164300", "NL27ABNA0123456789"]
    assert list(Verwerking.objects.order_by("pk").values_list("betrokkene", "debiteur")) == [
        ("J. Jansen NL91ABNA0417164300", None),
        ("NL27ABNA0123456789", None),
    ]


def test_a_row_names_a_debtor_or_a_counterparty():
    rij = Verwerking(gebruikersnaam="x", doel="d", activiteit="a")
    rij._via_verwerking_log = True
    with pytest.raises(IntegrityError), transaction.atomic():
        rij.save()
