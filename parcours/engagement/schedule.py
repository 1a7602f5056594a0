"""The engine's clock: dispatching what is due, scanning the time-based triggers,
running due campaigns and counting conversions, and the digests."""

from datetime import timedelta

from parcours.core.schedule import periodic


@periodic("dispatch_notifications", every=timedelta(seconds=10))
def dispatch() -> str:
    from parcours.engagement.services.dispatch import deliver_pending, dispatch_due

    decided, delivered = dispatch_due(), deliver_pending()
    return f"{decided.sent} sent, {delivered.sent} delivered" if (
        decided.handled or delivered.sent) else "None"


@periodic("run_engagement_triggers", every=timedelta(minutes=10))
def triggers() -> str:
    from parcours.engagement.services.triggers import run_triggers

    written = {name: count for name, count in run_triggers().items() if count}
    return str(written)


@periodic("run_due_campaigns", every=timedelta(minutes=10))
def campaigns() -> str:
    from parcours.engagement.services.campaigns import run_due_campaigns

    return str(run_due_campaigns())


@periodic("stamp_conversions", every=timedelta(hours=1))
def conversions() -> int:
    from parcours.engagement.conversions import stamp_conversions

    return stamp_conversions()


@periodic("send_daily_digests", every=timedelta(days=1))
def daily_digests() -> str:
    from parcours.engagement.channels.digest import DAILY, send_digests

    return str(send_digests(DAILY))


@periodic("send_weekly_digests", every=timedelta(days=7))
def weekly_digests() -> str:
    from parcours.engagement.channels.digest import WEEKLY, send_digests

    return str(send_digests(WEEKLY))
