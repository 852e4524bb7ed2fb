from recruitwatch.records import Document
from recruitwatch.screen import screen
from recruitwatch.screen.langid import detect_language, language_spans
from recruitwatch.screen.prefilter import get_prefilter


def test_languages_by_script_and_cld2():
    assert detect_language("Мигрантов из Таджикистана вербуют в армию прямо в миграционном центре.") == "ru"
    assert detect_language("Муҳоҷири тоҷик барои тамдид кардани иҷозати кор ба шуъбаи муҳоҷират рафт.") == "tg"
    assert detect_language("Toshkent viloyatida yigitga hukm o‘qildi, u Rossiya armiyasi safida bo‘lgan.") == "uz"
    assert detect_language("Тошкент вилоятида йигитга ҳукм ўқилди, у Россия армияси сафида бўлган.") == "uz"
    assert detect_language("") == "und"
    assert detect_language("Мигрант Бишкектен келип, Москвада курулушта иштеген. Аны аскерге жазылууга үгүттөштү.") == "ky"
    assert detect_language("Ол Мәскеуде құрылыста жұмыс істеді, оны әскерге келісімшартқа қол қоюға көндірді.") == "kk"
    assert detect_language("He was told to sign a contract with the army at the migration centre.") == "en"
    assert detect_language("bad \x00 bytes \ud800 here, but still an English sentence about work") == "en"


def test_language_spans_per_paragraph():
    text = "Migrants were handed summonses at the office.\n\nМигрантам вручили повестки прямо в офисе."
    spans = language_spans(text)
    assert [s[2] for s in spans] == ["en", "ru"]
    assert text[spans[1][0]:spans[1][1]].startswith("Мигрантам")


def test_prefilter_needs_both_kinds_of_vocabulary():
    check = get_prefilter().check
    assert check("Migrants were recruited into the army")[0]
    assert not check("The army parade took place on Sunday")[0]
    assert not check("Migrants queue for work patents")[0]


def test_screen_sets_reasons_and_relevance():
    doc = screen(Document(id="a", origin="t", text="Police detained migrants at a market and took them to the enlistment "
                          "office, where they were pressed to sign a military contract."))
    assert doc.relevant and doc.lang == "en" and doc.relevance >= 0.5
    assert any("migrant cue" in r for r in doc.reasons)
    neg = screen(Document(id="b", origin="t", text="Putin announced partial mobilisation; reservists received "
                          "call-up papers across the country."))
    assert not neg.relevant


def test_prefilter_lets_through_every_relevance_cue():
    # The first tier must never reject what the second would accept: the text every military
    # or migrant cue matches in its own example holds a prefilter stem of that kind.
    from recruitwatch.screen.prefilter import get_prefilter
    from recruitwatch.taxonomy.lexicon import LANGUAGES, load_lexicon

    prefilter = get_prefilter()
    missing = []
    for lang in LANGUAGES:
        for cue in load_lexicon(lang).cues:
            if cue.category != "relevance" or cue.code not in ("military", "migrant"):
                continue
            matched = cue.regex.search(cue.examples[0]).group(0).lower()
            kinds = {prefilter.kinds[m.group(0)] for m in prefilter.regex.finditer(matched)}
            if cue.code not in kinds:
                missing.append((lang, cue.code, matched))
    assert not missing, missing


def test_a_sport_contract_is_not_military():
    from recruitwatch.records import Document
    from recruitwatch.screen import screen

    sport = ("Uzbek midfielder signs a two-year contract with a Russian club. The Uzbek national "
             "team player joined the club from Tashkent and will play in the league this season.")
    assert screen(Document(id="s", origin="test", text=sport)).relevant is False
    sport_ky = ("Кыргызстандык жарым коргоочу Волгограддын «Ротор» клубу менен үч жылдык келишимге кол "
                "койду. Кыргызстандык оюнчу мурда «Алай» командасында ойногон.")
    assert screen(Document(id="k", origin="test", text=sport_ky, lang="ky")).relevant is False
    army = ("Uzbek migrant workers in Kazan were pushed to sign a contract with the Russian army "
            "after a police raid on their dormitory.")
    assert screen(Document(id="a", origin="test", text=army)).relevant is True
