import hashlib
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Field, Model, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinic import display
from clinic.admin import LabelledListEditableMixin, LabelledTabularInline, StaffHistoryAdmin
from clinic.roles import CLINICAL_LEADS

from .cache import clear_catalog_pages
from .models import (
    AnswerWeight,
    ConditionRule,
    KeywordWeight,
    ReliefMechanism,
    SessionLength,
    Technique,
    WarningPhrase,
)

_ModelT = TypeVar("_ModelT", bound=Model)


class ClearsCatalogPagesMixin(admin.ModelAdmin[_ModelT]):
    """Saves and deletes here change what the public catalog pages show: clear them.

    `save_model` also covers the changelist's `list_editable` rows; `save_formset`
    covers the inlines (session lengths and prices).
    """

    def save_model(
        self, request: HttpRequest, obj: _ModelT, form: forms.Form, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        clear_catalog_pages()

    def delete_model(self, request: HttpRequest, obj: _ModelT) -> None:
        super().delete_model(request, obj)
        clear_catalog_pages()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[_ModelT]) -> None:
        super().delete_queryset(request, queryset)
        clear_catalog_pages()

    def save_formset(
        self,
        request: HttpRequest,
        form: forms.Form,
        formset: BaseInlineFormSet[Any, _ModelT, Any],
        change: bool,
    ) -> None:
        super().save_formset(request, form, formset, change)
        clear_catalog_pages()


class SessionLengthInline(LabelledTabularInline[SessionLength, Technique]):
    model = SessionLength
    extra = 1
    min_num = 1

    def formfield_for_dbfield(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "price" and formfield is not None:
            formfield.label = f"Price ({settings.CLINIC_CURRENCY_SYMBOL})"
        return formfield


class KeywordWeightForm(forms.ModelForm[KeywordWeight]):
    class Meta:
        model = KeywordWeight
        fields = ["technique", "keyword", "weight"]

    def clean_keyword(self) -> str:
        # Clients write "Knots" or "KNOTS"; matching ignores case, so store one spelling.
        return " ".join(self.cleaned_data["keyword"].split()).lower()


class AnswerWeightInline(LabelledTabularInline[AnswerWeight, Technique]):
    model = AnswerWeight
    extra = 0
    verbose_name_plural = "answer weights (which answers point to this technique)"


class KeywordWeightInline(LabelledTabularInline[KeywordWeight, Technique]):
    model = KeywordWeight
    form = KeywordWeightForm
    extra = 0
    verbose_name_plural = "keyword weights (words in the client's own description)"


class ConditionRuleInline(LabelledTabularInline[ConditionRule, Technique]):
    model = ConditionRule
    extra = 0
    verbose_name_plural = "health condition rules (when it is not advised or needs care)"


@admin.register(Technique)
class TechniqueAdmin(
    ClearsCatalogPagesMixin[Technique],
    LabelledListEditableMixin[Technique],
    admin.ModelAdmin[Technique],
):
    list_display = ["name", "pressure", "is_active", "display_order"]
    list_editable = ["is_active", "display_order"]
    list_filter = ["is_active", "pressure"]
    search_fields = ["name", "summary", "indications"]
    ordering = ["display_order", "name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SessionLengthInline, AnswerWeightInline, KeywordWeightInline, ConditionRuleInline]
    change_form_template = "admin/catalog/technique/change_form.html"
    readonly_fields = ["self_care_review"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "pressure", "is_active", "display_order"]}),
        (
            "What clients read",
            {"fields": ["indications", "method", "what_to_expect", "cautions"]},
        ),
        ("Between sessions (home care)", {"fields": ["self_care", "self_care_review"]}),
    ]

    @admin.display(description="Clinical review")
    def self_care_review(self, obj: Technique) -> str:
        if not obj.self_care:
            return "No advice written."
        if obj.self_care_reviewed_at is None:
            return (
                "Not reviewed yet: clients do not see this advice until a clinical lead reviews it."
            )
        when = display.clinic_datetime(obj.self_care_reviewed_at, ZoneInfo(settings.TIME_ZONE))
        return f"Reviewed by {obj.self_care_reviewed_by} on {when}: clients see it."

    def save_model(
        self, request: HttpRequest, obj: Technique, form: forms.Form, change: bool
    ) -> None:
        if "self_care" in form.changed_data:
            # New words need a new clinical review before clients read them.
            obj.self_care_reviewed_at = None
            obj.self_care_reviewed_by = ""
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[URLPattern]:
        page = self.admin_site.admin_view(require_POST(self.review_self_care_view))
        return [
            path(
                "<int:technique_id>/review-self-care/",
                page,
                name="catalog_technique_review_self_care",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        technique = self.get_object(request, object_id)
        extra = {
            **(extra_context or {}),
            "may_review_self_care": may_review(request),
            "self_care_digest": self_care_digest(technique.self_care) if technique else "",
        }
        return super().change_view(request, object_id, form_url, extra)

    def review_self_care_view(self, request: HttpRequest, technique_id: int) -> HttpResponse:
        """A clinical lead approves the advice as they read it: the form carries a digest
        of the words shown, so words an editor changed meanwhile are not approved unseen.
        A conditional UPDATE, so a repeat or a second lead changes nothing."""
        user = request.user
        if not may_review(request) or not isinstance(user, User):
            raise PermissionDenied
        technique = get_object_or_404(Technique, pk=technique_id)
        shown = request.POST.get("digest", "")
        reviewed = 0
        if shown == self_care_digest(technique.self_care):
            reviewed = (
                Technique.objects.filter(
                    pk=technique.pk, self_care=technique.self_care, self_care_reviewed_at=None
                )
                .exclude(self_care="")
                .update(
                    self_care_reviewed_at=timezone.now(),
                    self_care_reviewed_by=user.get_full_name() or user.get_username(),
                )
            )
        if reviewed:
            clear_catalog_pages()
            self.message_user(request, f"Reviewed: clients now see the advice for {technique}.")
        elif technique.self_care_reviewed_at is not None:
            self.message_user(request, "Nothing to review: it is already reviewed.", messages.INFO)
        else:
            self.message_user(
                request,
                "The advice changed while you were reading it: read it again, then review.",
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:catalog_technique_change", args=[technique.pk]))


def self_care_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def may_review(request: HttpRequest) -> bool:
    """Clinical leads (and superusers) review clinical advice; editors only write it."""
    user = request.user
    return bool(
        user.is_active
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name=CLINICAL_LEADS).exists())
    )


@admin.register(AnswerWeight)
class AnswerWeightAdmin(admin.ModelAdmin[AnswerWeight]):
    """All answer weights side by side, to compare techniques for one answer."""

    list_display = ["answer", "technique", "weight"]
    list_editable = ["weight"]
    list_filter = ["technique", "answer"]
    list_select_related = ["technique"]


@admin.register(KeywordWeight)
class KeywordWeightAdmin(admin.ModelAdmin[KeywordWeight]):
    form = KeywordWeightForm
    list_display = ["keyword", "technique", "weight"]
    list_editable = ["weight"]
    list_filter = ["technique"]
    search_fields = ["keyword"]
    list_select_related = ["technique"]


@admin.register(ConditionRule)
class ConditionRuleAdmin(StaffHistoryAdmin[ConditionRule]):
    list_display = ["condition", "technique", "effect", "reason"]
    list_filter = ["condition", "technique", "effect"]
    list_select_related = ["technique"]


@admin.register(ReliefMechanism)
class ReliefMechanismAdmin(
    ClearsCatalogPagesMixin[ReliefMechanism],
    LabelledListEditableMixin[ReliefMechanism],
    admin.ModelAdmin[ReliefMechanism],
):
    list_display = ["title", "display_order"]
    list_editable = ["display_order"]
    search_fields = ["title", "how_it_works", "what_it_does"]
    prepopulated_fields = {"slug": ["title"]}


class WarningPhraseForm(forms.ModelForm[WarningPhrase]):
    class Meta:
        model = WarningPhrase
        fields = ["sign", "phrase"]

    def clean_phrase(self) -> str:
        # Matching ignores case and spacing; store one spelling so duplicates show.
        phrase = " ".join(self.cleaned_data["phrase"].split()).lower()
        # A phrase names one sign: the same words under two would ask two questions.
        kept = WarningPhrase.objects.filter(phrase=phrase).exclude(pk=self.instance.pk).first()
        if kept is not None:
            raise forms.ValidationError(
                "This phrase is kept already, under “%(sign)s”. Try a sentence also "
                "shows the phrases that already find these words.",
                code="duplicate",
                params={"sign": kept.get_sign_display()},
            )
        return phrase


@admin.register(WarningPhrase)
class WarningPhraseAdmin(StaffHistoryAdmin[WarningPhrase]):
    form = WarningPhraseForm
    list_display = ["phrase", "sign"]
    list_filter = ["sign"]
    search_fields = ["phrase"]
