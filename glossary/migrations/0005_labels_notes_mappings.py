"""Aliases become labels (SKOS: preferred, alternative, hidden, each with a language); terms gain
a URI and a notation; definitions and notes in other languages and mappings to other
vocabularies get tables of their own.

Every term's name becomes its preferred label in the glossary's language, and each alias a
label the way `glossary.exchange.document.labels_from_aliases` says (version-1 files are read
the same way). A term's name need only be unique among current (non-deprecated) terms now.
"""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import glossary.models
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

from glossary.exchange.document import labels_from_aliases


def aliases_to_labels(apps, schema_editor):
    Term = apps.get_model("glossary", "Term")
    Alias = apps.get_model("glossary", "Alias")
    Label = apps.get_model("glossary", "Label")
    aliases = {}
    for term_id, name, kind, language in Alias.objects.values_list("term_id", "name", "kind", "language"):
        aliases.setdefault(term_id, []).append({"name": name, "kind": kind, "language": language})
    labels = []
    for term_id, name in Term.objects.values_list("pk", "name").iterator(chunk_size=5000):
        for label in labels_from_aliases(name, aliases.get(term_id, []), settings.GLOSSARY_LANGUAGE):
            labels.append(Label(term_id=term_id, **label))
    Label.objects.bulk_create(labels, batch_size=5000)


def labels_to_aliases(apps, schema_editor):
    """Back to aliases: every label but the name (preferred labels in other languages as translations)."""
    Label = apps.get_model("glossary", "Label")
    Alias = apps.get_model("glossary", "Alias")
    kinds = {"abbreviation": "abbreviation", "misspelling": "misspelling"}
    aliases = []
    seen = set()
    for label in Label.objects.select_related("term").order_by("pk"):
        if label.text == label.term.name or label.text.lower() in seen:
            continue
        seen.add(label.text.lower())
        kind = "translation" if label.kind == "preferred" else kinds.get(label.subkind, "synonym")
        aliases.append(Alias(term_id=label.term_id, name=label.text, kind=kind,
                             language=label.language if kind == "translation" else ""))
    Alias.objects.bulk_create(aliases)


def label_search_indexes(action):
    """Full-text and trigram GIN indexes on label text, as the alias ones were (PostgreSQL only)."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        Label = apps.get_model("glossary", "Label")
        for index in (
            GinIndex(SearchVector("text", config="english"), name="label_search_vector_gin"),
            GinIndex(OpClass("text", name="gin_trgm_ops"), name="label_text_trgm_gin"),
        ):
            getattr(schema_editor, action)(Label, index)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('glossary', '0004_alias_language_tag'),
    ]

    operations = [
        migrations.CreateModel(
            name='Label',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.CharField(max_length=200, validators=[glossary.models.validate_text])),
                ('language', models.CharField(blank=True, help_text='Language tag (BCP 47), e.g. en, de, pt-BR; empty for text without a language.', max_length=16, validators=[django.core.validators.RegexValidator('^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$', 'Enter a language tag such as en, de, pt-BR or zh-Hant.', code='invalid_language')])),
                ('kind', models.CharField(choices=[('preferred', 'Preferred'), ('alternative', 'Alternative'), ('hidden', 'Hidden (found by search, never shown)')], default='alternative', max_length=12)),
                ('subkind', models.CharField(blank=True, choices=[('', '—'), ('abbreviation', 'Abbreviation'), ('synonym', 'Synonym'), ('misspelling', 'Misspelling')], default='', max_length=12)),
            ],
            options={
                'ordering': ['language', 'kind', django.db.models.functions.text.Lower('text')],
            },
        ),
        migrations.CreateModel(
            name='Mapping',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('exact', 'exact match'), ('close', 'close match'), ('broad', 'broader (in another vocabulary)'), ('narrow', 'narrower (in another vocabulary)'), ('related', 'related (in another vocabulary)')], default='exact', max_length=8)),
                ('uri', models.CharField(max_length=500, validators=[glossary.models.validate_uri], verbose_name='URI')),
                ('label', models.CharField(blank=True, max_length=200, validators=[glossary.models.validate_text])),
            ],
            options={
                'ordering': ['kind', 'uri'],
            },
        ),
        migrations.CreateModel(
            name='Note',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('definition', 'Definition'), ('scope_note', 'Scope note'), ('example', 'Example'), ('note', 'Note'), ('history_note', 'History note'), ('editorial_note', 'Editorial note'), ('change_note', 'Change note')], default='note', max_length=16)),
                ('language', models.CharField(blank=True, max_length=16, validators=[django.core.validators.RegexValidator('^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$', 'Enter a language tag such as en, de, pt-BR or zh-Hant.', code='invalid_language')])),
                ('text', models.TextField(validators=[glossary.models.validate_text])),
            ],
            options={
                'ordering': ['kind', 'language', 'pk'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='term',
            name='term_name_ci_unique',
        ),
        migrations.AddField(
            model_name='term',
            name='notation',
            field=models.CharField(blank=True, help_text='A code for the concept within its scheme (skos:notation), e.g. 006.3.', max_length=100, validators=[glossary.models.validate_text]),
        ),
        migrations.AddField(
            model_name='term',
            name='uri',
            field=models.CharField(blank=True, help_text="The concept's identity in other vocabularies; kept from imports. Left empty, exports use the glossary's base URI and the slug.", max_length=500, null=True, unique=True, validators=[glossary.models.validate_uri], verbose_name='URI'),
        ),
        migrations.AlterField(
            model_name='reference',
            name='url',
            field=models.URLField(max_length=500, unique=True, validators=[glossary.models.validate_uri]),
        ),
        migrations.AlterField(
            model_name='term',
            name='body',
            field=models.TextField(blank=True, help_text='Markdown. Link other terms with [[Term name]] or [[Term|shown text]].', validators=[glossary.models.validate_text]),
        ),
        migrations.AlterField(
            model_name='term',
            name='name',
            field=models.CharField(help_text="The preferred label in the glossary's language (the term's name).", max_length=200, validators=[glossary.models.validate_text]),
        ),
        migrations.AlterField(
            model_name='term',
            name='short_definition',
            field=models.CharField(blank=True, help_text='Plain text, one or two sentences.', max_length=300, validators=[glossary.models.validate_text]),
        ),
        migrations.AddConstraint(
            model_name='term',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('name'), condition=models.Q(('status', 'deprecated'), _negated=True), name='term_current_name_ci_unique'),
        ),
        migrations.AddField(
            model_name='label',
            name='term',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='labels', to='glossary.term'),
        ),
        migrations.AddField(
            model_name='mapping',
            name='term',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='mappings', to='glossary.term'),
        ),
        migrations.AddField(
            model_name='note',
            name='term',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notes', to='glossary.term'),
        ),
        migrations.AddIndex(
            model_name='label',
            index=models.Index(django.db.models.functions.text.Lower('text'), name='label_text_ci_idx'),
        ),
        migrations.AddConstraint(
            model_name='label',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'preferred')), fields=('term', 'language'), name='label_one_preferred_per_term_language', violation_error_message='A term has one preferred label per language.'),
        ),
        migrations.AddConstraint(
            model_name='label',
            constraint=models.UniqueConstraint(models.F('term'), models.F('language'), django.db.models.functions.text.Lower('text'), name='label_text_once_per_term_language', violation_error_message='This text is already a label of the term in that language.'),
        ),
        migrations.AddConstraint(
            model_name='mapping',
            constraint=models.UniqueConstraint(fields=('term', 'kind', 'uri'), name='mapping_unique_term_kind_uri', violation_error_message='This mapping already exists.'),
        ),
        migrations.RunPython(aliases_to_labels, labels_to_aliases),
        migrations.RemoveField(
            model_name='alias',
            name='term',
        ),
        migrations.DeleteModel(
            name='Alias',
        ),
        migrations.RunPython(label_search_indexes("add_index"), label_search_indexes("remove_index")),
    ]
