import threading

import pytest

from inningen.basisregistraties.fake import BasisregistratiesFake


@pytest.fixture
def basisregistraties_fake():
    """The fake BRP and KvK on a free port in a thread; fresh per test so counters start at 0."""
    fake = BasisregistratiesFake(port=0)
    server = fake.bind()
    # A short poll interval so stop() (each test's teardown) returns at once.
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    ).start()
    yield fake
    fake.stop()


@pytest.fixture
def basisregistraties_fake_url(basisregistraties_fake):
    return basisregistraties_fake.base_url
