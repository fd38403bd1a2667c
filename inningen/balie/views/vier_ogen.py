"""The decision of a four-eyes review (approve or reject a proposal), one flow for the screens of
write-off proposals and refunds."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect

from inningen.balie.forms.invordering import BeoordelingForm


def besluit_handle(request, *, review, terug: str, onderwerp: str):
    """Call ``review(goedkeuren=..., toelichting=...)`` for the decision in the POST and redirect
    to ``terug`` with the outcome. Only an explicit decision acts: approving books money (a
    write-off, a refund) and cannot be undone."""
    besluit = request.POST.get("besluit")
    if besluit not in ("goedkeuren", "afwijzen"):
        messages.error(request, "Kies goedkeuren of afwijzen.")
        return redirect(terug)
    form = BeoordelingForm(request.POST)
    form.is_valid()
    goedkeuren = besluit == "goedkeuren"
    try:
        review(goedkeuren=goedkeuren, toelichting=form.cleaned_data.get("toelichting", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        tekst = "goedgekeurd en geboekt" if goedkeuren else "afgewezen"
        messages.success(request, f"{onderwerp} {tekst}.")
    return redirect(terug)
