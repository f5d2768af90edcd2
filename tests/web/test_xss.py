"""No hostile text in a name, alias, definition or body survives as live markup on any page.

Pages are parsed, not grepped: every element and attribute is checked against what a script
needs to run (script elements, event handlers, javascript:/data: URLs, embedding elements).
"""

import re
from html.parser import HTMLParser

import pytest

from glossary import services

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "<scr<script>ipt>alert(1)</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "[x](&#106;avascript:alert(1))",
    "<style>@import 'http://evil.example/x.css'</style>",
    '<object data="data:text/html,<script>alert(1)</script>">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    "[x](vbscript:msgbox(1))",
    "<input autofocus onfocus=alert(1)>",
    "[[<img src=x onerror=alert(1)>]]",
    "[[GPT-4|<img src=x onerror=alert(1)>]]",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "[x](https://example.org \"title\" onmouseover=alert(1))",
    "</textarea><script>alert(1)</script>",
    "{{ request }}{% debug %}",
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "content"}
DANGEROUS_SCHEME = re.compile(r"^\s*(javascript|data|vbscript)\s*:", re.IGNORECASE)
EMBEDDING_TAGS = {"iframe", "object", "embed", "frame", "frameset", "math", "style", "base", "img", "video", "audio", "textarea"}
# The site's own disclosure widgets (graph legend, graph as a list) carry only these attributes.
DETAILS_ATTRIBUTES = {"id", "class", "open"}


class LiveMarkup(HTMLParser):
    """Every element of a page, for checks on what could run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.svgs = 0

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        values = dict(attrs)
        if tag == "script" and not (
            (values.get("src") or "").startswith("/static/") or values.get("type") == "application/json"
        ):
            self.problems.append(f"<script {attrs}>")
        if tag in EMBEDDING_TAGS or (tag == "details" and not names <= DETAILS_ATTRIBUTES):
            self.problems.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in names:
            self.problems.append("<meta http-equiv>")
        if tag == "input" and "autofocus" in names:
            self.problems.append("<input autofocus>")
        if tag == "svg":
            self.svgs += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and value and DANGEROUS_SCHEME.match(value):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name == "style" and not re.fullmatch(r"--[a-z]+: #[0-9a-fA-F]{6}", value or ""):
                self.problems.append(f"<{tag} style={value!r}>")

    handle_startendtag = handle_starttag


def live_markup(html):
    parser = LiveMarkup()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture
def hostile(glossary, related_to, relate):
    terms = []
    for i, payload in enumerate(PAYLOADS):
        term = services.term_create(
            name=f"{payload} {i}",
            short_definition=payload,
            body=f"{payload}\n\n*text* {payload} [[Foundation model]]",
            aliases=[{"name": f"{payload} alias {i}", "kind": "synonym"}],
        )
        relate(term, related_to, glossary["fm"], note=payload)
        terms.append(term)
    return terms


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 20


def test_no_payload_survives_as_live_markup_on_any_page(client, hostile):
    baseline_svgs = live_markup(client.get("/terms/gemini/").content.decode()).svgs
    urls = [f"/terms/{t.slug}/" for t in hostile]
    urls += ["/", "/terms/", "/terms/?page=2", "/terms/foundation-model/", "/search/?q=alert",
             "/search/?q=script", "/categories/", "/terms/?q=onerror", "/search/?q=%3Cscript%3E"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = live_markup(response.content.decode())
        assert page.problems == [], url
        assert page.svgs <= baseline_svgs, url  # only the site's own icons


def test_hostile_text_is_shown_as_text(client, hostile):
    html = client.get(f"/terms/{hostile[0].slug}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "markup", ['<img src=x onerror="alert(1)">', "<script>alert(1)</script>", '<a href=" javascript:x">x</a>', "<svg><svg>",
               '<details title="x">']
)
def test_the_checker_itself_flags_live_markup(markup):
    page = live_markup(markup)
    assert page.problems or page.svgs == 2
