from datetime import datetime

from django import forms
from django.utils import timezone


class RescheduleForm(forms.Form):
    start = forms.CharField(
        error_messages={"required": "Please choose a new time."},
        widget=forms.RadioSelect,
    )

    def clean_start(self) -> datetime:
        value = self.cleaned_data["start"]
        try:
            start = datetime.fromisoformat(value)
        except ValueError:
            start = None
        if start is None or timezone.is_naive(start):
            raise forms.ValidationError(
                "That time is not valid. Please choose one of the times offered.",
                code="invalid_time",
            )
        return start
