from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from parcours.accounts.models import User, time_zone_choices
from parcours.accounts.tasks import send_password_reset_email


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email leaves through the task queue.

    The worker rebuilds the one-time link itself, so the secret never sits in the
    task table.
    """

    def send_mail(self, subject_template_name, email_template_name, context, from_email,
                  to_email, html_email_template_name=None):
        send_password_reset_email.enqueue(context["user"].pk)


class PreferencesFields(forms.Form):
    locale = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices,
        help_text=_("Dates and times are shown in this time zone."),
    )


class JoinForm(PreferencesFields):
    display_name = forms.CharField(
        label=_("Your name"), max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = ["display_name", "password1", "password2", "locale", "time_zone"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class ProfileForm(PreferencesFields):
    display_name = forms.CharField(label=_("Your name"), max_length=150)
    field_order = ["display_name", "locale", "time_zone"]

    @classmethod
    def for_user(cls, user: User, data=None):
        return cls(data, initial={"display_name": user.display_name, "locale": user.locale,
                                  "time_zone": user.time_zone})
