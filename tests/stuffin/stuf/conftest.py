"""Fixtures voor de pure StUF-laag: geen database en geen Django nodig."""

from __future__ import annotations

from datetime import datetime

import pytest

from stuffin.stuf.berichten import Systeem
from stuffin.stuf.tijd import NL


@pytest.fixture
def eigen() -> Systeem:
    """De identiteit van het Inningensysteem in uitgaande berichten."""
    return Systeem(organisatie="Gemeente Teststad", applicatie="Inningen", administratie="test")


@pytest.fixture
def tijdstip() -> datetime:
    return datetime(2026, 3, 14, 15, 9, 26, 535000, tzinfo=NL)
