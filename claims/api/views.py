"""Views of articles, claims and their similarity links.

Views parse input, call one service, and leave the mapping of its domain errors to
factcheck.api.exception_handler. Which claims exist for a user is decided once, by
claims.selectors.visible_claims, which every queryset here starts from.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, status, viewsets
from rest_framework.response import Response

from claims import services
from claims.api.filters import ArticleFilter, ClaimFilter
from claims.api.permissions import ReadPublicWriteDesk
from claims.api.serializers import (
    ArticleDetailSerializer,
    ArticleInputSerializer,
    ArticleLoadedSerializer,
    ArticleSerializer,
    ClaimCreateSerializer,
    ClaimSerializer,
    SimilarDecisionSerializer,
    SimilarLinkSerializer,
)
from claims.loading import Source, article_from_mapping, load_article
from claims.models import Article, Claim, SimilarClaim
from claims.selectors import claims_for_list, similar_links, visible_claims
from factcheck.api import ETAG_HEADER, Conflict, DeskPermission, claim_etag

CLAIM_ID = OpenApiParameter("claim_id", OpenApiTypes.INT, OpenApiParameter.PATH)
IF_NONE_MATCH = OpenApiParameter(
    name="If-None-Match",
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description="The ETag you hold; 304 without a body when it is still current.",
)


# -- articles -----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List articles", tags=["articles"]),
    retrieve=extend_schema(summary="An article with its text and its claims", tags=["articles"]),
)
class ArticleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Articles are the desk's working material: readable with `claims.view_article`."""

    permission_classes = [DeskPermission]
    permission_model = "claims.article"
    lookup_value_regex = r"\d+"
    filterset_class = ArticleFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]

    def get_queryset(self):
        articles = Article.objects.select_related("outlet")
        if self.action == "retrieve":
            claims = Claim.objects.select_related("claimant").order_by("span_start", "id")
            # Anyone who may read articles is desk staff in the seeded roles; should a
            # permission set say otherwise, the embedded claims still follow the claim rule.
            if not self.request.user.has_perm("claims.view_claim"):
                claims = claims.filter(is_public=True)
            articles = articles.prefetch_related(
                Prefetch("claims", queryset=claims, to_attr="listed_claims")
            )
        return articles.defer("body") if self.action == "list" else articles

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ArticleDetailSerializer
        if self.action == "create":
            return ArticleInputSerializer
        return ArticleSerializer

    @extend_schema(
        summary="Store an article and extract its claims (as load_articles does)",
        tags=["articles"],
        request=ArticleInputSerializer,
        responses={
            201: ArticleLoadedSerializer,
            200: ArticleLoadedSerializer,
        },
        description=(
            "201 when the article is new (its claims are extracted), 200 when the same text "
            "is stored already (nothing changes), 409 when another text is stored under the "
            "same url."
        ),
    )
    def create(self, request, *args, **kwargs):
        payload = ArticleInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        if data.get("published") is not None:
            data["published"] = data["published"].isoformat()
        source = Source(where="request", data=article_from_mapping(data, "request"))
        result = load_article(source)
        if result.outcome == "conflict":
            raise Conflict(
                f"Another text is stored under this url (article #{result.article.pk}); "
                "the stored text was kept."
            )
        article = self.get_queryset().prefetch_related(
            Prefetch(
                "claims",
                queryset=Claim.objects.select_related("claimant").order_by("span_start", "id"),
                to_attr="listed_claims",
            )
        )
        article = article.get(pk=result.article.pk)
        body = {
            "outcome": result.outcome,
            "claims_created": result.claims_created,
            "article": ArticleDetailSerializer(article, context={"request": request}).data,
        }
        code = status.HTTP_201_CREATED if result.outcome == "new" else status.HTTP_200_OK
        return Response(body, status=code)


# -- claims -------------------------------------------------------------------------------


def _claimant(data: dict):
    if data is None:
        return None
    return services.get_or_create_claimant(**data)


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
    ordering_fields = ["id", "created_at", "updated_at", "checkworthiness"]
    ordering = ["-id"]
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return claims_for_list(self.request.user)

    def claim_response(self, claim_id: int, *, code: int = 200) -> Response:
        """The claim as this view shows it, with its ETag."""
        claim = self.get_queryset().get(pk=claim_id)
        data = self.get_serializer(claim).data
        return Response(data, status=code, headers={"ETag": claim_etag(claim)})

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
        return self.claim_response(claim.pk, code=status.HTTP_201_CREATED)

    def _create(self, request, data: dict) -> Claim:
        claimant = _claimant(data.get("claimant"))
        if data.get("article") is not None:
            claim = services.add_manual_claim(
                article_id=data["article"].pk,
                actor=request.user,
                start=data["span_start"],
                end=data["span_end"],
                claimant=claimant,
            )
        else:
            claim = services.create_submitted_claim(
                text=data["text"],
                source_url=data["source_url"],
                claimant=claimant,
                claim_date=data.get("claim_date"),
            )
        return claim


class ClaimChildMixin:
    """Endpoints under /claims/{claim_id}/: the claim must be one the user may see."""

    def get_claim(self) -> Claim:
        return get_object_or_404(visible_claims(self.request.user), pk=self.kwargs["claim_id"])


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
        # An editor may decide again on a link rejected before.
        return similar_links(claim, self.request.user, rejected=True)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return SimilarClaim.objects.none()
        return similar_links(self.get_claim(), self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "claim_id": int(self.kwargs["claim_id"])}

    def create(self, request, *args, **kwargs):
        claim = self.get_claim()
        payload = SimilarDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        link = get_object_or_404(self.links(claim), pk=payload.validated_data["link"])
        services.decide_similarity(
            link_id=link.pk, actor=request.user, decision=payload.validated_data["decision"]
        )
        link = self.links(claim).get(pk=link.pk)
        return Response(self.get_serializer(link).data)
