"""Template context for every page of the balie (#19)."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from inningen.balie.selectors.tellingen import menu_tellingen as _tellingen


def menu_tellingen(request) -> dict:
    """The work-list counts for the menu badges. Lazy: only a page that shows the menu counts
    (no query for an anonymous user, on the admin, or for a PDF/JSON response)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.path.startswith(reverse("admin:index")):
        return {"menu_tellingen": {}}
    return {"menu_tellingen": SimpleLazyObject(lambda: _tellingen(user))}
