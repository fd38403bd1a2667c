"""The login (password, then a second factor when the user has a device) and the verification
of an already logged-in session."""

from django.conf import settings
from django.shortcuts import redirect
from django_otp.views import LoginView as OtpLoginView
from two_factor.views import LoginView as TwoFactorLoginView


class InloggenView(TwoFactorLoginView):
    """two_factor's login wizard at /inloggen/, with the password step's fields unprefixed
    (username, password: what password managers, scripts and the old form posted)."""

    template_name = "registration/login.html"

    def get_form_prefix(self, step=None, form=None):
        if (step or self.steps.current) == self.AUTH_STEP:
            return None
        return super().get_form_prefix(step, form)

    def post(self, *args, **kwargs):
        veld = f"{self.prefix}-current_step"
        if veld not in self.request.POST and "username" in self.request.POST:
            # A plain username/password post (no wizard state): the password step.
            data = self.request.POST.copy()
            data[veld] = self.AUTH_STEP
            self.request.POST = data
            self.storage.reset()
        return super().post(*args, **kwargs)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        context["sso"] = settings.OIDC_INGESCHAKELD
        context["sso_mislukt"] = self.request.GET.get("sso") == "mislukt"
        return context


class VerifierenView(OtpLoginView):
    """A logged-in session without a second factor (e.g. after SSO) enters a code."""

    template_name = "toegang/verifieren.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(settings.LOGIN_URL)
        return super().dispatch(request, *args, **kwargs)
