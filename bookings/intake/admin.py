"""An admin page for clinical leads: try a sentence against the warning phrases.

It lives in `bookings` because the matching does (`screening`); `catalog` never
imports `bookings`, so clinic/urls.py mounts it beside the catalog's admin.
"""

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
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )


def try_warning_phrases_view(request: HttpRequest) -> HttpResponse:
    """POST, so what is typed never lands in a URL or an access log."""
    if not request.user.has_perm("catalog.view_warningphrase"):
        raise PermissionDenied
    form = TrySentenceForm(request.POST or None)
    found: list[tuple[str, screening.PhraseMatch]] | None = None
    if request.method == "POST" and form.is_valid():
        matches = screening.find_warning_phrases(
            form.cleaned_data["text"], selectors.warning_phrases()
        )
        found = [(WARNING_SIGNS.label_of(match.sign), match) for match in matches]
    context = {
        **admin.site.each_context(request),
        "title": "Try a sentence against the warning phrases",
        "form": form,
        "found": found,
    }
    return render(request, "admin/catalog/warningphrase/try.html", context)
