"""The desk's pages under /desk/ (and the dashboard at /), and the public verdict pages."""

from django.urls import path

from reviews.desk import dashboard, list_views, public, views

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("desk/claims/", list_views.claim_list, name="desk-claims"),
    path("desk/claims/bulk/", list_views.claim_bulk, name="desk-claims-bulk"),
    path("desk/articles/", list_views.article_list, name="desk-articles"),
    path("desk/articles/<int:pk>/", views.article_detail, name="desk-article"),
    path("desk/claims/<int:pk>/", views.claim_detail, name="desk-claim"),
    path("desk/claims/<int:pk>/action/", views.claim_action, name="desk-claim-action"),
    path("desk/claims/<int:pk>/evidence/", views.claim_add_evidence, name="desk-claim-evidence"),
    path("desk/claims/<int:pk>/verdict/", views.claim_save_verdict, name="desk-claim-verdict"),
    # Reversed by reviews.claimreview for ClaimReview's url: keep the name.
    path("claims/<int:pk>/", public.public_claim, name="public-claim"),
    path("checks/", public.public_index, name="public-index"),
    path("ratings.css", public.rating_styles, name="rating-styles"),
]
