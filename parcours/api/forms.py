from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.api.services import TOKEN_MAX_DAYS, TOKEN_NAME_MAX_LENGTH


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=TOKEN_NAME_MAX_LENGTH,
        help_text=_("What will use it, e.g. “HR export” or “my script”."),
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"), required=False, min_value=1, max_value=TOKEN_MAX_DAYS,
        help_text=_("Leave empty for a token that does not expire. Revoke it when unused."),
    )
