"""Which formats exist, how to tell them apart, and one entry point each to read and to write."""

from pathlib import Path

from glossary.exchange import graphml, jsonfmt, skos
from glossary.exchange.csvfmt import read_csv_folder
from glossary.exchange.document import ExchangeError
from glossary.models import RelationType

EXPORT_FORMATS = ("json", "skos", "csv", "graphml")
IMPORT_FORMATS = ("json", "skos", "csv")
SKOS_FORMATS = tuple(skos.RDF_FORMATS)
STREAM_FORMATS = ("json", "skos", "graphml")  # single-file formats

EXTENSIONS = {
    ".json": ("json", None),
    ".csv": ("csv", None),
    ".ttl": ("skos", "turtle"),
    ".rdf": ("skos", "xml"),
    ".xml": ("skos", "xml"),
    ".owl": ("skos", "xml"),
    ".jsonld": ("skos", "json-ld"),
}


def export_file(fmt: str, snapshot: dict, skos_format: str = "turtle"):
    """(chunks of text, media type, file extension) for a single-file format."""
    if fmt == "json":
        return jsonfmt.iter_json(snapshot), jsonfmt.MEDIA_TYPE, "json"
    if fmt == "skos":
        _, media_type, extension = skos.RDF_FORMATS[skos_format]
        return skos.iter_skos(snapshot, skos_format), media_type, extension
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


def guess(path: Path, fmt=None, skos_format=None):
    """The (format, rdf format) to read ``path`` with: as asked, else by extension, else by content."""
    if path.is_dir():
        return fmt or "csv", skos_format
    guessed = EXTENSIONS.get(path.suffix.lower(), (None, None))
    if guessed[0] is None or (fmt == "skos" and guessed[0] != "skos"):
        with open(path, "rb") as f:
            guessed = sniff(f.read(4096))
    fmt = fmt or guessed[0]
    if fmt is None:
        raise ExchangeError([f"{path.name}: cannot tell the format; pass --format json, skos or csv"])
    return fmt, skos_format or guessed[1] or "turtle"


def read_file(path, fmt=None, skos_format=None):
    """Read ``path`` (a file, or a folder of CSV files) into a `Document`."""
    path = Path(path)
    if not path.exists():
        raise ExchangeError([f"{path}: no such file or folder"])
    fmt, skos_format = guess(path, fmt, skos_format)
    if fmt == "csv":
        return read_csv_folder(path)
    if path.is_dir():
        raise ExchangeError([f"{path}: is a folder; only the csv format reads folders"])
    with open(path, "rb") as f:
        return read_stream(f, fmt, skos_format, name=path.name)


def read_stream(stream, fmt, skos_format="turtle", name="file"):
    """Read an open binary file of a single-file format into a `Document`."""
    if fmt == "json":
        return jsonfmt.read_json(stream, name=name)
    if fmt == "skos":
        stored = dict(RelationType.objects.values_list("slug", "skos_mapping"))
        return skos.read_skos(stream, skos_format, name=name, stored_types=stored)
    raise ExchangeError([f"{name}: {fmt} cannot be imported; use one of {', '.join(IMPORT_FORMATS)}"])
