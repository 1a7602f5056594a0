"""Classroom's clock: the follow-up satisfaction surveys."""

from datetime import timedelta

from parcours.core.schedule import periodic


@periodic("send_follow_up_surveys", every=timedelta(days=1))
def follow_up_surveys() -> int:
    from parcours.classroom.services.surveys import invite_to_follow_up_surveys

    return invite_to_follow_up_surveys()
