from django.contrib import admin

from clinic.admin import LabelledListEditableMixin, LabelledTabularInline

from .models import ReliefMechanism, SessionLength, Technique


class SessionLengthInline(LabelledTabularInline):
    model = SessionLength
    extra = 1
    min_num = 1


@admin.register(Technique)
class TechniqueAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    list_display = ["name", "pressure", "is_active", "display_order"]
    list_editable = ["is_active", "display_order"]
    list_filter = ["is_active", "pressure"]
    search_fields = ["name", "summary", "indications"]
    ordering = ["display_order", "name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SessionLengthInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "pressure", "is_active", "display_order"]}),
        (
            "What clients read",
            {"fields": ["indications", "method", "what_to_expect", "cautions"]},
        ),
    ]


@admin.register(ReliefMechanism)
class ReliefMechanismAdmin(LabelledListEditableMixin, admin.ModelAdmin):
    list_display = ["title", "display_order"]
    list_editable = ["display_order"]
    search_fields = ["title", "how_it_works", "what_it_does"]
    prepopulated_fields = {"slug": ["title"]}
