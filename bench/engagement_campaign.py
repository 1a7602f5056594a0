"""Planning a campaign for 100,000 and 1,000,000 learners: segment evaluation and outbox.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench_e4 \
        .venv/bin/python bench/engagement_campaign.py                 # 100 000 then 1 000 000
    DATABASE_URL=… .venv/bin/python bench/engagement_campaign.py --sizes 100000
    .venv/bin/python bench/engagement_campaign.py --sizes 20000        # SQLite, small

It never touches real data (a throwaway `bench_<name>` database, see harness.py). The
population is built in the database itself (`INSERT … SELECT generate_series` on
PostgreSQL, a recursive CTE on SQLite): learners with a membership and the learner role,
one in five speaking English, one in three with a learning event this week, and for one
in two an enrolment with two path steps (one done, one to do with a due date). Then,
for each size:

- *segment count*: `segment_count` of the rules below (one query);
- *plan, first name only*: `launch_campaign` of a one-off campaign whose message uses
  `{{ first_name }}`, two variants and a 10 % holdout: segment evaluation and the
  outbox rows, one `INSERT … SELECT`;
- *replan*: `plan_campaign` of the same run again (writes nothing: the keys exist);
- *plan, with next step*: another campaign using `{{ step_title }}` and `{{ due_date }}`
  too (two correlated subqueries per person).

Rules: learners, French or English, with no learning event in the last 3 days. Timings
are figures to compare, not limits.

`--lean-indexes` (PostgreSQL) first drops, in the throwaway database only, the outbox
indexes that others make redundant: the single-column foreign-key indexes on
organisation, recipient and campaign (each is the first column of a composite index)
and the `varchar_pattern_ops` copy of the idempotency key's unique index (nothing
searches keys by prefix). It shows what writing the outbox costs per index.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness import analyse, throwaway_database  # noqa: E402 - bench/ is on sys.path

RULES = {"roles": ["learner"], "languages": ["fr", "en"], "inactive_for_days": 3}
SIMPLE = {"fr": {"subject": "{{ first_name }}, on reprend ?",
                 "body": "Bonjour {{ first_name }}, votre parcours vous attend."},
          "en": {"subject": "{{ first_name }}, shall we?",
                 "body": "Hello {{ first_name }}, your path is waiting."}}
RICH = {"fr": {"subject": "{{ first_name }} : {{ step_title }}",
               "body": "Bonjour {{ first_name }}, « {{ step_title }} » est à faire pour le "
                       "{{ due_date }}."},
        "en": {"subject": "{{ first_name }}: {{ step_title }}",
               "body": "Hello {{ first_name }}, “{{ step_title }}” is due on {{ due_date }}."}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--lean-indexes", action="store_true")
    args = parser.parse_args()
    with throwaway_database():
        if args.lean_indexes:
            drop_redundant_indexes()
        run(sorted(args.sizes))


def drop_redundant_indexes() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'engagement_notification' AND ("
            "indexdef LIKE '%%(organisation_id)' OR indexdef LIKE '%%(recipient_id)' OR "
            "indexdef LIKE '%%(campaign_id)' OR indexname LIKE '%%_like')")
        names = [row[0] for row in cursor.fetchall()]
        for name in names:
            cursor.execute(f'DROP INDEX "{name}"')
    print(f"Dropped {', '.join(names)}")


def timed(label: str, call):
    started = time.perf_counter()
    result = call()
    elapsed = time.perf_counter() - started
    print(f"  {label:<44} {elapsed:>8.2f} s   {result}")
    return result


def run(sizes: list[int]) -> None:
    from django.db import connection

    from parcours.accounts.models import MembershipRole
    from parcours.accounts.tests.factories import OrganisationFactory, member
    from parcours.catalog.models import Programme
    from parcours.engagement import segments
    from parcours.engagement.models import Notification
    from parcours.engagement.services import campaigns

    organisation = OrganisationFactory(name="Bench", slug="bench-campaign")
    manager = member(organisation, "manager", email="manager@bench.example")
    programme = Programme.objects.create(organisation=organisation, title="Bureautique")
    built = 0
    for size in sizes:
        started = time.perf_counter()
        populate(connection, organisation.pk, programme.pk, first=built + 1, last=size)
        analyse()
        built = size
        learners = MembershipRole.objects.filter(membership__organisation=organisation,
                                                 role="learner").count()
        print(f"\n{learners:,} learners ({connection.vendor}), built in "
              f"{time.perf_counter() - started:.1f} s")
        segment = campaigns.create_segment(organisation, by=manager, name=f"S{size}",
                                           rules=RULES)
        timed("segment count", lambda segment=segment: segments.segment_count(segment))
        for label, text in (("first name only", SIMPLE), ("with next step", RICH)):
            campaign = campaigns.create_campaign(
                organisation, by=manager, name=f"{label} {size}", segment=segment,
                conversion_verb="completed", variants=[
                    campaigns.VariantSpec(name="A", weight=45, messages=text),
                    campaigns.VariantSpec(name="B", weight=45, messages=text, tone="friendly"),
                    campaigns.VariantSpec(name="Holdout", weight=10, is_holdout=True)])
            timed(f"plan, {label} (rows written)",
                  lambda campaign=campaign: campaigns.launch_campaign(campaign, by=manager))
            timed("replan the same run (rows written)",
                  lambda campaign=campaign: campaigns.plan_campaign(campaign, by=manager))
        sample = Notification.objects.filter(variant__name="B").order_by("pk").first()
        print(f"  a row: {sample.subject!r} / {sample.body!r}")
        # Not .delete(): its collector would load a million rows to look for cascades.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM engagement_notification")


def populate(connection, organisation_id: int, programme_id: int, *, first: int,
             last: int) -> None:
    """Learners `first`..`last` with memberships, roles, events and enrolments, in SQL."""
    postgres = connection.vendor == "postgresql"
    series = ("SELECT generate_series(%(first)s, %(last)s) AS n" if postgres else
              "WITH RECURSIVE s(n) AS (SELECT %(first)s UNION ALL SELECT n + 1 FROM s "
              "WHERE n < %(last)s) SELECT n FROM s")
    now = "now()" if postgres else "datetime('now')"
    recent = ("now() - interval '1 day'" if postgres else "datetime('now', '-1 day')")
    today = "current_date" if postgres else "date('now')"
    due = ("current_date + 5" if postgres else "date('now', '+5 day')")
    true, false = ("true", "false") if postgres else ("1", "0")
    params = {"first": first, "last": last, "org": organisation_id, "programme": programme_id}
    statements = [
        f"""INSERT INTO accounts_user (password, is_superuser, email, display_name, locale,
                time_zone, is_active, is_staff, date_joined)
            SELECT '!', {false}, 'learner' || n || '@bench.example',
                   'Learner' || n || ' Bench', CASE WHEN n % 5 = 0 THEN 'en' ELSE 'fr' END,
                   'Europe/Paris', {true}, {false}, {now} FROM ({series}) AS s""",
        f"""INSERT INTO accounts_membership (created_at, updated_at, organisation_id, user_id)
            SELECT {now}, {now}, %(org)s, u.id FROM accounts_user u
            WHERE u.email LIKE 'learner%%@bench.example' AND u.id NOT IN (
                SELECT user_id FROM accounts_membership WHERE organisation_id = %(org)s)""",
        """INSERT INTO accounts_membershiprole (membership_id, role)
            SELECT m.id, 'learner' FROM accounts_membership m
            WHERE m.organisation_id = %(org)s AND NOT EXISTS (
                SELECT 1 FROM accounts_membershiprole r WHERE r.membership_id = m.id)""",
        f"""INSERT INTO core_learningevent (occurred_at, actor_id, verb, object_type,
                object_id, object_name, organisation_id, context)
            SELECT {recent}, u.id, 'launched', 'journeys.pathstep', '1', '', %(org)s, '{{}}'
            FROM accounts_user u WHERE u.email LIKE 'learner%%@bench.example'
            AND u.id %% 3 = 0 AND u.id >= (SELECT min(id) FROM accounts_user
                WHERE email = 'learner' || %(first)s || '@bench.example')""",
        f"""INSERT INTO journeys_enrolment (created_at, updated_at, organisation_id,
                programme_id, learner_id, start_on, minutes_per_week, programme_version)
            SELECT {now}, {now}, %(org)s, %(programme)s, u.id, {today}, 120, 1
            FROM accounts_user u WHERE u.email LIKE 'learner%%@bench.example'
            AND u.id %% 2 = 0 AND u.id >= (SELECT min(id) FROM accounts_user
                WHERE email = 'learner' || %(first)s || '@bench.example')""",
    ]
    step_columns = ("created_at, updated_at, enrolment_id, kind, title, body, video_url, "
                    "external_url, estimated_minutes, required, min_engaged_seconds, "
                    "reviews_required, needs_coach_confirmation, module_title, position, "
                    "planned_on, due_on, status, completed_at, adapted, added_by_coach, "
                    "change_reason, last_change, engaged_seconds")
    for position, status, completed, due_on in ((1, "done", now, "NULL"),
                                                (2, "todo", "NULL", due)):
        statements.append(
            f"""INSERT INTO journeys_pathstep ({step_columns})
                SELECT {now}, {now}, e.id, 'lesson', 'Étape {position} : les tableaux',
                       '', '', '', 30, {true}, 0, 0, {false}, 'Module 1', {position},
                       NULL, {due_on}, '{status}', {completed}, {false}, {false}, '', '', 0
                FROM journeys_enrolment e WHERE e.organisation_id = %(org)s
                AND NOT EXISTS (SELECT 1 FROM journeys_pathstep s
                                WHERE s.enrolment_id = e.id AND s.position = {position})""")
    with connection.cursor() as cursor:
        for statement in statements:
            # Our own integers only, written in; no parameters, so % is the modulo.
            for name, value in params.items():
                statement = statement.replace(f"%({name})s", str(int(value)))
            cursor.execute(statement.replace("%%", "%"))


if __name__ == "__main__":
    main()
