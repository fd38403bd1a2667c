"""Which part of a claim (kosten, rente, hoofdsom) a Boeking concerns, and the order in which
money is allocated to the parts (art. 6:44 BW: costs, then interest, then the principal)."""

from inningen.choices import Boekingdeel, Boekingsoort

TOEREKENINGSVOLGORDE = (Boekingdeel.KOSTEN, Boekingdeel.RENTE, Boekingdeel.HOOFDSOM)
_DEEL_VAN_SOORT = {Boekingsoort.KOSTEN: Boekingdeel.KOSTEN, Boekingsoort.RENTE: Boekingdeel.RENTE}


def effectief_deel(soort: str, deel: str) -> str:
    """The part a Boeking concerns: its own ``deel``, else the one its ``soort`` implies."""
    return deel or _DEEL_VAN_SOORT.get(soort, Boekingdeel.HOOFDSOM)
