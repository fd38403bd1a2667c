from django.conf import settings

from stuffin.stuf.berichten import Systeem


def eigen_systeem() -> Systeem:
    """This product's own StUF identity, from settings."""
    return Systeem(
        organisatie=settings.STUF_ORGANISATIE,
        applicatie=settings.STUF_APPLICATIE,
        administratie=settings.STUF_ADMINISTRATIE,
    )


def is_eigen_systeem(systeem: Systeem) -> bool:
    """Is a message addressed to us? A blank organisatie/administratie setting matches any."""
    eigen = eigen_systeem()
    return (
        systeem.applicatie == eigen.applicatie
        and (not eigen.organisatie or systeem.organisatie == eigen.organisatie)
        and (not eigen.administratie or systeem.administratie == eigen.administratie)
    )
