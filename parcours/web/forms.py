from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from parcours.core.roles import Role


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"),
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple,
        initial=[Role.LEARNER], help_text=_("A person can hold several roles."),
    )
    locale = forms.ChoiceField(label=_("Language of the invitation"), choices=settings.LANGUAGES)
