"""Serializers of articles, outlets, claimants, claims and similarity links."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from claims import figures
from claims.models import Article, Claim, Claimant, Outlet, SimilarClaim
from claims.selectors import CLAIM_COLUMNS, is_staff_member
from factcheck.api_input import StrictSerializer, read_only

User = get_user_model()
MAX_ID = 2**63 - 1


class UserRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username"]


class OutletSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "domain"]


class ClaimantSerializer(serializers.ModelSerializer):
    class Meta:
        model = Claimant
        fields = ["id", "name", "kind", "role"]


class ClaimantInputSerializer(StrictSerializer):
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


class ArticleInputSerializer(StrictSerializer):
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


def _datetime(value, tz=None) -> str | None:
    """What DRF's DateTimeField writes: ISO 8601 in the current time zone, UTC as "Z"."""
    if value is None:
        return None
    text = value.astimezone(tz or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _date(value) -> str | None:
    return None if value is None else value.isoformat()


class ClaimSerializer(serializers.ModelSerializer):
    """A claim as the claims app knows it (reviews.api.serializers extends it with the
    published verdict and the workflow actions open to the reader).

    The declared fields define the schema and the generic representation; the list of
    claims is the API's hot path, so `to_representation` builds the same dict directly
    (DRF's per-field machinery costs several times the database work on a page of 100),
    from a row as `claims.selectors.claim_rows` reads it: a list passes those rows (no
    model instances: a page of 100 claims with their articles, outlets, claimants and
    assignees is 500 of them), one claim is first turned into that row (`row_of`).
    tests/test_api.py pins both to equal the generic representation.
    """

    article = ArticleSummarySerializer(allow_null=True)
    claimant = ClaimantSerializer(allow_null=True)
    assignee = serializers.SerializerMethodField()

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
            "created_at",
            "updated_at",
        ]

    @cached_property
    def _reader_is_staff(self) -> bool:
        # One serializer instance writes every row of a page; ask once.
        request = self.context.get("request")
        return request is not None and is_staff_member(request.user)

    @cached_property
    def tz(self):
        # Asked once a page: the current time zone is a context-local lookup.
        return timezone.get_current_timezone()

    @extend_schema_field(UserRefSerializer(allow_null=True))
    def get_assignee(self, claim: Claim):
        # Who works on what is the desk's business, not the public's.
        if claim.assignee_id is None or not self._reader_is_staff:
            return None
        return {"id": claim.assignee.pk, "username": claim.assignee.get_username()}

    def row_of(self, claim: Claim) -> dict:
        """The claim as the row `claims.selectors.claim_rows` reads for it."""
        article = claim.article
        outlet = article.outlet if article is not None else None
        claimant = claim.claimant
        shown = claim.assignee_id is not None and self._reader_is_staff
        assignee = claim.assignee if shown else None
        return {
            **{name: getattr(claim, name) for name in CLAIM_COLUMNS},
            "article__url": article.url if article else None,
            "article__title": article.title if article else None,
            "article__published": article.published if article else None,
            "article__outlet_id": article.outlet_id if article else None,
            "article__outlet__name": outlet.name if outlet else None,
            "article__outlet__domain": outlet.domain if outlet else None,
            "claimant__name": claimant.name if claimant else None,
            "claimant__kind": claimant.kind if claimant else None,
            "claimant__role": claimant.role if claimant else None,
            "assignee__username": assignee.get_username() if assignee else None,
        }

    def extra_representation(self, row: dict) -> dict:
        """Fields a subclass adds, written after `duplicate_of` (see reviews.api)."""
        return {}

    def to_representation(self, claim: Claim | dict) -> dict:
        row = claim if isinstance(claim, dict) else self.row_of(claim)
        tz = self.tz
        article = None
        if row["article_id"] is not None:
            outlet_id = row["article__outlet_id"]
            article = {
                "id": row["article_id"],
                "url": row["article__url"],
                "title": row["article__title"],
                "outlet": None
                if outlet_id is None
                else {
                    "id": outlet_id,
                    "name": row["article__outlet__name"],
                    "domain": row["article__outlet__domain"],
                },
                "published": _date(row["article__published"]),
            }
        claimant = None
        if row["claimant_id"] is not None:
            claimant = {
                "id": row["claimant_id"],
                "name": row["claimant__name"],
                "kind": row["claimant__kind"],
                "role": row["claimant__role"],
            }
        assignee = None
        if row["assignee_id"] is not None and self._reader_is_staff:
            assignee = {"id": row["assignee_id"], "username": row["assignee__username"]}
        return {
            "id": row["id"],
            "text": row["text"],
            "status": row["status"],
            "version": row["version"],
            "origin": row["origin"],
            "article": article,
            "source_url": row["source_url"],
            "span_start": row["span_start"],
            "span_end": row["span_end"],
            "claimant": claimant,
            "claim_date": _date(row["claim_date"]),
            "checkworthiness": row["checkworthiness"],
            "checkworthiness_reasons": row["checkworthiness_reasons"],
            "assignee": assignee,
            "duplicate_of": row["duplicate_of_id"],
            **self.extra_representation(row),
            "created_at": _datetime(row["created_at"], tz),
            "updated_at": _datetime(row["updated_at"], tz),
        }


# What a client reads on a claim but cannot write, and where it is changed instead.
CLAIM_READ_ONLY = read_only(
    ClaimSerializer.Meta.fields,
    status="A claim's status changes only through its workflow actions: POST "
    '/api/v1/claims/{id}/transitions/ with {"action": ...}.',
    version="The version is the server's: send the one you edited from in If-Match.",
    assignee='A claim is assigned through the workflow\'s "assign" and "take" actions.',
)


class ClaimCreateSerializer(StrictSerializer):
    """Either a span of a stored article (`article`, `span_start`, `span_end`; editors) or a
    claim without an article (`text`, `source_url`)."""

    read_only_fields = CLAIM_READ_ONLY

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


class ClaimUpdateSerializer(StrictSerializer):
    read_only_fields = CLAIM_READ_ONLY

    text = serializers.CharField(required=False)
    claimant = ClaimantInputSerializer(required=False, allow_null=True)
    claim_date = serializers.DateField(required=False, allow_null=True)


class SimilarClaimRefSerializer(serializers.ModelSerializer):
    """The other claim of a link, as a variant of the same claim: where and when it was
    said, and the figures it gives (normalised for comparison: claims.figures)."""

    outlet = serializers.SerializerMethodField()
    published = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = ["id", "text", "status", "article", "outlet", "published", "figures"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_outlet(self, claim: Claim) -> str | None:
        article = claim.article
        return article.outlet.name if article and article.outlet else None

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_published(self, claim: Claim):
        date = claim.claim_date or (claim.article.published if claim.article else None)
        return date.isoformat() if date else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_figures(self, claim: Claim) -> list[str]:
        return [figure.text for figure in figures.extract(claim.text)]


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


class SimilarDecisionSerializer(StrictSerializer):
    link = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The link's id")
    decision = serializers.ChoiceField(
        choices=[SimilarClaim.Decision.CONFIRMED, SimilarClaim.Decision.REJECTED]
    )
