"""Which formats exist, how to tell them apart, and one entry point each to read and to write."""

from pathlib import Path

from django.conf import settings

from glossary.exchange import graphml, jsonfmt, skos_read, skos_write
from glossary.exchange.csvfmt import read_csv_folder
from glossary.exchange.document import ExchangeError
from glossary.models import Category, RelationType, Term

EXPORT_FORMATS = ("json", "skos", "csv", "graphml")
IMPORT_FORMATS = ("json", "skos", "csv")
SKOS_FORMATS = tuple(skos_write.RDF_FORMATS)

EXTENSIONS = {
    ".json": ("json", None),
    ".csv": ("csv", None),
    ".ttl": ("skos", "turtle"),
    ".rdf": ("skos", "xml"),
    ".xml": ("skos", "xml"),
    ".owl": ("skos", "xml"),
    ".jsonld": ("skos", "json-ld"),
}


def export_file(fmt: str, snapshot: dict, skos_format: str = "turtle", *, base: str = ""):
    """(chunks of text, media type, file extension) for a single-file format.

    ``base`` mints URIs for concepts without their own (SKOS only).
    """
    if fmt == "json":
        return jsonfmt.iter_json(snapshot), jsonfmt.MEDIA_TYPE, "json"
    if fmt == "skos":
        _, media_type, extension = skos_write.RDF_FORMATS[skos_format]
        return skos_write.iter_skos(snapshot, skos_format, base=base), media_type, extension
    if fmt == "graphml":
        return graphml.iter_graphml(snapshot), graphml.MEDIA_TYPE, "graphml"
    raise ValueError(f"{fmt} is not a single-file format")


def sniff(head: bytes):
    """Guess (format, rdf format) from the first bytes of a file; (None, None) when unsure."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{") and b'"glossary-graph"' in head:
        return "json", None
    if text.startswith((b"{", b"[")):
        return "skos", "json-ld"
    if text.startswith(b"<"):
        return "skos", "xml"
    if text.startswith((b"@prefix", b"@base", b"PREFIX", b"prefix")) or b"skos:" in head:
        return "skos", "turtle"
    return None, None


def guess(path: Path, fmt=None, skos_format=None, name=None):
    """The (format, rdf format) to read ``path`` with: as asked, else by extension, else by content.

    ``name`` is the file's own name when ``path`` is a stored copy (an upload).
    """
    if path.is_dir():
        return fmt or "csv", skos_format
    guessed = EXTENSIONS.get(Path(name or path.name).suffix.lower(), (None, None))
    if guessed[0] is None or (fmt == "skos" and guessed[0] != "skos"):
        with open(path, "rb") as f:
            guessed = sniff(f.read(4096))
    fmt = fmt or guessed[0]
    if fmt is None:
        raise ExchangeError([f"{name or path.name}: cannot tell the format; pass --format json, skos or csv"])
    return fmt, skos_format or guessed[1] or "turtle"


def read_file(path, fmt=None, skos_format=None, *, name=None):
    """Read ``path`` (a file, or a folder of CSV files) into a `Document`.

    ``name`` is what errors call the file (an upload's own name rather than its stored copy's).
    """
    path = Path(path)
    if not path.exists():
        raise ExchangeError([f"{name or path}: no such file or folder"])
    fmt, skos_format = guess(path, fmt, skos_format, name)
    if fmt == "csv":
        return read_csv_folder(path)
    if path.is_dir():
        raise ExchangeError([f"{name or path}: is a folder; only the csv format reads folders"])
    with open(path, "rb") as f:
        return read_stream(f, fmt, skos_format, name=name or path.name)


def read_bounded(stream, name) -> bytes:
    """The whole stream, refused when larger than ``GLOSSARY_IMPORT_MAX_BYTES``."""
    limit = settings.GLOSSARY_IMPORT_MAX_BYTES
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ExchangeError([f"{name}: larger than the import limit of {limit // 1_000_000} MB "
                             "(GLOSSARY_IMPORT_MAX_BYTES); split it or raise the limit"])
    return data


def stored_state() -> dict:
    """What a SKOS reader needs to know of the glossary: relation types, term URIs and slugs, and
    category slugs with their URIs."""
    slugs = dict(Term.objects.values_list("slug", "uri"))
    return {
        "types": dict(RelationType.objects.values_list("slug", "skos_mapping")),
        "uris": {uri: slug for slug, uri in slugs.items() if uri},
        "slugs": slugs,
        "category_slugs": dict(Category.objects.values_list("slug", "uri")),
    }


def read_stream(stream, fmt, skos_format="turtle", name="file"):
    """Read an open binary file of a single-file format into a `Document`."""
    data = read_bounded(stream, name)
    if fmt == "json":
        return jsonfmt.read_json(data, name=name)
    if fmt == "skos":
        return skos_read.read_skos(data, skos_format, name=name, stored=stored_state())
    raise ExchangeError([f"{name}: {fmt} cannot be imported; use one of {', '.join(IMPORT_FORMATS)}"])
