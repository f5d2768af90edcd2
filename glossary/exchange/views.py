"""GET /api/export/?format=json|skos|csv|graphml — the glossary as a downloadable file (csv: a zip)."""

import io
import tempfile
import zipfile

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from glossary.api.filters import validated_params
from glossary.exchange import graphml, jsonfmt, skos_write
from glossary.exchange.csvfmt import write_csv_folder
from glossary.exchange.document import ExchangeError
from glossary.exchange.formats import EXPORT_FORMATS, SKOS_FORMATS, export_file
from glossary.exchange.snapshot import glossary_snapshot
from glossary.exchange.uris import base_uri_for
from glossary.models import Term


class ExportParams(serializers.Serializer):
    format = serializers.ChoiceField(
        choices=EXPORT_FORMATS, default="json",
        help_text="File format; csv comes as a zip of the CSV files (terms.csv, relations.csv, …).",
    )
    skos_format = serializers.ChoiceField(
        choices=SKOS_FORMATS, default="turtle", help_text="RDF serialisation when format=skos."
    )


class IgnoreClientNegotiation(BaseContentNegotiation):
    """The file's type comes from ``format``; DRF would otherwise read ``?format=`` as a renderer name."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


ZIP_MEDIA_TYPE = "application/zip"

SUCCESS_TYPES = {
    jsonfmt.MEDIA_TYPE: OpenApiTypes.OBJECT,
    **{media_type: OpenApiTypes.STR for _, media_type, _ in skos_write.RDF_FORMATS.values() if "json" not in media_type},
    skos_write.RDF_FORMATS["json-ld"][1]: OpenApiTypes.ANY,
    graphml.MEDIA_TYPE: OpenApiTypes.STR,
    ZIP_MEDIA_TYPE: OpenApiTypes.BINARY,
}


class ExportView(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = IgnoreClientNegotiation

    @extend_schema(
        operation_id="export_glossary",
        summary="Download the glossary as a file",
        description=(
            "json: our lossless format (re-importable with `manage.py import_glossary`); skos: a SKOS "
            "concept scheme (Turtle, RDF/XML or JSON-LD); csv: a zip of the CSV files, for spreadsheets; "
            "graphml: for Gephi, yEd or networkx. "
            "Drafts are included for staff only."
        ),
        parameters=[ExportParams],
        responses={(200, media_type): OpenApiResponse(schema) for media_type, schema in SUCCESS_TYPES.items()},
        tags=["export"],
    )
    def get(self, request):
        params = validated_params(ExportParams, request)
        fmt, skos_format = params["format"], params["skos_format"]
        staff = request.user.is_active and request.user.is_staff
        snapshot = glossary_snapshot(terms=None if staff else Term.objects.visible_to(request.user), with_scheme=True)
        return file_response(snapshot, fmt, skos_format, base=base_uri_for(request),
                             stem=f"glossary-{timezone.now():%Y-%m-%d}")


def file_response(snapshot: dict, fmt: str, skos_format: str = "turtle", *, base: str, stem: str):
    """A snapshot as a download named ``stem`` plus the format's extension.

    The CSV format, a folder of files, comes as one zip archive of them.
    """
    if fmt == "csv":
        response = HttpResponse(csv_zip(snapshot), content_type=ZIP_MEDIA_TYPE)
        extension = "zip"
    else:
        try:
            chunks, media_type, extension = export_file(fmt, snapshot, skos_format, base=base)
        except ExchangeError as exc:  # refused before any byte: the glossary cannot be said in that syntax
            raise ValidationError({"skos_format": exc.errors}) from None
        response = StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in chunks), content_type=f"{media_type}; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{extension}"'
    return response


def csv_zip(snapshot: dict) -> bytes:
    """The CSV export's files (terms.csv, relations.csv, …) in one zip archive."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in write_csv_folder(snapshot, folder):
            archive.write(path, path.name)
    return buffer.getvalue()
