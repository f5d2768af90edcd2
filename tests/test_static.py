"""`collectstatic` with the production storage: hashed, compressed, and complete."""

import json

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "glossary.storage.StaticFilesStorage"},
}


@pytest.fixture
def production_static(settings, tmp_path):
    settings.STORAGES = PRODUCTION_STORAGES
    settings.STATIC_ROOT = tmp_path / "static"
    return settings.STATIC_ROOT


def test_collectstatic_hashes_every_file_including_the_vendored_graph_library(production_static):
    call_command("collectstatic", "--noinput", verbosity=0)
    manifest = json.loads((production_static / "staticfiles.json").read_text())["paths"]
    hashed = production_static / manifest["vendor/vis-network/vis-network.min.js"]
    assert hashed.is_file() and hashed.with_name(hashed.name + ".gz").is_file()
    # The map pyvis names is not shipped: its comment is gone, so no browser asks for it.
    assert "sourceMappingURL" not in hashed.read_text()
    for name in ("glossary/site.css", "graphviz_app/graph.js", "admin/css/base.css", "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"):
        assert name in manifest, name
    assert staticfiles_storage.url("glossary/site.css") == "/static/" + manifest["glossary/site.css"]


def test_a_missing_file_named_by_a_stylesheet_still_fails_the_collection(production_static, settings, tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "broken.css").write_text('body { background: url("missing.png"); }\n')
    (source / "mapped.js").write_text("let a = 1;\n//# sourceMappingURL=mapped.js.map\n")
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    with pytest.raises(ValueError, match="missing.png"):
        call_command("collectstatic", "--noinput", verbosity=0)
