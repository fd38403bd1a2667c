"""Screens of the balie and the invorderaar's work lists; included in config/urls.py at ""."""

from django.urls import path

from inningen.balie.views import (
    balie,
    basisregistraties,
    brieven,
    invordering,
    runs,
    tegoed,
    werk,
    werklijsten,
)

app_name = "balie"

urlpatterns = [
    path("", balie.zoeken, name="zoeken"),
    path("debiteuren/<int:pk>/", balie.debiteur, name="debiteur"),
    path("debiteuren/<int:pk>/notities/", balie.notitie_toevoegen, name="notitie_toevoegen"),
    path("vorderingen/<int:pk>/", balie.vordering, name="vordering"),
    # Issue #19: undo a link from the work list; the citizen's saldo-overzicht.
    path(
        "vorderingen/<int:pk>/koppeling-ongedaan-maken/",
        balie.koppeling_ongedaan_maken,
        name="koppeling_ongedaan_maken",
    ),
    path(
        "debiteuren/<int:pk>/saldo-overzicht.pdf",
        balie.saldo_overzicht_pdf,
        name="saldo_overzicht",
    ),
    path("werklijsten/zonder-debiteur/", werklijsten.zonder_debiteur, name="zonder_debiteur"),
    path(
        "werklijsten/zonder-debiteur/<int:pk>/",
        werklijsten.zonder_debiteur_behandelen,
        name="zonder_debiteur_behandelen",
    ),
    path("werklijsten/berichten/", werklijsten.uitgaand, name="uitgaand"),
    path("werklijsten/berichten/opnieuw/", werklijsten.uitgaand_opnieuw, name="uitgaand_opnieuw"),
]

# Invordering (issue 8): opschortingen, afboekingen under four eyes, betalingsregelingen.

urlpatterns += [
    path(
        "vorderingen/<int:pk>/opschorting/",
        invordering.opschorting_nieuw,
        name="opschorting_nieuw",
    ),
    path(
        "opschortingen/<int:pk>/beeindigen/",
        invordering.opschorting_stoppen,
        name="opschorting_end",
    ),
    path("vorderingen/<int:pk>/afboeking/", invordering.afboeking_nieuw, name="afboeking_nieuw"),
    path("werklijsten/afboekingen/", invordering.afboekingen, name="afboekingen"),
    path(
        "werklijsten/afboekingen/<int:pk>/",
        invordering.afboeking_beoordeel,
        name="afboeking_review",
    ),
    path("debiteuren/<int:pk>/regeling/", invordering.regeling_nieuw, name="regeling_nieuw"),
    path(
        "regelingen/<int:pk>/beeindigen/",
        invordering.regeling_stoppen,
        name="regeling_end",
    ),
]

# The invorderingsrun: previews, approval, results, exports.

urlpatterns += [
    path("invordering/runs/", runs.runs, name="runs"),
    path("invordering/runs/<int:pk>/", runs.run, name="run"),
    path("invordering/runs/<int:pk>/bevestigen/", runs.run_bevestigen, name="run_bevestigen"),
    path("invordering/runs/<int:pk>/goedkeuren/", runs.run_goedkeuren, name="run_goedkeuren"),
    path(
        "invordering/runs/<int:pk>/voorbeeldbrief/<slug:stap>/",
        runs.run_voorbeeldbrief,
        name="run_voorbeeldbrief",
    ),
    path("invordering/runs/<int:pk>/lijst.csv", runs.run_lijst, name="run_lijst"),
    path("invordering/runs/<int:pk>/overdracht.csv", runs.run_overdracht, name="run_overdracht"),
]

# Letters (issue 8).

urlpatterns += [path("brieven/<int:pk>/pdf/", brieven.brief_pdf_view, name="brief_pdf")]

# Credit (issue 16): offsetting, refunds under four eyes, credit transfer files.

urlpatterns += [
    path(
        "debiteuren/<int:pk>/tegoed/<int:org_pk>/verrekenen/",
        tegoed.verrekenen,
        name="tegoed_verrekenen",
    ),
    path(
        "debiteuren/<int:pk>/tegoed/<int:org_pk>/terugbetalen/",
        tegoed.terugbetaling_nieuw,
        name="terugbetaling_nieuw",
    ),
    path("werklijsten/tegoeden/", tegoed.tegoeden, name="tegoeden"),
    path("werklijsten/terugbetalingen/", tegoed.terugbetalingen, name="terugbetalingen"),
    path(
        "werklijsten/terugbetalingen/<int:pk>/",
        tegoed.terugbetaling_beoordeel,
        name="terugbetaling_review",
    ),
    path(
        "werklijsten/terugbetalingen/bestand/<int:org_pk>/",
        tegoed.terugbetaalbestand_nieuw,
        name="terugbetaalbestand_nieuw",
    ),
    path(
        "terugbetaalbestanden/<int:pk>/",
        tegoed.terugbetaalbestand_download,
        name="terugbetaalbestand",
    ),
]

# Basisregistraties (issue #18): BRP and Handelsregister at the balie, work list "adres in onderzoek".

urlpatterns += [
    path("debiteuren/<int:pk>/brp/", basisregistraties.brp, name="brp"),
    path("debiteuren/<int:pk>/handelsregister/", basisregistraties.kvk, name="kvk"),
    path(
        "werklijsten/adres-in-onderzoek/",
        werklijsten.adres_in_onderzoek,
        name="adres_in_onderzoek",
    ),
]

# Work management (#19): start page per role, follow-ups and "mijn werk", management dashboard.

urlpatterns += [
    path("start/", werk.start, name="start"),
    path("mijn-werk/", werk.mijn_werk, name="mijn_werk"),
    path("dashboard/", werk.dashboard, name="dashboard"),
    path("debiteuren/<int:pk>/opvolging/", werk.opvolging_debiteur, name="opvolging_debiteur"),
    path("vorderingen/<int:pk>/opvolging/", werk.opvolging_vordering, name="opvolging_vordering"),
    path(
        "opvolgingen/<int:pk>/afhandelen/",
        werk.opvolging_afhandelen_view,
        name="opvolging_afhandelen",
    ),
]
