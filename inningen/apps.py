from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_roles(sender, **kwargs):
    """The product's roles exist in every installation, not only in the demo."""
    from inningen.organisaties.services.rollen import roles_ensure

    roles_ensure()


class InningenConfig(AppConfig):
    name = "inningen"
    verbose_name = "Inningen"

    def ready(self):
        from inningen import checks  # noqa: F401  (registers system checks)

        post_migrate.connect(_ensure_roles, sender=self, dispatch_uid="inningen_roles_ensure")
