"""The history of a term in the API: its versions, the diff between two, and revert (staff)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from glossary import services
from glossary.api.filters import validated_params
from glossary.versions import diff_between, history_term_get, may_revert, term_versions, version_get, visible_versions


class ChangeSetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="edit, import or revert.")
    at = serializers.DateTimeField()
    user = serializers.CharField(source="user.get_username", allow_null=True, default=None)
    comment = serializers.CharField()
    file_name = serializers.CharField(help_text="For an import: the file's name.")
    counts = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()),
                                   help_text="For an import: per model, how many rows were created, updated, removed.")


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField(
        help_text="1 for the term's first recorded version, counting up; 0 for the term as it was before its "
        "history began (terms loaded in bulk before history was recorded).")
    date = serializers.DateTimeField(allow_null=True, help_text="Null for version 0.")
    user = serializers.CharField(source="user.get_username", allow_null=True, default=None)
    reason = serializers.CharField(help_text="The change reason or review comment, if any.")
    status = serializers.CharField(source="state.fields.status", allow_null=True, default=None,
                                   help_text="The term's status in this version.")
    changed = serializers.ListField(child=serializers.CharField(), help_text="What the version changed, e.g. “label added”.")
    change_set = ChangeSetSerializer(allow_null=True)


class WordSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["equal", "delete", "insert"])
    text = serializers.CharField()


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()
    words = WordSerializer(many=True, required=False, help_text="Long texts: the change word by word.")


def added_removed(item):
    class AddedRemoved(serializers.Serializer):
        added = item(many=True)
        removed = item(many=True)

    AddedRemoved.__name__ = f"{item.__name__.removesuffix('Serializer')}ChangesSerializer"
    return AddedRemoved()


class LabelRowSerializer(serializers.Serializer):
    text = serializers.CharField()
    language = serializers.CharField()
    kind = serializers.CharField()
    subkind = serializers.CharField()


class NoteRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    language = serializers.CharField()
    text = serializers.CharField()


class MappingRowSerializer(serializers.Serializer):
    kind = serializers.CharField()
    uri = serializers.CharField()
    label = serializers.CharField()


class TermRowSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class RelationRowSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["out", "in"], help_text="out: from this term; in: to it.")
    type = serializers.CharField(help_text="Read from this term: the type's label, or its inverse label.")
    term = TermRowSerializer(help_text="The other end.")
    note = serializers.CharField()


# "from" is a Python keyword: the serializers with a field of that name are built with type().
DiffSerializer = type("DiffSerializer", (serializers.Serializer,), {
    "from": serializers.IntegerField(help_text="The older version (0: before the term existed)."),
    "to": serializers.IntegerField(help_text="The newer version."),
    "fields": FieldChangeSerializer(many=True, help_text="The term's own fields that differ."),
    "labels": added_removed(LabelRowSerializer),
    "notes": added_removed(NoteRowSerializer),
    "mappings": added_removed(MappingRowSerializer),
    "relations": added_removed(RelationRowSerializer),
})


HistoryDiffParams = type("HistoryDiffParams", (serializers.Serializer,), {
    "from": serializers.IntegerField(required=False, min_value=0, max_value=10**9,
                                     help_text="The older version; default: the one before `to` (0: nothing)."),
    "to": serializers.IntegerField(required=False, min_value=1, max_value=10**9,
                                   help_text="The newer version; default: the newest."),
})


class TermHistoryActions:
    """`/api/terms/<slug>/history/…` for the term viewset."""

    @extend_schema(responses=VersionSerializer(many=True), summary="A term's versions, newest first",
                   description="Readers see the versions in which the term was published or deprecated; staff see all.")
    @action(detail=True, methods=["get"], url_path="history", url_name="history", pagination_class=None)
    def history(self, request, slug=None):
        term = history_term_get(slug=slug, user=request.user)
        return Response(VersionSerializer(visible_versions(term, request.user), many=True).data)

    @extend_schema(parameters=[HistoryDiffParams], responses=DiffSerializer,
                   summary="What changed between two versions of a term",
                   description="Fields (long texts word by word), labels, notes, mappings and relations added and removed.")
    @action(detail=True, methods=["get"], url_path="history/diff", url_name="history-diff", pagination_class=None)
    def history_diff(self, request, slug=None):
        params = validated_params(HistoryDiffParams, request)
        term = history_term_get(slug=slug, user=request.user)
        diff = diff_between(term, visible_versions(term, request.user), request.user,
                            params.get("from"), params.get("to"))
        return Response(DiffSerializer(diff).data)

    @extend_schema(request=None, responses=VersionSerializer, summary="Revert a term to an earlier version (staff)",
                   description="Through the same rules as any edit: a relation that would close a cycle refuses "
                   "the whole revert (400) and changes nothing, as does a number that is not one of the term's "
                   "versions (400, `number`). The revert is a new version.")
    @action(detail=True, methods=["post"], url_path=r"history/(?P<number>[0-9]{1,9})/revert",
            url_name="history-revert", pagination_class=None)
    def history_revert(self, request, slug=None, number=None):
        if not may_revert(request.user):
            raise PermissionDenied("Only staff may revert a term.")
        term = history_term_get(slug=slug, user=request.user)
        try:
            version = version_get(term_versions(term), number)
        except Http404:
            # The term exists; the number is what the request got wrong, as a write's field would be.
            raise serializers.ValidationError({"number": [f"The term has no version {number}."]}) from None
        services.term_revert(term=term, version=version, user=request.user)
        return Response(VersionSerializer(term_versions(term)[-1]).data)
