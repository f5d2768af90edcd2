"""Every page type satisfies the Content-Security-Policy in a real browser: nothing is blocked."""

import pytest

from glossary import services

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
        + ` (${event.sourceFile}:${event.lineNumber})`);
});
"""

PUBLIC_PAGES = [
    "/", "/terms/", "/terms/?letter=L", "/terms/large-language-model/", "/categories/",
    "/categories/model/", "/search/?q=model", "/search/?q=zzzz", "/no-such-page/",
    "/graph/", "/graph/?layout=hierarchical", "/graph/large-language-model/?depth=2",
    "/graph/path/?from=large-language-model&to=rag", "/api/", "/api/terms/", "/api/docs/", "/admin/login/",
]
ADMIN_PAGES = [
    "/admin/", "/admin/glossary/term/", "/admin/glossary/term/add/", "/admin/glossary/term/import/",
    "/admin/glossary/relation/add/", "/admin/glossary/reference/",
]


@pytest.fixture
def glossary(make_term, is_a, relate):
    model = services.category_create(name="Model", color="#d97706")
    foundation = make_term("Foundation model", category=model, short_definition="A large model.")
    llm = make_term("Large language model", category=model, body="See [[Foundation model]].",
                    aliases=[{"name": "LLM", "kind": "abbreviation"}])
    rag = make_term("RAG", slug="rag", short_definition="Retrieval first.")
    relate(llm, is_a, foundation)
    relate(rag, is_a, llm)
    services.reference_create(title="A paper", url="https://example.org/paper", terms=[llm])
    return llm


READY = {"/graph/": '#graph[data-state="ready"]', "/api/docs/": ".swagger-ui .opblock"}


def visit(page, url):
    """(response, violations, console reports) of loading ``url`` until its scripts have done their work."""
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(url)
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__cspViolations")
    ready = next((selector for prefix, selector in READY.items() if url.startswith(prefix)), None)
    if ready and not violations:
        page.wait_for_selector(ready, timeout=10_000)  # the page's scripts really ran
        violations = page.evaluate("window.__cspViolations")
    reported = [m for m in messages if "Content Security Policy" in m]
    return response, violations, reported


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_run_under_the_policy_without_a_violation(page, glossary, url):
    response, violations, reported = visit(page, url)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert violations == [] and reported == [], (violations, reported)


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_run_under_the_policy_without_a_violation(page, glossary, staff_user, url):
    login(page, staff_user)
    response, violations, reported = visit(page, url)
    assert response.status == 200 and "content-security-policy" in response.headers
    assert violations == [] and reported == [], (violations, reported)


def login(page, user):
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "admin-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
