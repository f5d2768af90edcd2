"""Static file storage for production: WhiteNoise's hashed, compressed files, and vendored code as shipped."""

from whitenoise.storage import CompressedManifestStaticFilesStorage

SOURCE_MAP_MARK = "sourceMappingURL"


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed and compressed static files; a source-map comment naming a map that is not shipped is removed.

    The vis-network build pyvis ships (served as-is so the graph works offline) ends with
    ``//# sourceMappingURL=vis-network.min.js.map`` but comes without that map. The manifest
    storage would stop ``collectstatic`` there, and a browser would ask for a file that does not
    exist. Any other reference to a missing file still fails the collection.
    """

    def url_converter(self, name, hashed_files, template=None):
        convert = super().url_converter(name, hashed_files, template)

        def converter(matchobj):
            try:
                return convert(matchobj)
            except ValueError:
                if SOURCE_MAP_MARK in matchobj["matched"]:
                    return ""
                raise

        return converter
