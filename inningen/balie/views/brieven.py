"""A letter's PDF. Rendered and stored on the spot when the queue has not got to it yet."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from inningen.balie.views.balie import balie_view
from inningen.invordering.selectors.brieven import brief_for_user
from inningen.invordering.services.brieven import brief_pdf
from inningen.verwerkingen.services import DOEL_BALIE, verwerking_log


def _bestandsnaam(brief) -> str:
    """e.g. aanmaning-2026-11-22-V-000123.pdf; the claim number comes from a TSA, so only
    letters, digits, - and _ of it are kept."""
    nummer = brief.vordering.vorderingnummer if brief.vordering else str(brief.pk)
    veilig = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in nummer)
    return f"{brief.soort}-{brief.datum:%Y-%m-%d}-{veilig}.pdf"


@balie_view("inningen.view_brief")
def brief_pdf_view(request, pk):
    brief = brief_for_user(request.user, pk)
    geheim = brief.debiteur.geheimhouding or (brief.adres_id and brief.adres.geheim)
    if geheim and not request.user.has_perm("inningen.bekijken_geheim_adres"):
        # The PDF prints the address: with BRP geheimhouding only for who may see it (#18).
        raise PermissionDenied(
            "Deze brief staat op een adres met geheimhouding (BRP); u mag dat adres niet inzien."
        )
    pdf = brief_pdf(brief=brief)
    verwerking_log(
        user=request.user,
        debiteuren=[brief.debiteur],
        vordering=brief.vordering,
        doel=DOEL_BALIE,
        activiteit=f"inzage brief ({brief.get_soort_display().lower()})",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=False, filename=_bestandsnaam(brief)
    )
    return response
