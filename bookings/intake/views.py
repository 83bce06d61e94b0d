from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bookings.intake import gate
from bookings.intake.answers import IntakeAnswers, Triage
from bookings.intake.cookie import recall, remember
from bookings.intake.forms import IntakeForm, TextCheckForm
from bookings.intake.safety import Verdict
from bookings.intake.suggestion import suggest
from catalog.vocabulary import WARNING_SIGNS
from clinic.http import HttpResponseSeeOther, no_store
from clinic.protection import limit_form_posts


# Error reports (if one is ever emailed) must not carry health answers or contact details.
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@limit_form_posts
def intake(request: HttpRequest) -> HttpResponse:
    """The back-pain questions, filled in with the answers given before (if any).

    A valid post keeps the answers in a signed cookie in the client's browser (nothing
    is stored on the server) and sends the browser to the result page, so Back and
    reload never post the answers again.
    """
    earlier = recall(request)
    if request.method == "POST":
        form = IntakeForm(request.POST)
        if form.is_valid():
            return _to_result(form.answers(earlier))
        urgent = form.urgent_signs_said()
        if urgent:
            # An emergency sign answered yes: its advice comes now, not after the rest.
            return _to_result(IntakeAnswers(warning_signs=urgent))
    else:
        form = IntakeForm(initial=IntakeForm.initial_from(earlier) if earlier else None)
    response = render(request, "bookings/intake.html", {"form": form})
    no_store(response)
    return response


def _to_result(answers: IntakeAnswers) -> HttpResponse:
    response = HttpResponseSeeOther(reverse("bookings:intake_result"))
    remember(response, answers)
    return response


@never_cache
@require_GET
def intake_result(request: HttpRequest) -> HttpResponse:
    """What the answers in the cookie mean: a question about their own words first (if
    they seem to mention a warning sign), else emergency advice, a wait, or the suggestion."""
    answers = recall(request)
    if answers is None:
        return redirect("bookings:intake")
    check = gate.check(answers)
    if not check.urgent and not answers.screened:
        # Answers to an older set of questions (or none): asked again, nothing assumed.
        return redirect("bookings:intake")
    if check.unasked and not check.urgent:
        page = _text_check_page(check, TextCheckForm(signs=[m.sign for m in check.unasked]))
    else:
        page = _result_page(check)
    response = render(request, "bookings/result.html", page)
    no_store(response)
    return response


@sensitive_post_parameters()
@require_POST
@limit_form_posts
def intake_check(request: HttpRequest) -> HttpResponse:
    """The yes/no answers about warning signs their own words seemed to mention."""
    answers = recall(request)
    if answers is None:
        return redirect("bookings:intake")
    check = gate.check(answers)
    form = TextCheckForm(request.POST, signs=[m.sign for m in check.unasked])
    if not form.is_valid():
        response = render(
            request, "bookings/result.html", _text_check_page(check, form), status=400
        )
        no_store(response)
        return response
    return _to_result(form.answers(answers))


def _text_check_page(check: gate.SafetyCheck, form: TextCheckForm) -> dict[str, object]:
    return {
        "text_check": form,
        "quotes": [
            {"sign": WARNING_SIGNS.label_of(m.sign), "quote": m.quote} for m in check.unasked
        ],
        "description": check.answers.description,
    }


def _result_page(check: gate.SafetyCheck) -> dict[str, object]:
    answers = check.answers
    page: dict[str, object] = {
        "answers": answers,
        "unscreened_language": check.unscreened_language,
        "is_urgent": check.urgent,
        "urgent_signs": [WARNING_SIGNS.label_of(s) for s in answers.urgent_signs],
    }
    if check.urgent:
        return page
    screen = check.screen
    if check.should_wait:
        return page | {"should_wait": True, "wait_reasons": check.wait_reasons()}
    ranked = suggest(answers, check.profiles)
    allowed = [s for s in ranked if screen.verdict(s.slug) != Verdict.RULED_OUT]
    return page | {
        "see_doctor": screen.triage == Triage.SEE_DOCTOR or bool(screen.doctor_first_reasons),
        "doctor_first_reasons": screen.doctor_first_reasons,
        "doctor_first_signs": [WARNING_SIGNS.label_of(s) for s in answers.doctor_first_signs],
        "top": allowed[0] if allowed else None,
        "alternatives": allowed[1:],
        "not_advised": [
            {"suggestion": s, "reasons": _unique([*s.cautions, *screen.reasons.get(s.slug, ())])}
            for s in ranked
            if s not in allowed
        ],
    }


def _unique(sentences: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(sentences))
