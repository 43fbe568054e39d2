"""Serializers of ratings, evidence, verdicts and transitions, and the claim as the
review workflow extends it."""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from claims.api import serializers as claims_serializers
from claims.api.serializers import MAX_ID, User, UserRefSerializer, _datetime
from claims.models import Claim
from claims.selectors import is_staff_member
from factcheck.api_input import StrictSerializer, read_only
from reviews import services
from reviews.api import rows
from reviews.external_matching import checked_by
from reviews.models import (
    Evidence,
    ExternalFactCheck,
    Rating,
    Transition,
    Verdict,
    VerdictContribution,
)
from reviews.workflow import STEPS


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
    under_review_since = serializers.DateTimeField(
        allow_null=True,
        read_only=True,
        help_text="Set while the claim is reopened for a correction: the verdict stands "
        "until the correction is published.",
    )

    class Meta:
        model = Verdict
        fields = ["id", "rating", "summary", "approved_at", "correction_note", "under_review_since"]


class WithdrawalSerializer(serializers.Serializer):
    note = serializers.CharField(help_text="The public note on why the verdict was withdrawn")
    withdrawn_at = serializers.DateTimeField()


@extend_schema_serializer(component_name="CheckedBy")
class CheckedBySerializer(serializers.Serializer):
    publisher = serializers.CharField()
    rating = serializers.CharField(help_text="The publisher's rating, as they gave it")
    our_rating = serializers.CharField(allow_null=True, help_text="Our rating's slug, if mapped")
    our_rating_label = serializers.CharField(allow_null=True)
    url = serializers.URLField(help_text="The publisher's fact check")
    claim_reviewed = serializers.CharField()
    review_date = serializers.DateField(allow_null=True)
    score = serializers.FloatField(help_text="How closely it states the same (0..1)")


class ClaimSerializer(claims_serializers.ClaimSerializer):
    """A claim with its published verdict and the workflow actions open to the reader:
    the claims app's claim, extended from this side (claims never imports reviews)."""

    verdict = serializers.SerializerMethodField()
    withdrawn = serializers.SerializerMethodField()
    checked_by = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(claims_serializers.ClaimSerializer.Meta):
        fields = [
            *claims_serializers.ClaimSerializer.Meta.fields[:-2],
            "verdict",
            "withdrawn",
            "checked_by",
            "actions",
            *claims_serializers.ClaimSerializer.Meta.fields[-2:],
        ]

    # The getters serve the generic representation (the schema, and the test that pins
    # `to_representation` to it); the page itself is written from rows below.
    @extend_schema_field(CheckedBySerializer(many=True))
    def get_checked_by(self, claim: Claim):
        """Other publishers' fact checks of what this claim states (for readers of the
        external fact checks; uses the view's prefetch of `external_matches`)."""
        return self._checked_by(self.row_of(claim))

    @extend_schema_field(PublishedVerdictSerializer(allow_null=True))
    def get_verdict(self, claim: Claim):
        """The approved verdict (uses the view's verdict prefetch)."""
        return self._verdict(self.row_of(claim))

    @extend_schema_field(WithdrawalSerializer(allow_null=True))
    def get_withdrawn(self, claim: Claim):
        """The public note of a withdrawn verdict, when no verdict stands."""
        return self._withdrawn(self.row_of(claim))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, claim: Claim) -> list[str]:
        return self._actions(self.row_of(claim)["facts"])

    @cached_property
    def may_see_external(self) -> bool:
        request = self.context.get("request")
        return may_see_external(getattr(request, "user", None))

    @cached_property
    def _actions(self):
        # One serializer writes every row of a page: ask for the reader's rights once.
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return lambda facts: []
        return services.actions_checker(request.user)

    def row_of(self, claim: Claim) -> dict:
        return rows.attach_to_claim(
            super().row_of(claim), claim, with_matches=self.may_see_external
        )

    def _checked_by(self, row: dict) -> list[dict]:
        return checked_by(row["external_matches"]) if self.may_see_external else []

    def _verdict(self, row: dict) -> dict | None:
        approved = [v for v in row["verdicts"] if v["state"] == Verdict.State.APPROVED]
        if not approved:
            return None
        verdict, tz = approved[0], self.tz
        return {
            "id": verdict["id"],
            "rating": {
                "id": verdict["rating_id"],
                "slug": verdict["rating__slug"],
                "label": verdict["rating__label"],
                "value": verdict["rating__value"],
                "best_value": verdict["rating__best_value"],
                "worst_value": verdict["rating__worst_value"],
                "colour": verdict["rating__colour"],
                "description": verdict["rating__description"],
            },
            "summary": verdict["summary"],
            "approved_at": _datetime(verdict["approved_at"], tz),
            "correction_note": verdict["correction_note"],
            "under_review_since": _datetime(row["under_review_since"], tz),
        }

    def _withdrawn(self, row: dict) -> dict | None:
        verdicts = row["verdicts"]
        if any(v["state"] == Verdict.State.APPROVED for v in verdicts):
            return None
        withdrawn = [v for v in verdicts if v["state"] == Verdict.State.WITHDRAWN]
        if not withdrawn:
            return None
        last = max(withdrawn, key=lambda v: (v["withdrawn_at"], v["id"]))
        return {
            "note": last["withdrawal_note"],
            "withdrawn_at": _datetime(last["withdrawn_at"], self.tz),
        }

    def extra_representation(self, row: dict) -> dict:
        return {
            "verdict": self._verdict(row),
            "withdrawn": self._withdrawn(row),
            "checked_by": self._checked_by(row),
            "actions": self._actions(row["facts"]),
        }


def may_see_external(user) -> bool:
    """May `user` read other publishers' fact checks (a claim's `checked_by`)?"""
    return bool(user and user.has_perm("reviews.view_externalfactcheck"))


class ClaimUpdateSerializer(claims_serializers.ClaimUpdateSerializer):
    """A claim's edit, knowing what reviews adds to a claim (read-only here)."""

    read_only_fields = {
        **claims_serializers.CLAIM_READ_ONLY,
        **read_only(
            ["withdrawn", "actions"],
            verdict="The verdict is written at /api/v1/claims/{id}/verdicts/.",
        ),
    }


class ClaimStateSerializer(serializers.Serializer):
    """A claim's workflow state after a step."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Claim.Status.choices)
    version = serializers.IntegerField()
    assignee = UserRefSerializer(allow_null=True)
    actions = serializers.ListField(child=serializers.CharField())


class EvidenceSerializer(serializers.ModelSerializer):
    added_by = UserRefSerializer()
    archive = serializers.CharField(
        source="archive_summary",
        read_only=True,
        help_text='The archived copy in words: "archived ...", "archive pending", '
        '"archive failed: <reason>"',
    )

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
            "archive_state",
            "archive",
            "archived_at",
            "archive_status",
            "archive_error",
        ]


class EvidenceInputSerializer(StrictSerializer):
    read_only_fields = read_only(
        EvidenceSerializer.Meta.fields,
        archive_state="The archive is the worker's: it archives every new url by itself.",
    )

    url = serializers.URLField(max_length=2000)
    title = serializers.CharField(max_length=500)
    publisher = serializers.CharField(max_length=200, required=False, allow_blank=True)
    quote = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices, required=False)
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices, required=False)


class ContributionSerializer(serializers.ModelSerializer):
    user = UserRefSerializer()

    class Meta:
        model = VerdictContribution
        fields = ["user", "fields", "first_at", "at"]


class PublishedBySerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The organisation (FACTCHECK_ORG_NAME)")
    byline = serializers.CharField(
        allow_blank=True, help_text="The public byline (FACTCHECK_PUBLIC_BYLINE), or empty"
    )


DESK_ONLY = ("author", "proposed_by", "approver", "contributors")


class VerdictSerializer(serializers.ModelSerializer):
    """A verdict. Who wrote, proposed and approved it is the desk's business: for anyone
    else those are null (contributors empty) and `published_by` names the organisation."""

    rating = RatingSerializer()
    author = UserRefSerializer(allow_null=True, help_text="Desk members only; else null")
    proposed_by = UserRefSerializer(allow_null=True, help_text="Desk members only; else null")
    approver = UserRefSerializer(allow_null=True, help_text="Desk members only; else null")
    contributors = ContributionSerializer(
        many=True,
        source="contributions",
        help_text="Everyone who wrote part of its rating, summary or rationale (desk members "
        "only; else empty): none of them may approve it",
    )
    published_by = serializers.SerializerMethodField()

    @extend_schema_field(PublishedBySerializer)
    def get_published_by(self, verdict: Verdict) -> dict:
        return {"name": settings.FACTCHECK_ORG_NAME, "byline": settings.FACTCHECK_PUBLIC_BYLINE}

    def to_representation(self, verdict: Verdict) -> dict:
        data = super().to_representation(verdict)
        request = self.context.get("request")
        if request is None or not is_staff_member(request.user):
            for name in DESK_ONLY:
                data[name] = [] if name == "contributors" else None
        return data

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
            "contributors",
            "published_by",
            "created_at",
            "updated_at",
        ]


class VerdictInputSerializer(StrictSerializer):
    read_only_fields = read_only(
        VerdictSerializer.Meta.fields,
        state="A verdict's state changes through the claim's workflow actions "
        "(propose, send_back, publish): POST /api/v1/claims/{id}/transitions/.",
    )

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


class TransitionInputSerializer(StrictSerializer):
    read_only_fields = read_only(TransitionSerializer.Meta.fields)

    # The workflow table's actions; what each needs is checked by its step.
    action = serializers.ChoiceField(
        choices=[(step.action, Transition.Action(step.action).label) for step in STEPS]
    )
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


class ExternalFactCheckSerializer(serializers.ModelSerializer):
    """Another publisher's fact check; `rating` is our reading of theirs (null: unmapped)."""

    rating = RatingSerializer(allow_null=True)

    class Meta:
        model = ExternalFactCheck
        fields = [
            "id",
            "url",
            "publisher",
            "publisher_site",
            "title",
            "claim_text",
            "claimant",
            "claimant_kind",
            "claim_date",
            "appearance_url",
            "review_date",
            "language",
            "rating_text",
            "rating_value",
            "best_rating",
            "worst_rating",
            "rating",
            "source",
            "imported_at",
            "updated_at",
        ]


class ImportRefusalSerializer(serializers.Serializer):
    item = serializers.CharField(help_text="Where in the input, e.g. dataFeedElement[3]")
    problem = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    unmapped = serializers.IntegerField(help_text="Stored with a rating we have no mapping for")
    withdrawn = serializers.IntegerField(
        help_text="Reviews their publisher withdrew: the stored copies removed"
    )
    refused = ImportRefusalSerializer(many=True)
