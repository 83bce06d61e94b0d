from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

from bookings.models import Therapist
from clinic.roles import FRONT_DESK

if TYPE_CHECKING:
    from django.contrib.admin.options import _ListFilterT
    from django.utils.datastructures import _ListOrTuple

_ModelT = TypeVar("_ModelT", bound=models.Model)


class ReadOnlyAdmin(admin.ModelAdmin[_ModelT]):
    """An admin that only lists and shows: records written by services (notes, outcome
    answers, the trail of looks) are never added, changed or deleted by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return False


@dataclass(frozen=True)
class StaffScope:
    """Whose schedules and bookings a staff user may see in the admin."""

    sees_all: bool
    therapist: Therapist | None

    def is_own(self, therapist_id: int | None) -> bool:
        return self.therapist is not None and therapist_id == self.therapist.pk

    def allows(self, therapist_id: int | None) -> bool:
        return self.sees_all or self.is_own(therapist_id)


NOBODY = StaffScope(sees_all=False, therapist=None)

# Asked for once per row and per permission check: looked up once per request and kept
# on the request itself (as Django keeps request.user), so it goes with it.
_SCOPE_ATTRIBUTE = "_clinic_staff_scope"


def staff_scope(request: HttpRequest) -> StaffScope:
    """Superusers and front desk see every therapist; a therapist only themselves.

    Anyone else (even with model permissions) sees no therapist's data: the
    schedules hold clients' names and health answers.
    """
    cached: StaffScope | None = getattr(request, _SCOPE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    user = request.user
    if not user.is_authenticated or not user.is_active:
        scope = NOBODY
    else:
        scope = StaffScope(
            sees_all=user.is_superuser or user.groups.filter(name=FRONT_DESK).exists(),
            therapist=Therapist.objects.filter(user=user).first(),
        )
    setattr(request, _SCOPE_ATTRIBUTE, scope)
    return scope


class TherapistScopedAdmin(admin.ModelAdmin[_ModelT]):
    """Rows belong to a therapist; a therapist user reaches only their own."""

    therapist_lookup = "therapist"

    def therapist_id_of(self, obj: Any) -> int | None:
        therapist_id: int | None = obj.therapist_id
        return therapist_id

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[_ModelT]:
        queryset = super().get_queryset(request)
        scope = staff_scope(request)
        if scope.sees_all:
            return queryset
        if scope.therapist is None:
            return queryset.none()
        return queryset.filter(**{self.therapist_lookup: scope.therapist.pk})

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> _ModelT:
        # Someone else's object is "not found", never a redirect that hints it exists.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such object.")
        return obj

    def _in_scope(self, request: HttpRequest, obj: _ModelT | None) -> bool:
        return obj is None or staff_scope(request).allows(self.therapist_id_of(obj))

    def has_view_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return super().has_view_permission(request, obj) and self._in_scope(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._in_scope(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._in_scope(request, obj)

    def get_list_filter(self, request: HttpRequest) -> "_ListOrTuple[_ListFilterT]":
        filters = super().get_list_filter(request)
        if staff_scope(request).sees_all:
            return filters
        return [f for f in filters if f != "therapist"]

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "therapist":
            scope = staff_scope(request)
            if not scope.sees_all:
                own = scope.therapist
                kwargs["queryset"] = (
                    Therapist.objects.filter(pk=own.pk) if own else Therapist.objects.none()
                )
                kwargs["initial"] = own.pk if own else None
                kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
