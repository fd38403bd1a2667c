"""The app's admin registration hub: Django loads ``inningen.admin``; the admins themselves live
in the sub-packages (docs/architectuur.md), each registering its own models. Importing their admin
modules here registers them. Shared base classes are in ``inningen.admin_basis``."""

from inningen.betalingen import admin as betalingen_admin  # noqa: F401
from inningen.debiteuren import admin as debiteuren_admin  # noqa: F401
from inningen.grootboek import admin as grootboek_admin  # noqa: F401
from inningen.invordering import admin as invordering_admin  # noqa: F401
from inningen.organisaties import admin as organisaties_admin  # noqa: F401
from inningen.verwerkingen import admin as verwerkingen_admin  # noqa: F401
