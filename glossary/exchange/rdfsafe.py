"""Parse RDF from an untrusted file without fetching, expanding or reading anything else.

An import file must not make the server do more than read the bytes it was given:

- RDF/XML is parsed by defusedxml's expat reader with entity declarations and external
  references refused, so a "billion laughs" file fails at once instead of pinning a worker and
  a DOCTYPE cannot make the parser read a local file or fetch a URL;
- JSON-LD is read with `json` first and refused when a ``@context`` names another document
  (a URL or a ``file:`` path) or ``@import``s one — rdflib would fetch or open it; inline
  contexts are fine;
- Turtle cannot refer to other documents.

Every failure becomes one `ExchangeError` line naming the file, with the parser's line number
when it has one.
"""

import json
import re
from xml.sax import SAXParseException, handler

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser
from rdflib import Graph, plugin
from rdflib.parser import Parser
from rdflib.plugins.parsers.rdfxml import ErrorHandler, RDFXMLHandler, RDFXMLParser

from glossary.exchange.document import ExchangeError

SAFE_XML = "glossary-safe-xml"
RDF_NAMES = {"turtle": "Turtle", "xml": "RDF/XML", "json-ld": "JSON-LD"}


class SafeRDFXMLParser(RDFXMLParser):
    """rdflib's RDF/XML parser on a defused expat reader (no entities, nothing external)."""

    def parse(self, source, sink, **args):
        parser = DefusedExpatParser(forbid_dtd=False, forbid_entities=True, forbid_external=True)
        parser.setFeature(handler.feature_namespaces, 1)
        content = RDFXMLHandler(sink)
        content.setDocumentLocator(source)
        parser.setContentHandler(content)
        parser.setErrorHandler(ErrorHandler())
        parser.parse(source)


plugin.register(SAFE_XML, Parser, __name__, "SafeRDFXMLParser")


def _remote_context(value, path="$"):
    """Where ``value`` (parsed JSON-LD) refers to another context document, or None."""
    stack = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, dict):
            for key, child in node.items():
                if key == "@context":
                    for context in child if isinstance(child, list) else [child]:
                        if isinstance(context, str):
                            return f"{where}.@context names another document ({context[:80]!r})"
                        if isinstance(context, dict) and "@import" in context:
                            return f"{where}.@context imports another document"
                stack.append((child, f"{where}.{key}"))
        elif isinstance(node, list):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(node))
    return None


def _line_of(exc) -> str:
    """' line N' from a parser's exception, when it says."""
    if isinstance(exc, SAXParseException):
        return f" line {exc.getLineNumber()}"
    if isinstance(exc, json.JSONDecodeError):
        return f" line {exc.lineno}"
    found = re.search(r"\bline (\d+)", str(exc))
    return f" line {found.group(1)}" if found else ""


def parse_rdf(data: bytes, rdf_format: str, name: str = "file") -> Graph:
    """The triples of ``data`` in ``rdf_format`` (turtle, xml or json-ld)."""
    shown = RDF_NAMES.get(rdf_format, rdf_format)
    g = Graph()
    try:
        if rdf_format == "json-ld":
            problem = _remote_context(json.loads(data))
            if problem:
                raise ExchangeError([
                    f"{name}: {problem}; contexts from elsewhere are never loaded — put the context "
                    "inline in the file"
                ])
            g.parse(data=data, format="json-ld")
        elif rdf_format == "xml":
            g.parse(data=data, format=SAFE_XML)
        else:
            g.parse(data=data, format=rdf_format)
    except ExchangeError:
        raise
    except DefusedXmlException as exc:
        raise ExchangeError([
            f"{name}: not imported: {exc} — RDF/XML with entity declarations or external references "
            "is refused (expand the entities and remove the DOCTYPE first)"
        ]) from None
    except RecursionError:
        raise ExchangeError([f"{name}: not valid {shown}: nested too deeply"]) from None
    except UnicodeDecodeError as exc:
        raise ExchangeError([f"{name}: not UTF-8 text ({exc.reason} at byte {exc.start})"]) from None
    except Exception as exc:  # noqa: BLE001 - rdflib's parsers raise many unrelated types (SAX, JSON, BadSyntax…)
        message = " ".join(str(exc).split())[:300] or type(exc).__name__
        raise ExchangeError([f"{name}{_line_of(exc)}: not valid {shown}: {message}"]) from None
    return g
