from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_http_methods

from clinic.protection import limit_form_posts

from .forms import IntakeForm
from .intake import URGENT_SIGNS, IntakeAnswers, Triage, WarningSign, remember
from .suggestion import load_profiles, suggest


@require_http_methods(["GET", "POST"])
@limit_form_posts
def intake(request: HttpRequest) -> HttpResponse:
    """The back-pain questions; a valid answer shows its suggestion on the spot.

    Nothing is stored on the server: the result is rendered from the POST, and the
    answers ride to the booking form in a signed cookie in the client's browser.
    """
    if request.method == "POST":
        form = IntakeForm(request.POST)
        if form.is_valid():
            return _result(request, form.answers())
    else:
        form = IntakeForm()
    return render(request, "bookings/intake.html", {"form": form})


def _result(request: HttpRequest, answers: IntakeAnswers) -> HttpResponse:
    triage = answers.triage
    ranked = [] if triage == Triage.URGENT else suggest(answers, load_profiles())
    advised = [s for s in ranked if not s.excluded]
    response = render(
        request,
        "bookings/result.html",
        {
            "answers": answers,
            "triage": triage,
            "is_urgent": triage == Triage.URGENT,
            "see_doctor": triage == Triage.SEE_DOCTOR,
            "urgent_signs": [
                WarningSign(sign).label for sign in answers.warning_signs if sign in URGENT_SIGNS
            ],
            "doctor_first_signs": [WarningSign(sign).label for sign in answers.doctor_first_signs],
            "top": advised[0] if advised else None,
            "alternatives": advised[1:],
            "not_advised": [s for s in ranked if s.excluded],
        },
    )
    # Health answers on the page: no shared cache or back-button cache may keep it.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    remember(response, answers)
    return response
