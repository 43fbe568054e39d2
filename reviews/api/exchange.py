"""API endpoints for exchange with the rest of the fact-checking world: the ClaimReview
feed out, other publishers' ClaimReview in."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.selectors import visible_claims
from factcheck.api import DeskPermission, LDJSONRenderer, Public
from factcheck.api_input import StrictSerializer
from reviews.api.filters import ClaimFilter
from reviews.api.serializers import ExternalFactCheckSerializer, ImportReportSerializer
from reviews.claimreview_fetch import fetch_reviews_input
from reviews.claimreview_import import UnreadableInput, import_reviews, read_reviews
from reviews.exports import EXPORTS, FORMATS
from reviews.feed import feed_page
from reviews.models import Evidence, ExternalFactCheck, Verdict
from reviews.selectors import claims_for_claimreview

DATA_FEED_SCHEMA = {
    "type": "object",
    "description": "schema.org DataFeed (JSON-LD) of ClaimReview items, paged by hydra:next",
    "required": ["@context", "@type", "dataFeedElement"],
    "properties": {
        "@context": {"type": "array", "items": {}},
        "@type": {"type": "string", "enum": ["DataFeed"]},
        "@id": {"type": "string", "format": "uri"},
        "dataFeedElement": {"type": "array", "items": {"type": "object"}},
        "hydra:view": {"type": "object"},
    },
}


@extend_schema(
    summary="Every published verdict as a schema.org DataFeed of ClaimReview, newest first",
    description=(
        "Each page is a DataFeed; `hydra:view.hydra:next` (and the `Link` header) names "
        "the next page. Every item carries `dateModified`; corrected reviews list their "
        "`correction`s."
    ),
    tags=["claimreview"],
    responses={200: OpenApiResponse(response=DATA_FEED_SCHEMA)},
)
class ClaimReviewFeedView(generics.GenericAPIView):
    permission_classes = [Public]
    renderer_classes = [LDJSONRenderer, *generics.GenericAPIView.renderer_classes]
    ordering_fields = ["id", "updated_at"]
    ordering = ["-id"]

    def get_queryset(self):
        return claims_for_claimreview(self.request.user)

    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        paginator = self.paginator
        next_url, previous_url = paginator.get_next_link(), paginator.get_previous_link()
        data = feed_page(
            page,
            request=request,
            page_url=request.build_absolute_uri(),
            next_url=next_url,
            previous_url=previous_url,
        )
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", next_url), ("prev", previous_url))
            if url
        ]
        headers = {"Link": ", ".join(links)} if links else None
        return Response(data, headers=headers)


# -- other publishers' fact checks ------------------------------------------------------


@extend_schema(
    summary="Fact checks imported from other publishers, newest first", tags=["exchange"]
)
class ExternalFactCheckListView(generics.ListAPIView):
    serializer_class = ExternalFactCheckSerializer
    permission_classes = [DeskPermission]
    permission_model = "reviews.externalfactcheck"
    queryset = ExternalFactCheck.objects.select_related("rating")
    ordering_fields = ["id", "imported_at"]
    ordering = ["-id"]


class RawBodyParser(BaseParser):
    """The body as bytes: the importer reads JSON and HTML itself."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read()


IMPORT_TYPES = {"application/json": False, "application/ld+json": False, "text/html": True}


@extend_schema(
    summary="Import ClaimReview: a fact-check page (text/html), ClaimReview JSON-LD or a "
    "DataFeed (application/ld+json), or the fact-check search API's JSON (application/json)",
    description=(
        "Each review is stored by its url (importing again changes nothing); a bad item is "
        "refused and listed, the others stored. 400 when nothing in the body can be read."
    ),
    tags=["exchange"],
    request={media: {"type": "string", "format": "binary"} for media in IMPORT_TYPES},
    responses={200: ImportReportSerializer},
)
class ExternalFactCheckImportView(APIView):
    permission_classes = [DeskPermission]
    permission_model = "reviews.externalfactcheck"
    parser_classes = [RawBodyParser]

    def post(self, request, *args, **kwargs):
        media = request.content_type.split(";")[0].strip().lower()
        if media not in IMPORT_TYPES:
            raise exceptions.UnsupportedMediaType(
                media or "none", detail=f"Send one of {', '.join(IMPORT_TYPES)}."
            )
        try:
            # DRF hands an empty body over as {}, not as bytes.
            body = request.data if isinstance(request.data, bytes) else b""
            items = list(read_reviews(body, html=IMPORT_TYPES[media]))
        except UnreadableInput as exc:
            raise exceptions.ValidationError({"body": [str(exc)]}) from None
        report = import_reviews(items=items)
        return Response(ImportReportSerializer(report.as_dict()).data)


class ImportUrlSerializer(StrictSerializer):
    url = serializers.URLField(
        max_length=2000, help_text="A fact-check page, a ClaimReview feed or a search API answer"
    )


@extend_schema(
    summary="Import ClaimReview from a url: a fact-check page, a feed, a search API answer",
    description=(
        "Fetched through the guarded fetcher (public addresses only); then as the import of "
        "a body. 400 when the url is refused, does not answer 2xx, or holds nothing to read."
    ),
    tags=["exchange"],
    request=ImportUrlSerializer,
    responses={200: ImportReportSerializer},
)
class ExternalFactCheckImportUrlView(APIView):
    permission_classes = [DeskPermission]
    permission_model = "reviews.externalfactcheck"

    def post(self, request, *args, **kwargs):
        payload = ImportUrlSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        url = payload.validated_data["url"]
        try:
            body, html = fetch_reviews_input(url)
            items = list(read_reviews(body, html=html))
        except UnreadableInput as exc:
            raise exceptions.ValidationError({"url": [f"{url}: {exc}"]}) from None
        report = import_reviews(items=items)
        return Response(ImportReportSerializer(report.as_dict()).data)


# -- exports -----------------------------------------------------------------------------


@extend_schema(
    summary="Export claims, verdicts or evidence as CSV or JSON Lines (desk members)",
    description=(
        "Streamed, every matching row, no cap. The claim list's filters apply (`status`, "
        "`outlet`, `rating`, `search`, ...): to claims, and to verdicts and evidence through "
        "their claim. Rows in id order."
    ),
    tags=["exchange"],
    parameters=[
        OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(EXPORTS)),
        OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=list(FORMATS)),
    ],
    responses={
        (200, "text/csv"): OpenApiResponse(response={"type": "string"}),
        (200, "application/x-ndjson"): OpenApiResponse(response={"type": "string"}),
    },
)
class ExportView(APIView):
    permission_classes = [DeskPermission]
    models = {
        "claims": "claims.claim",
        "verdicts": "reviews.verdict",
        "evidence": "reviews.evidence",
    }

    @property
    def permission_model(self) -> str:
        return self.models.get(self.kwargs.get("kind"), "claims.claim")

    def get(self, request, kind: str, fmt: str):
        if kind not in EXPORTS or fmt not in FORMATS:
            raise exceptions.NotFound(
                f"No export {kind}.{fmt}: kinds {', '.join(EXPORTS)}; formats {', '.join(FORMATS)}."
            )
        claims = visible_claims(request.user)
        filtered = ClaimFilter(request.query_params, queryset=claims, request=request)
        if not filtered.is_valid():
            raise exceptions.ValidationError(filtered.errors)
        claims = filtered.qs
        queryset = {
            "claims": lambda: claims,
            "verdicts": lambda: Verdict.objects.filter(claim__in=claims.values("pk")),
            "evidence": lambda: Evidence.objects.filter(claim__in=claims.values("pk")),
        }[kind]()
        write, content_type = FORMATS[fmt]
        response = StreamingHttpResponse(write(EXPORTS[kind], queryset), content_type=content_type)
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="{kind}-{stamp}.{fmt}"'
        return response
