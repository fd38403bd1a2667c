from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from inningen.organisaties.selectors import scope_for_user
from verantwoording.models import FinancieleVerantwoording
from verantwoording.services.export import as_csv, as_xlsx

_FORMATEN = {
    "csv": (as_csv, "text/csv; charset=utf-8"),
    "xlsx": (as_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@login_required
@permission_required("verantwoording.view_financieleverantwoording", raise_exception=True)
def export(request, pk: int, formaat: str):
    if formaat not in _FORMATEN:
        raise Http404
    qs = FinancieleVerantwoording.objects.select_related("organisatie").prefetch_related("regels")
    # Never another organisation's figures, even with the permission.
    qs = scope_for_user(qs, request.user)
    fvw = get_object_or_404(qs, pk=pk)
    maak, content_type = _FORMATEN[formaat]
    response = HttpResponse(maak(fvw), content_type=content_type)
    naam = f"verantwoording-{fvw.organisatie.rsin}-{fvw.verantwoordingsnummer}.{formaat}"
    response["Content-Disposition"] = f'attachment; filename="{naam}"'
    return response
