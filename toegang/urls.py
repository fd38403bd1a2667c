"""Second factor (two_factor's views under /account/2fa/, namespace two_factor), verifying a
session, and single sign-on (/oidc/)."""

from django.urls import include, path
from two_factor import views as tf

from toegang import oidc, views

# The login itself is /inloggen/ (config/urls.py); two_factor reverses "two_factor:login".
twee_factor = [
    path("inloggen/", views.InloggenView.as_view(), name="login"),
    path("account/2fa/", tf.ProfileView.as_view(), name="profile"),
    path("account/2fa/instellen/", tf.SetupView.as_view(), name="setup"),
    path("account/2fa/qrcode/", tf.QRGeneratorView.as_view(), name="qr"),
    path("account/2fa/instellen/klaar/", tf.SetupCompleteView.as_view(), name="setup_complete"),
    path("account/2fa/reservecodes/", tf.BackupTokensView.as_view(), name="backup_tokens"),
    path("account/2fa/uitschakelen/", tf.DisableView.as_view(), name="disable"),
    path("account/2fa/webauthn/", include("two_factor.plugins.webauthn.urls")),
]

toegang = [
    path("account/2fa/verifieren/", views.VerifierenView.as_view(), name="verifieren"),
]

sso = [
    path("oidc/authenticate/", oidc.SsoStartView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", oidc.SsoTerugkeerView.as_view(), name="oidc_authentication_callback"),
]
