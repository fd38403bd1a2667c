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

        # After the last app: post_migrate creates each app's permissions in INSTALLED_APPS
        # order, and the roles hold permissions of apps after this one (stuffin, api, ...).
        laatste = list(self.apps.get_app_configs())[-1]
        post_migrate.connect(_ensure_roles, sender=laatste, dispatch_uid="inningen_roles_ensure")
