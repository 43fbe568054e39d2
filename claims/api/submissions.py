"""Readers' submissions through the API: the same service and guards as the public form
(claims.submissions). GET the start token, wait as a person would, POST the claim."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.submissions import start_token, submit_claim
from factcheck.api_input import StrictSerializer
from factcheck.ratelimit import client_ip


class SubmissionInputSerializer(StrictSerializer):
    text = serializers.CharField(max_length=1500, help_text="The claim to check.")
    source_url = serializers.CharField(max_length=2000, help_text="Where it was seen.")
    email = serializers.CharField(
        max_length=254,
        required=False,
        allow_blank=True,
        default="",
        help_text="Optional: mailed once when the verdict is published; never shown.",
    )
    started = serializers.CharField(
        max_length=500, help_text="The token from GET /api/v1/submissions/, sent back."
    )
    website = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Leave empty (a field bots fill).",
    )


class SubmissionView(APIView):
    """Anyone asks the desk to check a claim."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        summary="A start token for a reader's submission",
        tags=["submissions"],
        responses={
            200: inline_serializer(
                "SubmissionStart",
                {"started": serializers.CharField(), "min_seconds": serializers.FloatField()},
            )
        },
    )
    def get(self, request):
        return Response(
            {"started": start_token(), "min_seconds": settings.FACTCHECK_SUBMIT_MIN_SECONDS}
        )

    @extend_schema(
        summary="Ask the desk to check a claim (lands as a new claim in its triage list)",
        tags=["submissions"],
        request=SubmissionInputSerializer,
        responses={
            201: inline_serializer(
                "SubmissionAccepted",
                {"id": serializers.IntegerField(), "status": serializers.CharField()},
            )
        },
        description=(
            "Refused 400 when the honeypot field `website` is filled, when `started` is "
            "missing, forged or younger than min_seconds, or the claim or url is bad; 429 "
            "past the per-address limit."
        ),
    )
    def post(self, request):
        payload = SubmissionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        claim = submit_claim(
            text=data["text"],
            source_url=data["source_url"],
            email=data["email"],
            honeypot=data["website"],
            started=data["started"],
            client_address=client_ip(request) or "unknown",
        )
        return Response({"id": claim.pk, "status": claim.status}, status=status.HTTP_201_CREATED)
