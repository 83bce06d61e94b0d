from django import forms
from django.contrib import admin

from clinic.admin import LabelledListEditableMixin, LabelledTabularInline

from .models import (
    AnswerWeight,
    ConditionRule,
    KeywordWeight,
    ReliefMechanism,
    SessionLength,
    Technique,
)


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
class TechniqueAdmin(LabelledListEditableMixin, admin.ModelAdmin):
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
class ConditionRuleAdmin(admin.ModelAdmin):
    list_display = ["condition", "technique", "effect", "reason"]
    list_filter = ["condition", "technique", "effect"]
    list_select_related = ["technique"]


@admin.register(ReliefMechanism)
class ReliefMechanismAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    list_display = ["title", "display_order"]
    list_editable = ["display_order"]
    search_fields = ["title", "how_it_works", "what_it_does"]
    prepopulated_fields = {"slug": ["title"]}
