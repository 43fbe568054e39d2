"""The review endpoints of the REST API: claims with their verdicts and workflow actions,
their evidence, verdicts, workflow steps and ClaimReview, the reviewer's queue and the
rating scale.

Views parse input, call one service, and leave the mapping of its domain errors to
factcheck.api.exception_handler. Which claims exist for a user is decided once, by
claims.selectors.visible_claims, which every queryset here starts from.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from claims.api import views as claims_views
from claims.api.permissions import DeskMember, ReadPublicWriteDesk
from claims.api.views import CLAIM_ID, ClaimChildMixin
from claims.models import Claim
from claims.selectors import claim_rows, claims_for_list, is_staff_member
from factcheck.api import (
    ETAG_HEADER,
    IF_MATCH,
    DeskPermission,
    LDJSONRenderer,
    Public,
    claim_etag,
    expected_version,
)
from reviews import services
from reviews.api import rows
from reviews.api.filters import ClaimFilter
from reviews.api.serializers import (
    CLAIM_REVIEW_SCHEMA,
    ClaimSerializer,
    ClaimStateSerializer,
    ClaimUpdateSerializer,
    EvidenceInputSerializer,
    EvidenceSerializer,
    RatingSerializer,
    TransitionInputSerializer,
    TransitionSerializer,
    VerdictInputSerializer,
    VerdictSerializer,
    may_see_external,
)
from reviews.claimreview import claim_review
from reviews.external_matching import matches_prefetch
from reviews.models import (
    Evidence,
    Rating,
    Transition,
    Verdict,
)
from reviews.selectors import claims_for_claimreview

# -- claims, as the review workflow shows them ------------------------------------------------


def claim_list_queryset(user):
    """Claims with everything ClaimSerializer reads, in a fixed number of queries."""
    return claims_for_list(user).prefetch_related(
        Prefetch(
            "verdicts",
            queryset=Verdict.objects.select_related("rating").defer("rationale").order_by("id"),
        ),
        matches_prefetch(),
    )


class ClaimPageMixin:
    """Claim lists: the page as rows (claims.selectors.claim_rows, no model instances)
    with their verdicts, and its matches in another query when it has any
    (reviews.api.rows)."""

    def paginate_queryset(self, queryset):
        user = self.request.user
        queryset = rows.with_verdicts(queryset.prefetch_related(None), user)
        annotations = ("verdict_rows", "reader_contributed")
        matches = may_see_external(user)
        if matches:
            queryset, annotations = rows.with_has_matches(queryset), (*annotations, "has_matches")
        page = super().paginate_queryset(claim_rows(queryset, *annotations))
        if page is None:
            return None
        return rows.attach_to_rows(page, with_matches=matches)


@extend_schema_view(
    # The claims app's views name its own serializer in their answers; here the claim
    # carries its verdict and actions, and one schema component may not have two shapes.
    retrieve=extend_schema(
        responses={
            200: ClaimSerializer,
            304: OpenApiResponse(description="If-None-Match names the current version"),
        }
    ),
    create=extend_schema(responses={201: ClaimSerializer}),
)
class ClaimViewSet(ClaimPageMixin, claims_views.ClaimViewSet):
    """/api/v1/claims/: the claims app's endpoints, with each claim's verdict and the
    actions open to the reader, and edits under the workflow's rules (who may change a
    claim depends on its review state)."""

    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    conditional_methods = ("PATCH",)

    def get_queryset(self):
        return claim_list_queryset(self.request.user)

    @extend_schema(
        summary="Edit a claim's text, claimant or date while it is open to you",
        tags=["claims"],
        request=ClaimUpdateSerializer,
        responses={200: ClaimSerializer},
        parameters=[IF_MATCH, ETAG_HEADER],
    )
    def partial_update(self, request, *args, **kwargs):
        claim = self.get_object()
        payload = ClaimUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        version = expected_version(request, claim)
        changes = {}
        if "text" in data:
            changes["text"] = data["text"]
        if "claim_date" in data:
            changes["claim_date"] = data["claim_date"]
        # One transaction: a claimant named in a refused edit is not kept.
        with transaction.atomic():
            if "claimant" in data:
                changes["claimant"] = claims_views._claimant(data["claimant"])
            services.update_claim(
                claim_id=claim.pk, actor=request.user, expected_version=version, **changes
            )
        return self.claim_response(claim.pk)


@extend_schema_view(
    get=extend_schema(summary="The claim's evidence", tags=["evidence"], parameters=[CLAIM_ID]),
    post=extend_schema(
        summary="Attach an evidence record (archived in the background)",
        tags=["evidence"],
        request=EvidenceInputSerializer,
        responses={201: EvidenceSerializer},
        parameters=[CLAIM_ID],
    ),
)
class EvidenceListView(ClaimChildMixin, generics.ListCreateAPIView):
    serializer_class = EvidenceSerializer
    permission_classes = [DeskPermission]
    permission_model = "reviews.evidence"
    ordering_fields = ["id", "created_at"]
    ordering = ["id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Evidence.objects.none()
        return Evidence.objects.filter(claim=self.get_claim()).select_related("added_by")

    def create(self, request, *args, **kwargs):
        claim = self.get_claim()
        payload = EvidenceInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        evidence = services.add_evidence(
            claim_id=claim.pk, actor=request.user, **payload.validated_data
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(summary="One evidence record", tags=["evidence"], parameters=[CLAIM_ID]),
    patch=extend_schema(
        summary="Change an evidence record while the claim is open to you",
        tags=["evidence"],
        request=EvidenceInputSerializer(partial=True),
        responses={200: EvidenceSerializer},
        parameters=[CLAIM_ID],
    ),
    delete=extend_schema(
        summary="Remove an evidence record while the claim is open to you",
        tags=["evidence"],
        parameters=[CLAIM_ID],
    ),
)
class EvidenceDetailView(ClaimChildMixin, generics.RetrieveUpdateDestroyAPIView):
    serializer_class = EvidenceSerializer
    permission_classes = [DeskPermission]
    permission_model = "reviews.evidence"
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Evidence.objects.none()
        return Evidence.objects.filter(claim=self.get_claim()).select_related("added_by")

    def partial_update(self, request, *args, **kwargs):
        evidence = self.get_object()
        payload = EvidenceInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        evidence = services.update_evidence(
            evidence_id=evidence.pk, actor=request.user, **payload.validated_data
        )
        return Response(EvidenceSerializer(evidence).data)

    def destroy(self, request, *args, **kwargs):
        evidence = self.get_object()
        services.remove_evidence(evidence_id=evidence.pk, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(
        summary="The claim's verdicts (for the public: the published and superseded ones)",
        tags=["verdicts"],
        parameters=[CLAIM_ID],
    ),
    post=extend_schema(
        summary="Write or change the claim's draft verdict (propose puts it forward)",
        tags=["verdicts"],
        request=VerdictInputSerializer,
        responses={201: VerdictSerializer, 200: VerdictSerializer},
        description="201 when a draft is created, 200 when the existing draft is changed.",
        parameters=[CLAIM_ID],
    ),
)
class VerdictListView(ClaimChildMixin, generics.ListCreateAPIView):
    serializer_class = VerdictSerializer
    permission_classes = [ReadPublicWriteDesk]
    permission_model = "reviews.verdict"
    ordering_fields = ["id", "created_at"]
    ordering = ["id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Verdict.objects.none()
        verdicts = (
            Verdict.objects.filter(claim=self.get_claim())
            .select_related("rating", "author", "proposed_by", "approver")
            .prefetch_related("contributions__user")
        )
        if not (
            is_staff_member(self.request.user)
            and self.request.user.has_perm("reviews.view_verdict")
        ):
            verdicts = verdicts.filter(state__in=[Verdict.State.APPROVED, Verdict.State.SUPERSEDED])
        return verdicts

    def create(self, request, *args, **kwargs):
        claim = self.get_claim()
        payload = VerdictInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        verdict, created = services.draft_verdict(
            claim_id=claim.pk, actor=request.user, **payload.validated_data
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        verdict = self.get_queryset().get(pk=verdict.pk)
        return Response(self.get_serializer(verdict).data, status=code)


@extend_schema_view(
    get=extend_schema(
        summary="The claim's workflow history, oldest first",
        tags=["workflow"],
        parameters=[CLAIM_ID],
    ),
    post=extend_schema(
        summary="Take a workflow step: take, assign, dismiss, restore, propose, send_back, "
        "publish, reopen",
        tags=["workflow"],
        request=TransitionInputSerializer,
        responses={200: ClaimStateSerializer},
        parameters=[CLAIM_ID, IF_MATCH, ETAG_HEADER],
        description=(
            "Returns the claim's new status, version and the actions now open to you. "
            "A refused step is 409 (the claim's state) or 403 (your right); a missing "
            "comment, reason or correction note is 400; a stale If-Match is 412."
        ),
    ),
)
class TransitionView(ClaimChildMixin, generics.ListCreateAPIView):
    serializer_class = TransitionSerializer
    permission_classes = [DeskPermission]
    permission_model = "reviews.transition"
    # The services decide who may take which step; any desk member may ask.
    write_permission = "claims.view_claim"
    ordering_fields = ["id", "created_at"]
    ordering = ["id"]
    conditional_methods = ("POST",)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Transition.objects.none()
        return Transition.objects.filter(claim=self.get_claim()).select_related("actor", "assignee")

    def create(self, request, *args, **kwargs):
        claim = self.get_claim()
        payload = TransitionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        services.perform(
            data["action"],
            claim_id=claim.pk,
            actor=request.user,
            comment=data["comment"],
            assignee=data.get("assignee"),
            correction_note=data["correction_note"],
            duplicate_of=data.get("duplicate_of"),
            expected_version=expected_version(request, claim),
        )
        claim = claim_list_queryset(request.user).get(pk=claim.pk)
        state = {
            "id": claim.pk,
            "status": claim.status,
            "version": claim.version,
            "assignee": claim.assignee,
            "actions": services.available_actions(request.user, claim),
        }
        return Response(ClaimStateSerializer(state).data, headers={"ETag": claim_etag(claim)})


# -- ClaimReview --------------------------------------------------------------------------


@extend_schema(
    summary="The claim's schema.org ClaimReview (published claims only)",
    tags=["claimreview"],
    parameters=[CLAIM_ID],
    responses={200: OpenApiResponse(response=CLAIM_REVIEW_SCHEMA)},
)
class ClaimReviewView(generics.GenericAPIView):
    permission_classes = [Public]
    renderer_classes = [*generics.GenericAPIView.renderer_classes, LDJSONRenderer]
    pagination_class = None

    def get(self, request, *args, **kwargs):
        claim = get_object_or_404(claims_for_claimreview(request.user), pk=kwargs["claim_id"])
        data = claim_review(claim, request=request)
        if data is None:  # published without an approved verdict: nothing to show
            raise Http404
        return Response(data)


# -- the queue and the rating scale -------------------------------------------------------


@extend_schema(
    summary="Your queue: claims assigned to you, and (editors) proposals awaiting your approval",
    tags=["claims"],
)
class QueueView(ClaimPageMixin, generics.ListAPIView):
    serializer_class = ClaimSerializer
    permission_classes = [DeskMember]
    ordering_fields = ["id", "created_at", "updated_at", "checkworthiness"]
    ordering = ["-id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Claim.objects.none()
        user = self.request.user
        wanted = Q(assignee=user) & ~Q(status__in=[Claim.Status.PUBLISHED, Claim.Status.DISMISSED])
        if user.has_perm("reviews.review_verdict"):
            others_proposal = Verdict.objects.filter(
                claim=OuterRef("pk"), state=Verdict.State.PROPOSED
            ).exclude(proposed_by=user)
            wanted |= Q(status=Claim.Status.PROPOSED) & Exists(others_proposal)
        return claim_list_queryset(user).filter(wanted)


@extend_schema(summary="The rating scale", tags=["ratings"])
class RatingListView(generics.ListAPIView):
    serializer_class = RatingSerializer
    permission_classes = [DeskPermission]
    permission_model = "reviews.rating"
    queryset = Rating.objects.all()
    ordering_fields = ["id", "position"]
    ordering = ["position", "id"]
