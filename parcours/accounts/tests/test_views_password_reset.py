import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_lea_resets_her_forgotten_password_through_the_emailed_link(client, lea, run_tasks):
    response = client.post(reverse("accounts:password_reset"), {"email": lea.email})
    assert response.status_code == 302
    assert mail.outbox == []  # the email leaves through the worker, not the request

    run_tasks()

    [message] = mail.outbox
    assert message.to == [lea.email]
    path = re.search(r"https?://[^/]+(/password-reset/\S+/)", message.body).group(1)
    form_page = client.get(path, follow=True)
    client.post(form_page.redirect_chain[-1][0],
                {"new_password1": "une-nouvelle-route", "new_password2": "une-nouvelle-route"})
    lea.refresh_from_db()
    assert lea.check_password("une-nouvelle-route")


def test_the_reset_email_is_written_in_the_persons_language(client, lea, run_tasks):
    lea.locale = "en"
    lea.save()

    client.post(reverse("accounts:password_reset"), {"email": lea.email})
    run_tasks()

    assert mail.outbox[0].subject == "Reset your Parcours password"


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, run_tasks):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    run_tasks()

    assert response.status_code == 302
    assert mail.outbox == []
