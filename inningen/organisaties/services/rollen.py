"""The roles of the product as Django groups, with their permissions.

Idempotent: groups are created when missing and get the permissions they lack; nothing is ever
removed, so what a beheerder added in the admin stays.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

BALIEMEDEWERKER = "baliemedewerker"
INVORDERAAR = "invorderaar"
BEHEERDER = "beheerder"
PRIVACYFUNCTIONARIS = "privacyfunctionaris"
ROLLEN = (BALIEMEDEWERKER, INVORDERAAR, BEHEERDER, PRIVACYFUNCTIONARIS)

# Only the privacy officer reads the verwerkingenlogging.
_PRIVACY = ("inningen", "raadplegen_verwerking")
# The balie registers uitstel/bezwaar and makes standard regelingen with the debtor at the
# counter (the plan's bounds, e.g. at most 36 termijnen, are enforced by the service); ending
# them, write-offs and their approval are for the invorderaar.
_BALIE_EXTRA = [
    ("inningen", "add_notitie"),
    ("inningen", "add_opschorting"),
    ("inningen", "add_betalingsregeling"),
    # Adopt the BRP/KvK address after "BRP raadplegen" (issue 18).
    ("inningen", "add_debiteuradres"),
    # Follow-ups ("terugbellen op …") and handling them (#19).
    ("inningen", "add_opvolging"),
    ("inningen", "change_opvolging"),
]
_INVORDERAAR_EXTRA = [
    ("inningen", "change_vordering"),
    # Undo a link made from "vordering zonder debiteur" (issue #19).
    ("inningen", "ongedaan_maken_koppeling"),
    ("inningen", "add_debiteur"),
    ("inningen", "change_debiteur"),
    ("inningen", "change_debiteurrekening"),
    ("inningen", "change_machtiging"),
    # Bank statements and the manual matching work list (issue 5).
    ("inningen", "import_afschrift"),
    ("inningen", "change_betaling"),
    # Failed/dead outgoing StUF messages: see and resend.
    ("stuffin", "view_uitgaandbericht"),
    ("stuffin", "change_uitgaandbericht"),
    ("stuffin", "view_bericht"),
    # Invordering (issue 8): regelingen, opschortingen, write-offs under four eyes (two
    # invorderaars: the service refuses approval by the proposer).
    ("inningen", "change_betalingsregeling"),
    ("inningen", "change_opschorting"),
    ("inningen", "add_afboekingsvoorstel"),
    ("inningen", "beoordelen_afboeking"),
    # Invorderingsruns: make previews and approve them.
    ("inningen", "uitvoeren_invorderingsrun"),
    # Credit (issue 16): offset it, propose refunds and approve another's (four eyes: the
    # service refuses approval by the proposer), make the credit transfer file.
    ("inningen", "verrekenen_tegoed"),
    ("inningen", "add_terugbetaling"),
    ("inningen", "beoordelen_terugbetaling"),
    # The management dashboard per organisation (#19).
    ("inningen", "bekijken_dashboard"),
]
_BEHEERDER_AUTH = ["view_user", "add_user", "change_user", "view_group"]


def _perms(paren) -> list[Permission]:
    q = Q(pk__in=[])
    for app, codename in paren:
        q |= Q(content_type__app_label=app, codename=codename)
    return list(Permission.objects.filter(q))


@transaction.atomic
def roles_ensure() -> dict[str, Group]:
    """Create the groups baliemedewerker, invorderaar, beheerder and privacyfunctionaris."""
    alle = Permission.objects.filter(
        content_type__app_label__in=["inningen", "stuffin", "verantwoording", "api"]
    ).exclude(content_type__app_label=_PRIVACY[0], codename=_PRIVACY[1])
    bekijken = list(alle.filter(content_type__app_label="inningen", codename__startswith="view_"))
    balie = [*bekijken, *_perms(_BALIE_EXTRA)]
    invorderaar = [*balie, *_perms(_INVORDERAAR_EXTRA)]
    beheerder = [
        *alle,
        *Permission.objects.filter(content_type__app_label="auth", codename__in=_BEHEERDER_AUTH),
    ]
    groepen = {}
    for naam, perms in (
        (BALIEMEDEWERKER, balie),
        (INVORDERAAR, invorderaar),
        (BEHEERDER, beheerder),
        (PRIVACYFUNCTIONARIS, _perms([_PRIVACY])),
    ):
        groep, _ = Group.objects.get_or_create(name=naam)
        groep.permissions.add(*perms)
        groepen[naam] = groep
    return groepen
