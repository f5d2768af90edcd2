"""The base of the URIs exports mint for concepts that have none of their own."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def normalised_base(base: str) -> str:
    return base if base.endswith(("/", "#")) else base + "/"


def base_uri_for(request=None) -> str:
    """``GLOSSARY_BASE_URI`` when set, else the site's own address as the request reached it.

    Without a request (the command line) and without the setting there is no sound answer, so
    the caller is told to set it rather than given an address no one can resolve.
    """
    if settings.GLOSSARY_BASE_URI:
        return normalised_base(settings.GLOSSARY_BASE_URI)
    if request is not None:
        return request.build_absolute_uri("/")
    raise ImproperlyConfigured(
        "GLOSSARY_BASE_URI is not set: set it to the address concept URIs should start with, "
        "e.g. https://glossary.example.org/ (or pass --base-uri)."
    )
