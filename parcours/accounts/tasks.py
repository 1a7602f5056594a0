from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from parcours.accounts.models import Invitation, User
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


@task_with_retries()
def send_password_reset_email(user_id: int) -> str:
    """Email a one-time password reset link, in the person's language."""
    user = User.objects.get(pk=user_id)
    if not user.is_active or not user.has_usable_password():
        return "skipped: account cannot reset its password"
    link = settings.SITE_URL + reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user)},
    )
    context = {"user": user, "link": link}
    with translation.override(user.locale):
        subject = render_to_string("accounts/email/password_reset_subject.txt", context).strip()
        text = render_to_string("accounts/email/password_reset.txt", context)
    EmailMultiAlternatives(subject, text, to=[user.email]).send()
    return "sent"
