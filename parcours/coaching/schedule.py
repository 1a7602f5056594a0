"""Coaching's clock: unread messages and due action items are notified, closed
engagements past their retention period are anonymised."""

from datetime import timedelta

from parcours.core.schedule import periodic


@periodic("notify_unread_messages", every=timedelta(minutes=15))
def unread_messages() -> int:
    from parcours.coaching.services.messages import notify_unread_messages

    return notify_unread_messages()


@periodic("notify_due_actions", every=timedelta(hours=1))
def due_actions() -> int:
    from parcours.coaching.services.actions import notify_due_actions

    return notify_due_actions()


@periodic("anonymise_engagements", every=timedelta(days=1))
def anonymise() -> int:
    from parcours.coaching.services.privacy import anonymise_due

    return len(anonymise_due())
