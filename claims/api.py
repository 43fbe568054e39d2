"""Articles over the API, and the serializers and search the claim endpoints (reviews.api)
build on. Creating an article runs the same code as `manage.py load_articles`."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from claims.loading import Source, article_from_mapping, load_article
from claims.models import Article, Claim, Claimant, Outlet
from factcheck.api import Conflict, DeskPermission

# -- search -------------------------------------------------------------------------------

# The stored, GIN-indexed tsvector columns are added by claims/migrations/0002_search.py on
# PostgreSQL only; elsewhere a plain substring match stands in.
# A claim matches on its own words or on its article's. The article ids are computed once
# (an InitPlan) and compared with `= ANY`, so PostgreSQL can either OR two index bitmaps
# (rare words) or walk the claims in page order and stop at a page's worth (common words).
_CLAIM_SEARCH_SQL = """(
    claims_claim.search_vector @@ websearch_to_tsquery('english', %s)
    OR claims_claim.article_id = ANY(ARRAY(
        SELECT id FROM claims_article
         WHERE search_vector @@ websearch_to_tsquery('english', %s)
    ))
)"""
_ARTICLE_SEARCH_SQL = "claims_article.search_vector @@ websearch_to_tsquery('english', %s)"


def full_text_search() -> bool:
    return connection.vendor == "postgresql"


def search_claims(claims: QuerySet[Claim], query: str) -> QuerySet[Claim]:
    """Claims whose text, or whose article's title or body, match the words of `query`."""
    query = query.strip()
    if not query:
        return claims
    if full_text_search():
        match = RawSQL(_CLAIM_SEARCH_SQL, [query, query], output_field=BooleanField())  # noqa: S611 - bound parameters
        return claims.filter(match)
    return claims.filter(
        Q(text__icontains=query)
        | Q(article__title__icontains=query)
        | Q(article__body__icontains=query)
    )


def search_articles(articles: QuerySet[Article], query: str) -> QuerySet[Article]:
    query = query.strip()
    if not query:
        return articles
    if full_text_search():
        match = RawSQL(_ARTICLE_SEARCH_SQL, [query], output_field=BooleanField())  # noqa: S611 - bound parameters
        return articles.filter(match)
    return articles.filter(Q(title__icontains=query) | Q(body__icontains=query))


# -- serializers --------------------------------------------------------------------------


class OutletSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "domain"]


class ClaimantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Claimant
        fields = ["id", "name", "kind", "role"]


class ClaimantInputSerializer(serializers.Serializer):
    """A claimant named in a request: found by name and kind, or created."""

    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Claimant.Kind.choices, default=Claimant.Kind.PERSON)
    role = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class ArticleSummarySerializer(serializers.ModelSerializer):
    outlet = OutletSerializer(allow_null=True)

    class Meta:
        model = Article
        fields = ["id", "url", "title", "outlet", "published"]


class ArticleClaimSerializer(serializers.ModelSerializer):
    """A claim as listed inside its article."""

    claimant = ClaimantSerializer(allow_null=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "text",
            "span_start",
            "span_end",
            "status",
            "claimant",
            "checkworthiness",
            "origin",
        ]


class ArticleSerializer(serializers.ModelSerializer):
    outlet = OutletSerializer(allow_null=True)

    class Meta:
        model = Article
        fields = ["id", "url", "title", "outlet", "byline", "published", "language", "created_at"]


class ArticleDetailSerializer(ArticleSerializer):
    claims = ArticleClaimSerializer(many=True, source="listed_claims")

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "body", "content_hash", "claims"]


class ArticleInputSerializer(serializers.Serializer):
    """The JSON load_articles reads from .json files: url, title, outlet, published, byline,
    language, text."""

    text = serializers.CharField(trim_whitespace=False)
    url = serializers.CharField(max_length=2000, required=False, allow_blank=True, allow_null=True)
    title = serializers.CharField(max_length=500, required=False, allow_blank=True)
    outlet = serializers.CharField(
        max_length=200, required=False, allow_blank=True, allow_null=True
    )
    byline = serializers.CharField(max_length=300, required=False, allow_blank=True)
    published = serializers.DateField(required=False, allow_null=True)
    language = serializers.CharField(max_length=12, required=False, allow_blank=True)

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("The article text is empty.")
        limit = settings.FACTCHECK_MAX_ARTICLE_BYTES
        if len(value.encode("utf-8")) > limit:
            raise serializers.ValidationError(f"The text is longer than {limit} bytes.")
        return value


ArticleLoadedSerializer = inline_serializer(
    "ArticleLoaded",
    fields={
        "outcome": serializers.ChoiceField(choices=["new", "unchanged"]),
        "claims_created": serializers.IntegerField(),
        "article": ArticleDetailSerializer(),
    },
)


# -- views --------------------------------------------------------------------------------


class ArticleFilter(filters.FilterSet):
    outlet = filters.ModelChoiceFilter(queryset=Outlet.objects.all())
    published_after = filters.DateFilter(field_name="published", lookup_expr="gte")
    published_before = filters.DateFilter(field_name="published", lookup_expr="lte")
    search = filters.CharFilter(
        method="filter_search",
        help_text="Words in the title or body (PostgreSQL full-text search; substring on SQLite)",
    )

    class Meta:
        model = Article
        fields = ["outlet", "published_after", "published_before", "search"]

    def filter_search(self, queryset, name, value):
        return search_articles(queryset, value)


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
                claims = claims.filter(status=Claim.Status.PUBLISHED)
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
