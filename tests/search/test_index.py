"""The search index follows every write path, in the writer's transaction, on both backends."""

import json
import unicodedata

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from glossary import services
from glossary.models import Label, Note, Term
from glossary.search import CLOSE, EXACT, PREFIX, TEXT, WORDS, fold, search, search_key, vocabulary, words_of
from glossary.search_index import SQLITE_TRIGGERS
from tests.plans import postgres_plan_nodes, sqlite_plan_steps

pytestmark = pytest.mark.django_db


def found(query):
    return [hit.slug for hit in search(query).hits]


def test_a_term_made_through_the_services_is_found_at_once(make_term):
    make_term("Quantisation", short_definition="Storing weights in fewer bits.",
              aliases=[{"name": "Quantization", "kind": "synonym"}])
    assert found("quantization") == ["quantisation"]
    assert found("fewer bits") == ["quantisation"]


def test_renaming_a_label_moves_it_in_the_index(make_term):
    term = make_term("Old wording")
    services.term_update(term=term, name="New wording")
    assert found("new wording") == [term.slug]
    assert found("old wording") == []


def test_changing_the_definition_and_body_reindexes_them(make_term):
    term = make_term("Sampler", short_definition="Picks tokens.", body="Uses temperature.")
    services.term_update(term=term, short_definition="Chooses the next word.", body="Uses nucleus cutoff.")
    assert found("nucleus") == [term.slug]
    assert found("temperature") == []


def test_a_deleted_term_leaves_the_index(make_term):
    term = make_term("Ephemeral idea", short_definition="Soon gone.")
    services.term_delete(term=term)
    assert found("ephemeral") == [] and found("soon gone") == []


def test_raw_bulk_inserts_are_indexed_by_the_database(db):
    terms = Term.objects.bulk_create([Term(name=f"Bulk thing {i}", slug=f"bulk-thing-{i}") for i in range(3)])
    Label.objects.bulk_create(Label(term=t, text=f"Zorblax {i}", language="de", kind="preferred") for i, t in enumerate(terms))
    Note.objects.bulk_create([Note(term=terms[0], kind="definition", language="fr", text="Un truc en vrac."),
                              Note(term=terms[1], kind="example", language="en", text="A vrac example.")])
    assert found("zorblax 1") == ["bulk-thing-1"]
    assert found("vrac") == ["bulk-thing-0"]  # definitions only, not examples


def test_a_term_without_label_rows_is_still_found_by_its_name(db):
    Term.objects.create(name="Lonely hub", slug="lonely-hub")
    assert found("lonely hub") == ["lonely-hub"]


def test_loaddata_and_the_importer_keep_the_index(db, tmp_path):
    call_command("loaddata", "fixtures/llm_glossary.json", verbosity=0)
    assert found("halluzination")[0] == "hallucination"
    document = {
        "format": "glossary-graph", "version": 2, "categories": [], "relation_types": [], "relations": [],
        "references": [],
        "terms": [{"slug": "speculative-decoding", "short_definition": "Drafting tokens with a small model.",
                   "body": "", "status": "published", "labels": [
                       {"text": "Speculative decoding", "language": "en", "kind": "preferred", "subkind": ""},
                       {"text": "Spekulatives Dekodieren", "language": "de", "kind": "preferred", "subkind": ""}]}],
    }
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps(document))
    call_command("import_glossary", str(path), quiet=True)
    assert found("spekulatives dekodieren") == ["speculative-decoding"]
    assert found("spekulatives dekodiren") == ["speculative-decoding"]  # its words joined the vocabulary


def test_a_rolled_back_write_leaves_no_trace_in_the_index(make_term):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_term("Phantom concept")
        raise RuntimeError
    assert found("phantom concept") == []


def test_the_vocabulary_is_read_again_when_a_label_brings_a_new_word(make_term):
    make_term("Perplexity")
    assert vocabulary(connection.alias).knows("perplexity", prefix=False)
    make_term("Burstiness")
    assert vocabulary(connection.alias).knows("burstiness", prefix=False)


def test_python_and_the_database_agree_on_label_keys(db):
    # The exact tier compares keys made in Python with the engine's candidates. Both engines
    # have a glossary_search_key() SQL function: PostgreSQL's own (unaccent), SQLite's the
    # Python one, registered on each connection for the index's triggers.
    assert search_key("Fine-tuning") == search_key("fine tuning") == search_key("FINETUNING") == "finetuning"
    assert search_key("Génération augmentée") == "generationaugmentee"
    assert search_key("Straßen-Søren Æble") == "strassensorenaeble"
    # Python lowers a word's last capital sigma to "ς", PostgreSQL to "σ": both keys hold "σ".
    assert search_key("ΛΌΓΟΣ") == search_key("λόγος") == search_key("Λόγοσ") == "λογοσ"
    texts = ["Génération augmentée", "GPT-3.5", "Straßen-Søren Æble", "Λόγος", "ΛΌΓΟΣ"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["glossary_search_key(%s)"] * len(texts)), texts)
        assert cursor.fetchone() == ("generationaugmentee", "gpt35", "strassensorenaeble", "λογοσ", "λογοσ")


# Texts whose folding differed between Python and PostgreSQL: Korean syllables (decomposed to
# jamo in Python), Japanese dakuten and Devanagari virama (dropped in Python only), Hebrew points
# and Arabic harakat (dropped in Python only), Greek capitals, compatibility forms.
SCRIPTS = ["대형 언어 모델", "ベクトル データベース", "ｶﾞｲﾄﾞ", "हिन्दी भाषा", "बड़ा मॉडल", "نموذج لغوي كَبِير", "كـبير",
           "שָׁלוֹם עוֹלָם", "ภาษาไทย", "ΧΡΌΝΟΣ", "Ёлка", "ﬁne-tuning", "Ｗｉｄｅ", "Tiếng Việt", "x²", "İstanbul",
           "e\u0301lan", "Ærø"]


CJK = ["大型语言模型", "大規模言語モデル", "GPT-4模型 모델의", "人工知能（AI）の一分野", "猫", "東京タワー 2024年",
       "แบบจำลองภาษาขนาดใหญ่", "ແບບຈຳລອງພາສາ", "គំរូភាសាធំ", "ဘာသာစကား မော်ဒယ်", "ภาษา ๒๕๖๗"]


def test_python_and_the_database_fold_every_script_alike(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["glossary_search_fold(%s), glossary_search_key(%s)"] * len(SCRIPTS)),
                       [text for text in SCRIPTS for _ in range(2)])
        row = cursor.fetchone()
    folded = dict(zip(SCRIPTS, zip(row[::2], row[1::2])))
    assert folded == {text: (fold(text), search_key(text)) for text in SCRIPTS}
    texts = SCRIPTS + CJK
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(["glossary_search_words(%s)"] * len(texts)), texts)
        words = dict(zip(texts, (value.split() for value in cursor.fetchone())))
    assert words == {text: list(words_of(text)) for text in texts}
    assert words_of("大型语言模型") == ("大型", "型语", "语言", "言模", "模型")
    assert words_of("GPT-4模型 모델의") == ("gpt", "4", "模型", "모델", "델의")
    assert words_of("ภาษาไทย") == ("ภา", "าษ", "ษา", "าไ", "ไท", "ทย")
    assert fold("대형 언어 모델") == unicodedata.normalize("NFC", "대형 언어 모델")  # syllables, not jamo
    assert fold("データベース") == "データベース" and fold("हिन्दी") == "हिन्दी"
    assert fold("كَبِير") == fold("كـبير") == "كبير" and fold("שָׁלוֹם") == "שלום" and fold("Tiếng") == "tieng"


# Typed as people type them: without accents, in capitals, "ss" for "ß". FTS5 folds the accents
# of Latin letters only, so SQLite's index used to keep all but the first apart.
OTHER_SPELLINGS = [
    ("ΛΟΓΟΣ", "logos", EXACT), ("λογος", "logos", EXACT), ("λογο", "logos", PREFIX),
    ("елка", "yolka", EXACT), ("ЁЛКА", "yolka", EXACT),
    ("strassenkarte", "street-map", EXACT), ("STRASSENKARTE", "street-map", EXACT),
    ("soren kierkegaard", "soren", EXACT), ("kierkegaard soren", "soren", WORDS),
    ("gross", "street-map", TEXT), ("κόσμου", "logos", TEXT), ("ёлочка", "yolka", TEXT),
    # Stored in capitals, typed in lower case, where a word's last sigma is "ς": PostgreSQL lowered
    # "ΧΡΌΝΟΣ" to "χρόνοσ", and "χρόνος" found nothing.
    ("χρόνος", "chronos", EXACT), ("χρονος", "chronos", EXACT), ("ΧΡΟΝΟΣ", "chronos", EXACT),
    ("χώρος χρόνος", "chronos", WORDS), ("ορισμός", "chronos", TEXT), ("ΟΡΙΣΜΟΣ", "chronos", TEXT),
]


def test_words_in_other_scripts_and_spellings_are_found_as_typed(make_term):
    make_term("Logos", labels=[{"text": "Logos", "language": "en", "kind": "preferred"},
                               {"text": "λόγος", "language": "el", "kind": "alternative"}],
              short_definition="Λόγος του κόσμου: word and reason.")
    make_term("Yolka", labels=[{"text": "Yolka", "language": "en", "kind": "preferred"},
                               {"text": "Ёлка", "language": "ru", "kind": "alternative"}],
              body="Новогодняя ёлочка.")
    make_term("Street map", labels=[{"text": "Street map", "language": "en", "kind": "preferred"},
                                    {"text": "Straßenkarte", "language": "de", "kind": "alternative"}],
              body="Eine Karte, sehr groß.")
    make_term("Søren", slug="soren", labels=[{"text": "Søren Kierkegaard", "language": "da", "kind": "preferred"}])
    make_term("Chronos", labels=[{"text": "Chronos", "language": "en", "kind": "preferred"},
                                 {"text": "ΧΡΌΝΟΣ", "language": "el", "kind": "alternative"},
                                 {"text": "ΧΩΡΟΣ ΚΑΙ ΧΡΟΝΟΣ", "language": "el", "kind": "hidden"}],
              short_definition="ΕΝΑΣ ΟΡΙΣΜΟΣ ΣΕ ΚΕΦΑΛΑΙΑ.")
    for query, slug, tier in OTHER_SPELLINGS:
        result = search(query)
        assert result.corrected == "", query  # found as typed, not as a spelling correction
        assert [(hit.slug, hit.tier) for hit in result.hits[:1]] == [(slug, tier)], query
        assert all(hit.tier != CLOSE for hit in result.hits), query


# On PostgreSQL the words and text tiers compared Python's folding of the query with the
# database's folding of the labels: none of these was found there.
FOLDED_SCRIPTS = [
    ("대형 언어 모델", "large-language-model", EXACT), ("언어 모델", "large-language-model", WORDS),
    ("모델", "large-language-model", WORDS), ("종류", "large-language-model", TEXT),
    ("ベクトル データベース", "vector-database", EXACT), ("データベース", "vector-database", WORDS),
    ("検索 データ", "vector-database", TEXT),
    # Written without spaces, found from the middle: a run is indexed as its pairs of characters.
    ("语言模型", "large-language-model", WORDS), ("言語モデル", "large-language-model", WORDS),
    ("语言模", "large-language-model", WORDS), ("人工智能", "large-language-model", TEXT),
    ("ータベ", "vector-database", WORDS),
    ("भाषा मॉडल", "large-language-model", WORDS), ("كَبِير", "large-language-model", WORDS),
    ("לשון", "large-language-model", WORDS), ("מוֹדֶל", "large-language-model", PREFIX),
    ("हिन्दी", "large-language-model", TEXT), ("भाषा", "large-language-model", WORDS),
    # Thai, Lao, Khmer and Burmese have no spaces between words either: found from the middle.
    ("ภาษา", "large-language-model", WORDS), ("แบบจำลองภาษา", "large-language-model", PREFIX),
    ("ພາສາ", "large-language-model", WORDS), ("ភាសា", "large-language-model", WORDS),
    ("စကား", "large-language-model", WORDS), ("ขนาดใหญ่", "large-language-model", WORDS),
]


def test_words_of_every_script_are_found_on_both_databases(make_term):
    make_term("Large language model", labels=[
        {"text": "Large language model", "language": "en", "kind": "preferred"},
        {"text": "대형 언어 모델", "language": "ko", "kind": "alternative"},
        {"text": "बड़ा भाषा मॉडल", "language": "hi", "kind": "alternative"},
        {"text": "نموذج لغوي كبير", "language": "ar", "kind": "alternative"},
        {"text": "מודל לשון גדול", "language": "he", "kind": "alternative"},
        {"text": "大型语言模型", "language": "zh", "kind": "alternative"},
        {"text": "大規模言語モデル", "language": "ja", "kind": "alternative"},
        {"text": "แบบจำลองภาษาขนาดใหญ่", "language": "th", "kind": "alternative"},
        {"text": "ແບບຈຳລອງພາສາຂະໜາດໃຫຍ່", "language": "lo", "kind": "alternative"},
        {"text": "គំរូភាសាធំ", "language": "km", "kind": "alternative"},
        {"text": "ဘာသာစကား မော်ဒယ်ကြီး", "language": "my", "kind": "alternative"},
    ], short_definition="언어 모델의 한 종류.", body="हिन्दी में भी। 一种人工智能系统。")
    make_term("Vector database", labels=[
        {"text": "Vector database", "language": "en", "kind": "preferred"},
        {"text": "ベクトル データベース", "language": "ja", "kind": "alternative"},
    ], body="ベクトル 検索 の ための データ の 集まり。")
    for query, slug, tier in FOLDED_SCRIPTS:
        result = search(query)
        assert result.corrected == "", query
        assert [(hit.slug, hit.tier) for hit in result.hits[:1]] == [(slug, tier)], query


# Names with numbers joined by hyphens, dots or slashes: PostgreSQL's parser read "GPT-4" as
# "gpt" and the signed number "-4", and "v1.2" as a version, so the words "4" and "70b" were not there.
JOINED_NUMBERS = [
    ("turbo gpt 4", "gpt-4-turbo", WORDS), ("llama 70b", "llama-2-70b", WORDS), ("2 llama", "llama-2-70b", WORDS),
    ("19 covid vaccine", "covid-19-vaccine", WORDS), ("iso 9001", "quality-standard", TEXT),
    ("2015", "quality-standard", TEXT), ("v1 2", "release-v12", WORDS), ("ip tcp", "tcpip", WORDS),
]


def test_words_joined_by_hyphens_dots_or_slashes_are_found_one_by_one(make_term):
    for name in ("GPT-4 Turbo", "Llama-2-70B", "COVID-19 vaccine", "Release v1.2", "TCP/IP"):
        make_term(name)
    make_term("Quality standard", short_definition="As in ISO 9001-2015.")
    for query, slug, tier in JOINED_NUMBERS:
        result = search(query)
        assert result.corrected == "", query
        assert [(hit.slug, hit.tier) for hit in result.hits[:1]] == [(slug, tier)], query


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps its search index in expression indexes")
def test_sqlite_triggers_dropped_by_a_table_rebuild_come_back_after_migrate(make_term):
    # Django alters a SQLite table by rebuilding it, which drops its triggers; post_migrate restores them.
    with connection.cursor() as cursor:
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    call_command("migrate", verbosity=0)  # nothing to migrate; post_migrate runs all the same
    make_term("Resurrected trigger")
    assert found("resurrected") == ["resurrected-trigger"]


def test_the_engine_reads_only_the_matching_rows_not_the_tables(db):
    from glossary.search import Query, Scope, _engine

    # Each word is in one row only: reading more than a handful of rows means a scan.
    terms = Term.objects.bulk_create(
        Term(name=f"Concept alpha{i}", slug=f"concept-{i}", short_definition=f"Defined as alpha{i}.") for i in range(3000)
    )
    Label.objects.bulk_create(Label(term=t, text=t.name, language="en", kind="preferred") for t in terms)
    Note.objects.bulk_create(Note(term=t, kind="definition", language="de", text=f"Wort alpha{i}") for i, t in enumerate(terms))
    captured = []

    def keep(execute, sql, params, many, context):
        if "UNION ALL" in sql:
            captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        _engine(connection.alias)(connection.alias, Query.parse("alpha1234"), Scope())
    if connection.vendor == "sqlite":
        steps = sqlite_plan_steps(*captured[0])
        # Each part starts from its FTS5 table and reaches labels and terms by primary key.
        scans = [step for step in steps if step.startswith("SCAN ")]
        assert scans and all("VIRTUAL TABLE" in step or step.startswith("SCAN (subquery") for step in scans), steps
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE glossary_term, glossary_label, glossary_note")
    read = {
        (node["Node Type"], node.get("Index Name") or node.get("Relation Name")):
            node["Actual Rows"] * node["Actual Loops"] + node.get("Rows Removed by Filter", 0)
        for node in postgres_plan_nodes(*captured[0])
    }
    assert max(read.values()) < 100, [(key, rows) for key, rows in read.items() if rows >= 100]
    assert any(index == "glossary_label_search_key" for _, index in read)
