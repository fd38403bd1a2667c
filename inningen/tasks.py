"""Celery finds tasks in ``<app>.tasks``: the sub-packages' tasks, registered by importing them."""

from inningen.betalingen.tasks import afschrift_importeren, afschriftimport_opruimen  # noqa: F401
from inningen.invordering.tasks import (  # noqa: F401
    brieven_opruimen,
    brieven_renderen,
    invordering_dagelijks,
    invorderingsrun_uitvoeren,
)
