"""An admin page for clinical leads: try a sentence against the warning phrases, and
check a new phrase before adding it.

It lives in `bookings` because the matching does (`screening`); `catalog` never
imports `bookings`, so clinic/urls.py mounts it beside the catalog's admin.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bookings.intake import screening, selectors
from catalog.vocabulary import DESCRIPTION_MAX_LENGTH, WARNING_SIGNS


class TrySentenceForm(forms.Form):
    text = forms.CharField(
        label="A description, as a client might write it",
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )
    phrase = forms.CharField(
        label="A new phrase you are thinking of adding (optional)",
        max_length=80,
        required=False,
        help_text="The page says whether it repeats a phrase already kept, or whether "
        "the phrases already find these words.",
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if not cleaned.get("text") and not cleaned.get("phrase"):
            self.add_error(
                "text", forms.ValidationError("Type a sentence, a phrase or both.", code="empty")
            )
        return cleaned


@dataclass(frozen=True)
class Duplicate:
    sign: str
    phrase: str
    why: str


def duplicates_of(phrase: str, kept: list[tuple[str, str]]) -> list[Duplicate]:
    """Kept phrases the new one repeats: the same words, or words they already find."""
    words = screening.phrase_words(phrase)
    same = [
        Duplicate(WARNING_SIGNS.label_of(sign), other, "the same words")
        for sign, other in kept
        if screening.phrase_words(other) == words
    ]
    if GAP_OR_STAR.intersection("".join(words)) or not words:
        return same
    found = screening.screen_text(" ".join(words), kept).matches
    covered = [
        Duplicate(WARNING_SIGNS.label_of(m.sign), m.phrase, f"already finds “{m.quote}”")
        for m in found
        if m.phrase not in {d.phrase for d in same}
    ]
    return [*same, *covered]


GAP_OR_STAR = frozenset("*.")


def try_warning_phrases_view(request: HttpRequest) -> HttpResponse:
    """POST, so what is typed never lands in a URL or an access log."""
    if not request.user.has_perm("catalog.view_warningphrase"):
        raise PermissionDenied
    form = TrySentenceForm(request.POST or None)
    context: dict[str, object] = {"found": None}
    if request.method == "POST" and form.is_valid():
        kept = selectors.warning_phrases()
        if form.cleaned_data["text"]:
            result = screening.screen_text(form.cleaned_data["text"], kept, near_misses=True)
            context |= {
                "found": [(WARNING_SIGNS.label_of(m.sign), m) for m in result.matches],
                "near_misses": [(WARNING_SIGNS.label_of(n.sign), n) for n in result.near_misses],
                "language": result.language_name if result.unscreened_language else "",
            }
        if form.cleaned_data["phrase"]:
            context |= {
                "phrase": form.cleaned_data["phrase"],
                "duplicates": duplicates_of(form.cleaned_data["phrase"], kept),
            }
    context |= {
        **admin.site.each_context(request),
        "title": "Try a sentence against the warning phrases",
        "form": form,
    }
    return render(request, "admin/catalog/warningphrase/try.html", context)
