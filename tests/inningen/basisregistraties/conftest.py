import pytest

from inningen.basisregistraties.fake import BasisregistratiesFake


@pytest.fixture
def basisregistraties_fake():
    """The fake BRP and KvK on a free port in a thread; fresh per test so counters start at 0."""
    fake = BasisregistratiesFake(port=0).start()
    yield fake
    fake.stop()


@pytest.fixture
def basisregistraties_fake_url(basisregistraties_fake):
    return basisregistraties_fake.base_url
