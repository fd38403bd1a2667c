# The fake BRP/KvK over real HTTP (conftest fixtures are not visible across sibling directories).
from tests.inningen.basisregistraties.conftest import basisregistraties_fake  # noqa: F401
