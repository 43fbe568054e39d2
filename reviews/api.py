"""The claim endpoints of the REST API: claims, their evidence, verdicts, workflow steps,
similar claims and ClaimReview, the reviewer's queue and the rating scale.

Views parse input, call one service, and leave the mapping of its domain errors to
factcheck.api.exception_handler. Which claims exist for a user is decided once, by
reviews.selectors.visible_claims, which every queryset here starts from.
"""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import cached_property
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response

from claims import services as claim_services
from claims.api import (
    ArticleSummarySerializer,
    ClaimantInputSerializer,
    ClaimantSerializer,
    search_claims,
)
from claims.models import Article, Claim, SimilarClaim
from factcheck.api import (
    ETAG_HEADER,
    IF_MATCH,
    DeskPermission,
    LDJSONRenderer,
    claim_etag,
    expected_version,
)
from reviews import services
from reviews.claimreview import claim_review
from reviews.models import Evidence, Rating, Transition, Verdict
from reviews.selectors import claims_for_claimreview, is_staff_member, visible_claims

User = get_user_model()
MAX_ID = 2**63 - 1
CLAIM_ID = OpenApiParameter("claim_id", OpenApiTypes.INT, OpenApiParameter.PATH)
IF_NONE_MATCH = OpenApiParameter(
    name="If-None-Match",
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description="The ETag you hold; 304 without a body when it is still current.",
)

# -- serializers --------------------------------------------------------------------------


class UserRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username"]


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = [
            "id",
            "slug",
            "label",
            "value",
            "best_value",
            "worst_value",
            "colour",
            "description",
        ]


class PublishedVerdictSerializer(serializers.ModelSerializer):
    rating = RatingSerializer()

    class Meta:
        model = Verdict
        fields = ["id", "rating", "summary", "approved_at", "correction_note"]


def _is_staff(serializer: serializers.Serializer) -> bool:
    request = serializer.context.get("request")
    return request is not None and is_staff_member(request.user)


def _datetime(value, tz=None) -> str | None:
    """What DRF's DateTimeField writes: ISO 8601 in the current time zone, UTC as "Z"."""
    if value is None:
        return None
    text = value.astimezone(tz or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value) -> str | None:
    return None if value is None else value.isoformat()


class ClaimSerializer(serializers.ModelSerializer):
    """A claim with its published verdict and the workflow actions open to the reader.

    The declared fields define the schema and the generic representation; the list of
    claims is the API's hot path, so `to_representation` builds the same dict directly
    (DRF's per-field machinery costs several times the database work on a page of 100).
    tests/test_api.py pins the two to be equal.
    """

    article = ArticleSummarySerializer(allow_null=True)
    claimant = ClaimantSerializer(allow_null=True)
    assignee = serializers.SerializerMethodField()
    verdict = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "text",
            "status",
            "version",
            "origin",
            "article",
            "source_url",
            "span_start",
            "span_end",
            "claimant",
            "claim_date",
            "checkworthiness",
            "checkworthiness_reasons",
            "assignee",
            "duplicate_of",
            "verdict",
            "actions",
            "created_at",
            "updated_at",
        ]

    @cached_property
    def _reader_is_staff(self) -> bool:
        # One serializer instance writes every row of a page; ask once.
        return _is_staff(self)

    @extend_schema_field(UserRefSerializer(allow_null=True))
    def get_assignee(self, claim: Claim):
        # Who works on what is the desk's business, not the public's.
        if claim.assignee_id is None or not self._reader_is_staff:
            return None
        return {"id": claim.assignee.pk, "username": claim.assignee.get_username()}

    @extend_schema_field(PublishedVerdictSerializer(allow_null=True))
    def get_verdict(self, claim: Claim):
        """The approved verdict (uses the view's verdict prefetch)."""
        approved = [v for v in claim.verdicts.all() if v.state == Verdict.State.APPROVED]
        if not approved:
            return None
        verdict, rating = approved[0], approved[0].rating
        return {
            "id": verdict.pk,
            "rating": {
                "id": rating.pk,
                "slug": rating.slug,
                "label": rating.label,
                "value": rating.value,
                "best_value": rating.best_value,
                "worst_value": rating.worst_value,
                "colour": rating.colour,
                "description": rating.description,
            },
            "summary": verdict.summary,
            "approved_at": _datetime(verdict.approved_at),
            "correction_note": verdict.correction_note,
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, claim: Claim) -> list[str]:
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return []
        return services.available_actions(request.user, claim)

    def to_representation(self, claim: Claim) -> dict:
        tz = timezone.get_current_timezone()
        article = claim.article
        if article is not None:
            outlet = article.outlet
            article = {
                "id": article.pk,
                "url": article.url,
                "title": article.title,
                "outlet": None
                if outlet is None
                else {"id": outlet.pk, "name": outlet.name, "domain": outlet.domain},
                "published": _date(article.published),
            }
        claimant = claim.claimant
        if claimant is not None:
            claimant = {
                "id": claimant.pk,
                "name": claimant.name,
                "kind": claimant.kind,
                "role": claimant.role,
            }
        return {
            "id": claim.pk,
            "text": claim.text,
            "status": claim.status,
            "version": claim.version,
            "origin": claim.origin,
            "article": article,
            "source_url": claim.source_url,
            "span_start": claim.span_start,
            "span_end": claim.span_end,
            "claimant": claimant,
            "claim_date": _date(claim.claim_date),
            "checkworthiness": claim.checkworthiness,
            "checkworthiness_reasons": claim.checkworthiness_reasons,
            "assignee": self.get_assignee(claim),
            "duplicate_of": claim.duplicate_of_id,
            "verdict": self.get_verdict(claim),
            "actions": self.get_actions(claim),
            "created_at": _datetime(claim.created_at, tz),
            "updated_at": _datetime(claim.updated_at, tz),
        }


class ClaimCreateSerializer(serializers.Serializer):
    """Either a span of a stored article (`article`, `span_start`, `span_end`; editors) or a
    claim without an article (`text`, `source_url`)."""

    article = serializers.PrimaryKeyRelatedField(
        queryset=Article.objects.all(), required=False, allow_null=True
    )
    span_start = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    span_end = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    text = serializers.CharField(required=False)
    source_url = serializers.CharField(max_length=2000, required=False)
    claimant = ClaimantInputSerializer(required=False, allow_null=True)
    claim_date = serializers.DateField(required=False, allow_null=True)

    def validate(self, attrs: dict) -> dict:
        if attrs.get("article") is not None:
            missing = [f for f in ("span_start", "span_end") if f not in attrs]
            if missing:
                raise serializers.ValidationError(
                    {f: ["Required for a claim in an article."] for f in missing}
                )
        else:
            missing = [f for f in ("text", "source_url") if not attrs.get(f)]
            if missing:
                raise serializers.ValidationError(
                    {f: ["Required for a claim without an article."] for f in missing}
                )
        return attrs


class ClaimUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(required=False)
    claimant = ClaimantInputSerializer(required=False, allow_null=True)
    claim_date = serializers.DateField(required=False, allow_null=True)


class ClaimStateSerializer(serializers.Serializer):
    """A claim's workflow state after a step."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Claim.Status.choices)
    version = serializers.IntegerField()
    assignee = UserRefSerializer(allow_null=True)
    actions = serializers.ListField(child=serializers.CharField())


class EvidenceSerializer(serializers.ModelSerializer):
    added_by = UserRefSerializer()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "claim",
            "url",
            "title",
            "publisher",
            "quote",
            "kind",
            "stance",
            "added_by",
            "created_at",
            "updated_at",
            "archived_at",
            "archive_status",
            "archive_error",
        ]


class EvidenceInputSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=2000)
    title = serializers.CharField(max_length=500)
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    quote = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices, required=False)
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices, required=False)


class VerdictSerializer(serializers.ModelSerializer):
    rating = RatingSerializer()
    author = UserRefSerializer()
    proposed_by = UserRefSerializer(allow_null=True)
    approver = UserRefSerializer(allow_null=True)

    class Meta:
        model = Verdict
        fields = [
            "id",
            "claim",
            "rating",
            "summary",
            "rationale",
            "state",
            "author",
            "proposed_by",
            "proposed_at",
            "approver",
            "approved_at",
            "supersedes",
            "correction_note",
            "created_at",
            "updated_at",
        ]


class VerdictInputSerializer(serializers.Serializer):
    rating = serializers.SlugRelatedField(
        slug_field="slug", queryset=Rating.objects.all(), help_text="The rating's slug"
    )
    summary = serializers.CharField(max_length=300)
    rationale = serializers.CharField()
    correction_note = serializers.CharField(required=False, allow_blank=True, default="")


class TransitionSerializer(serializers.ModelSerializer):
    actor = UserRefSerializer()
    assignee = UserRefSerializer(allow_null=True)

    class Meta:
        model = Transition
        fields = [
            "id",
            "action",
            "from_status",
            "to_status",
            "actor",
            "assignee",
            "comment",
            "verdict",
            "created_at",
        ]


class TransitionInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=Transition.Action.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="assign: the user id of the reviewer",
    )
    correction_note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="publish after reopen: what changed, shown to readers",
    )
    duplicate_of = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="dismiss: the claim this one duplicates",
    )


class SimilarClaimRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Claim
        fields = ["id", "text", "status", "article"]


class SimilarLinkSerializer(serializers.ModelSerializer):
    """A similarity link seen from one claim: `claim` is the other end."""

    claim = serializers.SerializerMethodField()
    decided_by = UserRefSerializer(allow_null=True)

    class Meta:
        model = SimilarClaim
        fields = [
            "id",
            "claim",
            "score",
            "conflicting",
            "conflict_detail",
            "decision",
            "decided_by",
            "decided_at",
        ]

    @extend_schema_field(SimilarClaimRefSerializer)
    def get_claim(self, link: SimilarClaim):
        other = link.to_claim if link.from_claim_id == self.context["claim_id"] else link.from_claim
        return SimilarClaimRefSerializer(other).data


class SimilarDecisionSerializer(serializers.Serializer):
    link = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The link's id")
    decision = serializers.ChoiceField(
        choices=[SimilarClaim.Decision.CONFIRMED, SimilarClaim.Decision.REJECTED]
    )


CLAIM_REVIEW_SCHEMA = {
    "type": "object",
    "description": "schema.org ClaimReview (JSON-LD)",
    "required": ["@context", "@type", "url", "claimReviewed", "reviewRating"],
    "properties": {
        "@context": {"type": "string"},
        "@type": {"type": "string", "enum": ["ClaimReview"]},
        "url": {"type": "string", "format": "uri"},
        "claimReviewed": {"type": "string"},
        "reviewRating": {
            "type": "object",
            "required": ["@type", "alternateName"],
            "properties": {
                "@type": {"type": "string"},
                "alternateName": {"type": "string"},
                "ratingValue": {"type": "integer"},
                "bestRating": {"type": "integer"},
                "worstRating": {"type": "integer"},
            },
        },
        "author": {"type": "object"},
        "datePublished": {"type": "string", "format": "date"},
        "dateModified": {"type": "string", "format": "date-time"},
        "itemReviewed": {"type": "object"},
        "reviewBody": {"type": "string"},
    },
}


# -- filters ------------------------------------------------------------------------------


class IdFilter(filters.Filter):
    field_class = forms.IntegerField


class ClaimFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=Claim.Status.choices)
    article = IdFilter(field_name="article_id", min_value=1, max_value=MAX_ID)
    outlet = IdFilter(field_name="article__outlet_id", min_value=1, max_value=MAX_ID)
    claimant = IdFilter(field_name="claimant_id", min_value=1, max_value=MAX_ID)
    assignee = IdFilter(method="filter_assignee", min_value=1, max_value=MAX_ID)
    rating = filters.CharFilter(
        method="filter_rating",
        max_length=60,
        help_text="A rating slug: claims whose verdict (for the public: published verdict) has it",
    )
    created_after = filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = filters.DateFilter(field_name="created_at", lookup_expr="date__lte")
    claim_date_after = filters.DateFilter(field_name="claim_date", lookup_expr="gte")
    claim_date_before = filters.DateFilter(field_name="claim_date", lookup_expr="lte")
    search = filters.CharFilter(
        method="filter_search",
        max_length=500,
        help_text="Words in the claim or its article (PostgreSQL full-text; substring on SQLite)",
    )

    class Meta:
        model = Claim
        fields: list[str] = []

    def _staff(self) -> bool:
        return self.request is not None and is_staff_member(self.request.user)

    def filter_assignee(self, queryset, name, value):
        # Assignments are the desk's business: the public filter matches nothing.
        return queryset.filter(assignee_id=value) if self._staff() else queryset.none()

    def filter_rating(self, queryset, name, value):
        states = [Verdict.State.APPROVED]
        if self._staff():
            states += [Verdict.State.DRAFT, Verdict.State.PROPOSED]
        verdicts = Verdict.objects.filter(
            claim=OuterRef("pk"), rating__slug=value, state__in=states
        )
        return queryset.filter(Exists(verdicts))

    def filter_search(self, queryset, name, value):
        return search_claims(queryset, value)


# -- permissions --------------------------------------------------------------------------


class ReadPublicWriteDesk(DeskPermission):
    """Anyone reads (the queryset limits what); writes need the role's permission."""

    def has_permission(self, request, view) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return True
        return super().has_permission(request, view)


class DeskMember(BasePermission):
    """Reviewers and editors; the workflow services decide the rest."""

    def has_permission(self, request, view) -> bool:
        return is_staff_member(request.user)


# -- claims -------------------------------------------------------------------------------


_UNUSED_ARTICLE_FIELDS = ("body", "byline", "language", "content_hash", "created_at")
_UNUSED_USER_FIELDS = (
    "password",
    "last_login",
    "is_superuser",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "date_joined",
)


def claim_list_queryset(user):
    """Claims with everything ClaimSerializer reads, in a fixed number of queries."""
    return (
        visible_claims(user)
        .select_related("article", "article__outlet", "claimant", "assignee")
        # Only what the serializer reads: a page of 100 should not carry 100 article
        # bodies or password hashes.
        .defer(*(f"article__{name}" for name in _UNUSED_ARTICLE_FIELDS))
        .defer(*(f"assignee__{name}" for name in _UNUSED_USER_FIELDS))
        .prefetch_related(
            Prefetch(
                "verdicts",
                queryset=Verdict.objects.select_related("rating").defer("rationale").order_by("id"),
            )
        )
    )


def attach_verdicts(claims: list[Claim]) -> list[Claim]:
    """Load a page's verdicts in one query and hand each claim its own.

    This is what prefetch_related stores, without the queryset it builds per claim (a
    third of the cost of a page of 100); `claim.verdicts.all()`, which the serializer
    and services.available_actions read, then returns the list. The query-count tests
    would catch a Django that stopped reading it.
    """
    by_claim: dict[int, list[Verdict]] = defaultdict(list)
    if claims:
        verdicts = (
            Verdict.objects.filter(claim_id__in=[claim.pk for claim in claims])
            .select_related("rating")
            .defer("rationale")
            .order_by("id")
        )
        for verdict in verdicts:
            by_claim[verdict.claim_id].append(verdict)
    for claim in claims:
        claim._prefetched_objects_cache = {"verdicts": by_claim[claim.pk]}
    return claims


class ClaimPageMixin:
    """Claim lists: the page first, then its verdicts in one query."""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset.prefetch_related(None))
        return None if page is None else attach_verdicts(page)


def _claim_response(claim_id: int, request, *, code: int = 200) -> Response:
    claim = claim_list_queryset(request.user).get(pk=claim_id)
    data = ClaimSerializer(claim, context={"request": request}).data
    return Response(data, status=code, headers={"ETag": claim_etag(claim)})


def _claimant(data: dict):
    if data is None:
        return None
    return claim_services.get_or_create_claimant(**data)


@extend_schema_view(
    list=extend_schema(
        summary="List claims (published ones only, unless you are on the desk)", tags=["claims"]
    ),
    retrieve=extend_schema(
        summary="One claim, with an ETag from its version",
        tags=["claims"],
        parameters=[ETAG_HEADER, IF_NONE_MATCH],
        responses={
            200: ClaimSerializer,
            304: OpenApiResponse(description="If-None-Match names the current version"),
        },
    ),
)
class ClaimViewSet(
    ClaimPageMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ClaimSerializer
    permission_classes = [ReadPublicWriteDesk]
    permission_model = "claims.claim"
    lookup_value_regex = r"\d+"
    filterset_class = ClaimFilter
    ordering_fields = ["id", "created_at", "updated_at"]
    ordering = ["-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    conditional_methods = ("PATCH",)

    def get_queryset(self):
        return claim_list_queryset(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        claim = self.get_object()
        etag = claim_etag(claim)
        # A client holding the current version (a browser extension polling a verdict)
        # gets an empty 304 instead of the claim again.
        if etag in (tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        data = self.get_serializer(claim).data
        return Response(data, headers={"ETag": etag})

    @extend_schema(
        summary="Add a claim: a span of an article (editors) or a claim without an article",
        tags=["claims"],
        request=ClaimCreateSerializer,
        responses={201: ClaimSerializer},
    )
    def create(self, request, *args, **kwargs):
        payload = ClaimCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        # One transaction: a claimant named for a claim that is then refused is not kept.
        with transaction.atomic():
            claim = self._create(request, data)
        return _claim_response(claim.pk, request, code=status.HTTP_201_CREATED)

    def _create(self, request, data: dict) -> Claim:
        claimant = _claimant(data.get("claimant"))
        if data.get("article") is not None:
            claim = claim_services.add_manual_claim(
                article_id=data["article"].pk,
                actor=request.user,
                start=data["span_start"],
                end=data["span_end"],
                claimant=claimant,
            )
        else:
            claim = claim_services.create_submitted_claim(
                text=data["text"],
                source_url=data["source_url"],
                claimant=claimant,
                claim_date=data.get("claim_date"),
            )
        return claim

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
                changes["claimant"] = _claimant(data["claimant"])
            services.update_claim(
                claim_id=claim.pk, actor=request.user, expected_version=version, **changes
            )
        return _claim_response(claim.pk, request)


class ClaimChildMixin:
    """Endpoints under /claims/{claim_id}/: the claim must be one the user may see."""

    def get_claim(self) -> Claim:
        return get_object_or_404(visible_claims(self.request.user), pk=self.kwargs["claim_id"])


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
        verdicts = Verdict.objects.filter(claim=self.get_claim()).select_related(
            "rating", "author", "proposed_by", "approver"
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
        had_draft = claim.verdicts.filter(
            state__in=[Verdict.State.DRAFT, Verdict.State.PROPOSED]
        ).exists()
        verdict = services.save_verdict_draft(
            claim_id=claim.pk, actor=request.user, **payload.validated_data
        )
        code = status.HTTP_200_OK if had_draft else status.HTTP_201_CREATED
        return Response(VerdictSerializer(verdict).data, status=code)


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


@extend_schema_view(
    get=extend_schema(
        summary="Claims in other articles that state the same thing (rejected links left out)",
        tags=["similar"],
        parameters=[CLAIM_ID],
    ),
    post=extend_schema(
        summary="Confirm or reject a similarity link (editors)",
        tags=["similar"],
        request=SimilarDecisionSerializer,
        responses={200: SimilarLinkSerializer},
        parameters=[CLAIM_ID],
    ),
)
class SimilarView(ClaimChildMixin, generics.ListCreateAPIView):
    serializer_class = SimilarLinkSerializer
    permission_classes = [DeskPermission]
    permission_model = "claims.similarclaim"
    write_permission = "claims.change_similarclaim"
    ordering_fields = ["id", "score"]
    ordering = ["-score", "id"]

    def links(self, claim: Claim):
        visible = visible_claims(self.request.user)
        return SimilarClaim.objects.filter(
            Q(from_claim=claim, to_claim__in=visible) | Q(to_claim=claim, from_claim__in=visible)
        ).select_related("from_claim", "to_claim", "decided_by")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return SimilarClaim.objects.none()
        return self.links(self.get_claim()).exclude(decision=SimilarClaim.Decision.REJECTED)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "claim_id": int(self.kwargs["claim_id"])}

    def create(self, request, *args, **kwargs):
        claim = self.get_claim()
        payload = SimilarDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        link = get_object_or_404(self.links(claim), pk=payload.validated_data["link"])
        claim_services.decide_similarity(
            link_id=link.pk, actor=request.user, decision=payload.validated_data["decision"]
        )
        link = self.links(claim).get(pk=link.pk)
        return Response(self.get_serializer(link).data)


# -- ClaimReview --------------------------------------------------------------------------


@extend_schema(
    summary="The claim's schema.org ClaimReview (published claims only)",
    tags=["claimreview"],
    parameters=[CLAIM_ID],
    responses={200: OpenApiResponse(response=CLAIM_REVIEW_SCHEMA)},
)
class ClaimReviewView(generics.GenericAPIView):
    permission_classes = [AllowAny]
    renderer_classes = [*generics.GenericAPIView.renderer_classes, LDJSONRenderer]
    pagination_class = None

    def get(self, request, *args, **kwargs):
        claim = get_object_or_404(claims_for_claimreview(request.user), pk=kwargs["claim_id"])
        data = claim_review(claim, request=request)
        if data is None:  # published without an approved verdict: nothing to show
            raise Http404
        return Response(data)


@extend_schema(
    summary="Every published verdict as schema.org ClaimReview, newest first",
    tags=["claimreview"],
    responses={
        200: OpenApiResponse(
            response={
                "type": "object",
                "required": ["results"],
                "properties": {
                    "next": {"type": "string", "format": "uri", "nullable": True},
                    "previous": {"type": "string", "format": "uri", "nullable": True},
                    "results": {"type": "array", "items": CLAIM_REVIEW_SCHEMA},
                },
            }
        )
    },
)
class ClaimReviewFeedView(generics.GenericAPIView):
    permission_classes = [AllowAny]
    renderer_classes = [*generics.GenericAPIView.renderer_classes, LDJSONRenderer]
    ordering_fields = ["id", "updated_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return claims_for_claimreview(self.request.user)

    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        items = [claim_review(claim, request=request) for claim in page]
        return self.get_paginated_response([item for item in items if item is not None])


# -- the queue and the rating scale -------------------------------------------------------


@extend_schema(
    summary="Your queue: claims assigned to you, and (editors) proposals awaiting your approval",
    tags=["claims"],
)
class QueueView(ClaimPageMixin, generics.ListAPIView):
    serializer_class = ClaimSerializer
    permission_classes = [DeskMember]
    ordering_fields = ["id", "created_at", "updated_at"]
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
