"""The desk's pages under /desk/ (and the dashboard at /), and the public verdict pages."""

from django.urls import path

from reviews.desk import (
    claim_views,
    dashboard,
    export_views,
    fixes,
    inbox_views,
    intake_views,
    list_views,
    public,
    submit_views,
    views,
    webhook_views,
)

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("desk/claims/", list_views.claim_list, name="desk-claims"),
    path("desk/claims/bulk/", list_views.claim_bulk, name="desk-claims-bulk"),
    path("desk/articles/", list_views.article_list, name="desk-articles"),
    path("desk/articles/<int:pk>/", views.article_detail, name="desk-article"),
    path("desk/articles/new/", intake_views.article_new, name="desk-article-new"),
    path("desk/articles/intake/<int:pk>/", intake_views.article_intake, name="desk-article-intake"),
    path(
        "desk/articles/<int:pk>/claims/", intake_views.article_add_claim, name="desk-article-claim"
    ),
    path("desk/claims/<int:pk>/", claim_views.claim_detail, name="desk-claim"),
    path("desk/claims/<int:pk>/action/", claim_views.claim_action, name="desk-claim-action"),
    path(
        "desk/claims/<int:pk>/evidence/", claim_views.claim_add_evidence, name="desk-claim-evidence"
    ),
    path(
        "desk/claims/<int:pk>/verdict/", claim_views.claim_save_verdict, name="desk-claim-verdict"
    ),
    path("desk/claims/<int:pk>/edit/", fixes.claim_edit, name="desk-claim-edit"),
    path(
        "desk/claims/<int:pk>/evidence/<int:evidence_id>/",
        fixes.evidence_edit,
        name="desk-evidence-edit",
    ),
    path(
        "desk/claims/<int:pk>/evidence/<int:evidence_id>/remove/",
        fixes.evidence_remove,
        name="desk-evidence-remove",
    ),
    path("desk/exports/", export_views.export_list, name="desk-exports"),
    path("desk/exports/start/", export_views.export_start, name="desk-exports-start"),
    path(
        "desk/exports/<int:pk>/download/",
        export_views.export_download,
        name="desk-export-download",
    ),
    path("desk/webhooks/", webhook_views.webhook_list, name="desk-webhooks"),
    path(
        "desk/webhooks/<int:pk>/pause/",
        webhook_views.webhook_toggle,
        {"action": "pause"},
        name="desk-webhook-pause",
    ),
    path(
        "desk/webhooks/<int:pk>/resume/",
        webhook_views.webhook_toggle,
        {"action": "resume"},
        name="desk-webhook-resume",
    ),
    path("desk/inbox/", inbox_views.inbox, name="desk-inbox"),
    path("desk/inbox/read/", inbox_views.inbox_read, name="desk-inbox-read"),
    path("desk/settings/mail/", inbox_views.mail_settings, name="desk-mail-settings"),
    # Reversed by reviews.claimreview for ClaimReview's url: keep the name.
    path("claims/<int:pk>/", public.public_claim, name="public-claim"),
    path("checks/", public.public_index, name="public-index"),
    path("submit/", submit_views.submit, name="submit-claim"),
    path("submit/thanks/", submit_views.thanks, name="submit-claim-thanks"),
    path("ratings.css", public.rating_styles, name="rating-styles"),
]
