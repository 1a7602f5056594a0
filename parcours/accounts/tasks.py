from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from parcours.accounts.models import Invitation
from parcours.accounts.selectors import invitation_token
from parcours.core.tasks import task_with_retries


@task_with_retries()
def send_invitation_email(invitation_id: int) -> str:
    """Email the invitation link, in the language the invitation was made for."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_id
    )
    if not invitation.is_pending:
        return "skipped: no longer pending"
    link = settings.SITE_URL + reverse(
        "accounts:invitation", kwargs={"token": invitation_token(invitation)}
    )
    context = {"invitation": invitation, "link": link, "organisation": invitation.organisation}
    with translation.override(invitation.locale):
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        text = render_to_string("accounts/email/invitation.txt", context)
        html = render_to_string("accounts/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return "sent"
