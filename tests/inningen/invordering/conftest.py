from tests.inningen.basisregistraties.conftest import basisregistraties_fake  # noqa: F401
