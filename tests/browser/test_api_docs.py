"""The API docs (Swagger UI from drf-spectacular-sidecar) render in a real browser, offline."""


def test_swagger_ui_renders_offline(page, live_server):
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock-tag", timeout=15000)
    assert page.locator(".opblock-tag", has_text="terms").count() == 1
    page.watch.assert_clean()
