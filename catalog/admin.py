from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import Field, Model, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from clinic.admin import LabelledListEditableMixin, LabelledTabularInline, StaffHistoryAdmin

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
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "pressure", "is_active", "display_order"]}),
        (
            "What clients read",
            {"fields": ["indications", "method", "what_to_expect", "cautions"]},
        ),
    ]


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
