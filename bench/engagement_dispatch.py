"""Dispatch throughput of one worker: in-app notifications, and emails to a local SMTP sink.

    .venv/bin/python bench/engagement_dispatch.py                        # SQLite file
    .venv/bin/python bench/engagement_dispatch.py --in-app 2000 --emails 300   # quicker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/parcours_bench_e1 \
        .venv/bin/python bench/engagement_dispatch.py

It never touches real data (a throwaway database, see harness.py). It seeds one
organisation with `--learners` learners, plans notifications with `notify_many` (timed
too), then runs the worker's two steps as `manage.py dispatch_notifications` does, in
rounds of `--batch`:

- **in-app, dispatcher alone**: `dispatch_due` with a decision fixed to "send in the
  app", so the figure is the outbox's own cost (claim, status, delivery row, `notified`
  event);
- **in-app, events in one INSERT**: the same with the bulk `record_events` proposed for
  core (installed by the bench; the dispatcher uses it as soon as core has it);
- **in-app, with the policy**: the same through `services.policy.decide` (preferences,
  caps, duplicates, quiet hours, best hour: queries of its own per notification), at
  10:00 Paris time so that quiet hours do not defer everything;
- **email**: `dispatch_due` then `deliver_pending` to an SMTP sink on 127.0.0.1 (aiosmtpd
  when installed, else a minimal socketserver sink in a thread), one SMTP connection per
  round, HTML + text rendered per message in the recipient's language.

It prints notifications (or emails) per second, the CPU time of this process (the
database server's is not in it) and the queries of one round. Figures to
compare, not limits.
"""

import argparse
import socketserver
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from harness import analyse, throwaway_database  # noqa: E402 - bench/ is on sys.path


class SmtpSink(socketserver.ThreadingTCPServer):
    """Accepts every message and counts it: just enough SMTP for smtplib."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SmtpSession)
        self.received = 0
        self.lock = threading.Lock()


class SmtpSession(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.reply("250-sink")
                self.reply("250 8BITMIME")
            elif verb == b"DATA":
                self.reply("354 go ahead")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                with self.server.lock:
                    self.server.received += 1
                self.reply("250 queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=2000)
    parser.add_argument("--in-app", type=int, default=10000, dest="in_app",
                        help="notifications for each in-app measure")
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500, help="rows per worker round")
    args = parser.parse_args()
    with throwaway_database():
        run(args)


def run(args) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.contrib.auth.hashers import make_password

    from parcours.accounts.models import Membership, MembershipRole, Organisation, User
    from parcours.engagement.services import dispatch

    organisation = Organisation.objects.create(name="Bench", slug="bench-dispatch")
    password = make_password(None)
    User.objects.bulk_create([
        User(email=f"learner{i}@bench.example", display_name=f"Apprenant {i}",
             locale="fr" if i % 4 else "en", time_zone="Europe/Paris", password=password)
        for i in range(args.learners)])
    learners = list(User.objects.order_by("pk"))
    memberships = Membership.objects.bulk_create(
        [Membership(organisation=organisation, user=user) for user in learners])
    MembershipRole.objects.bulk_create(
        [MembershipRole(membership=m, role="learner") for m in memberships])
    print(f"Seeded {len(learners)} learners")
    # A worker imports the URLconf once, on its first link: not part of any round.
    from django.urls import reverse
    reverse("engagement:centre")

    # 10:00 in Paris today: outside the default quiet hours.
    now = datetime.now(ZoneInfo("Europe/Paris")).replace(hour=10, minute=0, second=0,
                                                         microsecond=0)
    due = now - timedelta(minutes=1)
    fixed = dispatch.LocalDecision

    print()
    print(f"{'measure':<44} {'rows':>7} {'seconds':>8} {'per s':>8} {'CPU s':>7} "
          f"{'queries/round':>14}")
    plan(learners, organisation, "app", args.in_app, due)
    analyse()
    dispatch._policy = lambda: lambda n, *, now: fixed("send", channels=("in_app",))
    dispatched("in-app, dispatcher alone", args.in_app, args.batch, now)

    # The same with the bulk `record_events` proposed for core (see below): what the
    # dispatcher does once core has it.
    import parcours.core.events
    parcours.core.events.record_events = proposed_record_events
    plan(learners, organisation, "app-bulk", args.in_app, due)
    analyse()
    dispatched("in-app, alone, events in one INSERT*", args.in_app, args.batch, now)
    del parcours.core.events.record_events

    plan(learners, organisation, "policy", args.in_app, due)
    analyse()
    from parcours.engagement.services.policy import decide
    dispatch._policy = lambda: decide
    dispatched("in-app, with the policy", args.in_app, args.batch, now)

    sink = SmtpSink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.server_address[1]
    settings.EMAIL_USE_TLS = False
    plan(learners, organisation, "mail", args.emails, due)
    dispatch._policy = lambda: lambda n, *, now: fixed("send", channels=("email",))
    dispatched("email: dispatch_due (deliveries queued)", args.emails, args.batch, now)
    analyse()
    delivered("email: deliver_pending to the SMTP sink", args.emails, args.batch, now)
    sink.shutdown()
    assert sink.received == args.emails, (sink.received, args.emails)
    print(f"The SMTP sink received {sink.received} messages.")
    import os
    print(f"Load average over the last minute: {os.getloadavg()[0]:.2f}")


def proposed_record_events(events):
    """* Not in core yet: the bulk form of `record_event` proposed to the integrator,
    with the same checks and handlers, one INSERT for all."""
    from django.db import models

    from parcours.core.events import RESULT_KEYS, _handlers
    from parcours.core.models import LearningEvent, Verb

    rows, verbs = [], frozenset(Verb.values)  # Choices.values is rebuilt on each access
    for event in events:
        verb, result, thing = event["verb"], event.get("result"), event["object"]
        if verb not in verbs or set(result or ()) - RESULT_KEYS:
            raise ValueError(f"Unknown verb or result keys in {event!r}")
        if isinstance(thing, models.Model):
            object_type, object_id, name = thing._meta.label_lower, thing.pk, str(thing)
        else:
            (object_type, object_id), name = thing, ""
        rows.append(LearningEvent(
            actor=event["actor"], verb=verb, object_type=object_type,
            object_id=str(object_id), object_name=name[:255],
            organisation=event["organisation"], result=result,
            context=dict(event.get("context") or {})))
    LearningEvent.objects.bulk_create(rows)
    for row in rows:
        for handler in _handlers.get(row.verb, ()):
            handler(row)
    return rows


def plan(learners, organisation, prefix, count, due) -> None:
    from parcours.engagement.services.outbox import Planned, notify_many

    rows = (Planned(learners[i % len(learners)], "organisation_message", organisation,
                    f"bench:{prefix}:{i}", url="/notifications/", deliver_after=due,
                    subject="Nouveau module pour {{ first_name }}",
                    body="Bonjour {{ first_name }}, un module vous attend.")
            for i in range(count))
    started, cpu = time.perf_counter(), time.process_time()
    written = notify_many(rows)
    report(f"notify_many ({prefix})", written, time.perf_counter() - started,
           time.process_time() - cpu, None)


def dispatched(label, count, batch, now) -> None:
    from parcours.engagement.services.dispatch import dispatch_due

    done, rounds, queries = 0, 0, counter()
    started, cpu = time.perf_counter(), time.process_time()
    while done < count:
        with queries.counting(first_round=rounds == 0):
            handled = dispatch_due(now=now, limit=batch).handled
        if not handled:
            break
        done, rounds = done + handled, rounds + 1
    report(label, done, time.perf_counter() - started, time.process_time() - cpu,
           queries.first)


def delivered(label, count, batch, now) -> None:
    from parcours.engagement.services.dispatch import deliver_pending

    done, rounds, queries = 0, 0, counter()
    started, cpu = time.perf_counter(), time.process_time()
    while done < count:
        with queries.counting(first_round=rounds == 0):
            result = deliver_pending(now=now, limit=batch)
        handled = result.sent + result.retrying + result.dead
        if not handled:
            break
        done, rounds = done + result.sent, rounds + 1
    # The SMTP sink runs in this process: its CPU is in the figure too.
    report(label, done, time.perf_counter() - started, time.process_time() - cpu,
           queries.first)


class counter:  # noqa: N801 - a tiny helper, used like a function
    """Counts the queries of the first round."""

    def __init__(self):
        self.first = 0

    def counting(self, *, first_round: bool):
        from contextlib import nullcontext

        from django.db import connection

        if not first_round:
            return nullcontext()

        def count(execute, sql, params, many, context):
            self.first += 1
            return execute(sql, params, many, context)

        return connection.execute_wrapper(count)


def report(label, rows, seconds, cpu_seconds, queries) -> None:
    """Wall clock, and this process's CPU time: on a busy machine the gap is waiting for
    a core (or for the database server, which has its own)."""
    per_second = rows / seconds if seconds else 0
    print(f"{label:<44} {rows:>7} {seconds:>8.2f} {per_second:>8.0f} {cpu_seconds:>7.2f} "
          f"{queries if queries is not None else '':>14}")


if __name__ == "__main__":
    main()
