"""Forms of the registrations pages: they turn input into types; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parcours.classroom.models import Registration, Session
from parcours.classroom.selectors import MAX_PASTED_EMAILS, learners_of_organisation, split_emails


class RegisterLearnersForm(forms.Form):
    """Whom to register: learners ticked in the list, the programme's whole group,
    and addresses pasted from elsewhere, all at once."""

    learners = forms.ModelMultipleChoiceField(
        label=_("Learners"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple)
    whole_programme = forms.BooleanField(label=_("Everyone enrolled in the programme"),
                                         required=False)
    emails = forms.CharField(
        label=_("Or paste email addresses"), required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text=_("One per line, or separated by commas or semicolons. Each must be a "
                    "learner of this organisation."))
    funder = forms.CharField(
        label=_("Funder"), required=False,
        max_length=Registration._meta.get_field("funder").max_length,
        help_text=_("Who pays for these places (OPCO, CPF, employer…), for the hours "
                    "reports. Optional."))

    def __init__(self, session: Session, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["learners"].queryset = learners_of_organisation(session.organisation)
        if session.programme_id is None:
            del self.fields["whole_programme"]
        else:
            self.fields["whole_programme"].label = _(
                "Everyone enrolled in “%(programme)s”") % {"programme": session.programme}

    def clean_emails(self) -> list[str]:
        emails = split_emails(self.cleaned_data["emails"])
        if len(emails) > MAX_PASTED_EMAILS:
            raise forms.ValidationError(_("Paste at most %(count)d addresses at once.")
                                        % {"count": MAX_PASTED_EMAILS})
        return emails

    def clean(self):
        data = super().clean()
        if not (data.get("learners") or data.get("whole_programme") or data.get("emails")
                or self.errors):
            raise forms.ValidationError(_("Tick learners, choose the programme's group or "
                                          "paste their addresses."))
        return data
