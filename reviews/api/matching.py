"""What matching tells the desk about a claim from the review side: the claims it states
the same as that already have a published verdict ("already checked")."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from claims.api.permissions import DeskMember
from claims.api.views import CLAIM_ID, ClaimChildMixin
from claims.models import Claim
from reviews.api.serializers import RatingSerializer
from reviews.selectors import already_checked


class AlreadyCheckedSerializer(serializers.Serializer):
    claim = serializers.IntegerField(help_text="The claim with the published verdict")
    text = serializers.CharField()
    url = serializers.URLField(help_text="Its public fact-check page")
    rating = RatingSerializer()
    published = serializers.DateTimeField(help_text="When its verdict was published")
    score = serializers.FloatField(help_text="How closely it matches this claim, 0..1")


@extend_schema(
    summary="Claims matching this one that already have a published verdict (desk members)",
    description="Best match first. An editor may dismiss the claim as a duplicate of one "
    'of them: POST .../transitions/ with {"action": "dismiss", "duplicate_of": ID}.',
    tags=["similar"],
    parameters=[CLAIM_ID],
    responses=AlreadyCheckedSerializer(many=True),
)
class AlreadyCheckedView(ClaimChildMixin, generics.GenericAPIView):
    permission_classes = [DeskMember]
    serializer_class = AlreadyCheckedSerializer
    pagination_class = None
    # For the schema only (the path's claim id is a Claim's); get() reads the selector.
    queryset = Claim.objects.none()

    def get(self, request, *args, **kwargs):
        hits = already_checked(self.get_claim(), request.user)
        rows = [
            {
                "claim": hit.claim.pk,
                "text": hit.claim.text,
                "url": request.build_absolute_uri(reverse("public-claim", args=[hit.claim.pk])),
                "rating": hit.verdict.rating,
                "published": hit.verdict.approved_at,
                "score": hit.score,
            }
            for hit in hits
        ]
        return Response(AlreadyCheckedSerializer(rows, many=True).data)
