from inningen.organisaties.services.rollen import BEHEERDER


def mfa_vereist(user) -> bool:
    """Who needs a second factor when MFA is enforced: superusers, staff and beheerders."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return user.groups.filter(name=BEHEERDER).exists()
