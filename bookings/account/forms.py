from django import forms


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Your email",
        max_length=254,
        help_text="The address you gave when you booked.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter an email address like name@example.com.",
        },
    )


class BookAgainForm(forms.Form):
    reuse_answers = forms.BooleanField(
        label="Start from my answers from last time",
        help_text="Where it hurts and how it feels. You will answer each safety question "
        "again: health changes, and a safety answer is never carried over.",
        required=False,
    )
