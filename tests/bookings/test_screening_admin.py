"""The "Try a sentence" page: matches with their typos, near misses and why, the language,
and a new phrase checked against the kept ones."""

from django.urls import reverse

from bookings.intake.admin import duplicates_of
from catalog.seed_phrases import seeded_phrases

SEEDED = seeded_phrases()


def try_it(client, **data: str) -> str:
    response = client.post(reverse("admin_try_warning_phrases"), data)
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_what_a_typo_was_read_as(client, clinical_lead):
    client.force_login(clinical_lead)

    html = try_it(client, text="I cant controll my bladdar since monday")

    assert "controll my bladdar" in html
    assert "“bladdar” as “bladder”" in html


def test_it_shows_near_misses_and_why_they_did_not_count(client, clinical_lead):
    client.force_login(clinical_lead)

    html = try_it(
        client, text="No fever. My mum had a fall. I fell off the wagon. Tingling in my fingers."
    )

    assert "No warning sign found." in html
    assert "denied by “no”" in html
    assert "someone else&#x27;s: “mum”" in html
    assert "another sense: “fell off the wagon”" in html
    assert "somewhere else: “fingers”" in html


def test_a_word_too_far_from_the_key_word_is_a_near_miss(client, clinical_lead):
    client.force_login(clinical_lead)

    html = try_it(client, text="lost control of my bladr")

    assert "No warning sign found." in html
    assert "“bladr” is 2 edit(s) from “bladder”, 1 allowed" in html


def test_another_sign_with_a_longer_phrase_over_the_same_words_is_named(client, clinical_lead):
    client.force_login(clinical_lead)

    html = try_it(client, text="numb between my legs since Friday")

    assert "Numbness or pins and needles between your legs" in html
    assert "the same words match the longer" in html


def test_it_says_when_the_sentence_is_in_a_language_the_clinic_does_not_screen(
    client, clinical_lead
):
    client.force_login(clinical_lead)

    html = try_it(client, text="Seit gestern spüre ich nichts mehr zwischen den Beinen.")

    assert "written in German" in html


def test_it_warns_when_a_new_phrase_repeats_one_kept(client, clinical_lead):
    client.force_login(clinical_lead)

    html = try_it(client, phrase="Wet  Myself")

    assert "“wet myself” is kept already (the same words)" in html


def test_it_warns_when_the_kept_phrases_already_find_a_new_phrase(client, clinical_lead):
    client.force_login(clinical_lead)

    html = try_it(client, phrase="peed myself in bed")

    assert "is kept already (already finds “peed myself”)" in html


def test_a_new_phrase_nobody_keeps_is_said_to_be_new(client, clinical_lead):
    client.force_login(clinical_lead)

    html = try_it(client, phrase="saddle sore from horse riding")

    assert "No kept phrase repeats it" in html


def test_duplicates_compare_words_not_spelling():
    assert [d.phrase for d in duplicates_of("WET MYSELF", SEEDED)] == ["wet myself"]
    assert duplicates_of("numb* ... kneecap", SEEDED) == []


def test_the_phrase_form_refuses_a_phrase_kept_under_another_sign(client, clinical_lead):
    client.force_login(clinical_lead)

    response = client.post(
        reverse("admin:catalog_warningphrase_add"), {"sign": "fever", "phrase": " Wet  MYSELF "}
    )

    assert response.status_code == 200
    assert (
        response.context["adminform"]
        .form.errors["phrase"][0]
        .startswith("This phrase is kept already, under “Leaking wee or poo")
    )
