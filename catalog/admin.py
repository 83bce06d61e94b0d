from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from clinic.admin import LabelledListEditableMixin, LabelledTabularInline

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


class ClearsCatalogPagesMixin(admin.ModelAdmin):
    """Saves and deletes here change what the public catalog pages show: clear them.

    `save_model` also covers the changelist's `list_editable` rows; `save_formset`
    covers the inlines (session lengths and prices).
    """

    def save_model(self, request: HttpRequest, obj: Any, form: forms.Form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        clear_catalog_pages()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        clear_catalog_pages()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        clear_catalog_pages()

    def save_formset(
        self, request: HttpRequest, form: forms.Form, formset: BaseInlineFormSet, change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)
        clear_catalog_pages()


class SessionLengthInline(LabelledTabularInline):
    model = SessionLength
    extra = 1
    min_num = 1


class KeywordWeightForm(forms.ModelForm):
    class Meta:
        model = KeywordWeight
        fields = ["technique", "keyword", "weight"]

    def clean_keyword(self) -> str:
        # Clients write "Knots" or "KNOTS"; matching ignores case, so store one spelling.
        return " ".join(self.cleaned_data["keyword"].split()).lower()


class AnswerWeightInline(LabelledTabularInline):
    model = AnswerWeight
    extra = 0
    verbose_name_plural = "answer weights (which answers point to this technique)"


class KeywordWeightInline(LabelledTabularInline):
    model = KeywordWeight
    form = KeywordWeightForm
    extra = 0
    verbose_name_plural = "keyword weights (words in the client's own description)"


class ConditionRuleInline(LabelledTabularInline):
    model = ConditionRule
    extra = 0
    verbose_name_plural = "health condition rules (when it is not advised or needs care)"


@admin.register(Technique)
class TechniqueAdmin(ClearsCatalogPagesMixin, LabelledListEditableMixin, admin.ModelAdmin):
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
class AnswerWeightAdmin(admin.ModelAdmin):
    """All answer weights side by side, to compare techniques for one answer."""

    list_display = ["answer", "technique", "weight"]
    list_editable = ["weight"]
    list_filter = ["technique", "answer"]
    list_select_related = ["technique"]


@admin.register(KeywordWeight)
class KeywordWeightAdmin(admin.ModelAdmin):
    form = KeywordWeightForm
    list_display = ["keyword", "technique", "weight"]
    list_editable = ["weight"]
    list_filter = ["technique"]
    search_fields = ["keyword"]
    list_select_related = ["technique"]


@admin.register(ConditionRule)
class ConditionRuleAdmin(SimpleHistoryAdmin):
    list_display = ["condition", "technique", "effect", "reason"]
    list_filter = ["condition", "technique", "effect"]
    list_select_related = ["technique"]


@admin.register(ReliefMechanism)
class ReliefMechanismAdmin(ClearsCatalogPagesMixin, LabelledListEditableMixin, admin.ModelAdmin):
    list_display = ["title", "display_order"]
    list_editable = ["display_order"]
    search_fields = ["title", "how_it_works", "what_it_does"]
    prepopulated_fields = {"slug": ["title"]}


class WarningPhraseForm(forms.ModelForm):
    class Meta:
        model = WarningPhrase
        fields = ["sign", "phrase"]

    def clean_phrase(self) -> str:
        # Matching ignores case and spacing; store one spelling so duplicates show.
        return " ".join(self.cleaned_data["phrase"].split()).lower()


@admin.register(WarningPhrase)
class WarningPhraseAdmin(SimpleHistoryAdmin):
    form = WarningPhraseForm
    list_display = ["phrase", "sign"]
    list_filter = ["sign"]
    search_fields = ["phrase"]
