"""Compare three policies on a simulated population run through the real engine.

    .venv/bin/python manage.py simulate_engagement --learners 5000 --weeks 12 --seed 1

Each policy runs in a throwaway database of its own (in memory on SQLite, `sim_<name>`
on PostgreSQL): the real data is never touched. The model and its assumptions are in
docs/engagement-simulation.md.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from parcours.engagement.simulation import POLICIES, POLICY_LABELS, population, run


class Command(BaseCommand):
    help = ("Run a seeded population of simulated learners through the real engine under "
            "three policies (no messages, a naive daily reminder, the engine) and print "
            "completion, weekly activity and opt-outs.")

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=5000)
        parser.add_argument("--weeks", type=int, default=12)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--policies", default=",".join(POLICIES),
                            help="comma-separated, among: " + ", ".join(POLICIES))
        parser.add_argument("--lift", type=float, default=0.25,
                            help="how much a seen message raises the chance of studying "
                                 "(see the doc); try 0.1 and 0.4")
        parser.add_argument("--annoyance", type=float, default=1.0,
                            help="multiplies the cost of messages over one's tolerance")

    def handle(self, *args, learners, weeks, seed, policies, lift, annoyance, **options):
        chosen = [name.strip() for name in policies.split(",") if name.strip()]
        unknown = sorted(set(chosen) - set(POLICIES))
        if unknown:
            raise CommandError(f"Unknown policy: {', '.join(unknown)}.")
        if learners < 1 or weeks < 1:
            raise CommandError("--learners and --weeks must be at least 1.")
        people = population(learners, seed)
        self.stdout.write(f"{learners} simulated learners, {weeks} weeks, seed {seed}, "
                          f"lift {lift}, annoyance {annoyance}")
        results = []
        for policy in chosen:
            started = time.perf_counter()
            with _throwaway_database():
                results.append(run(people, policy=policy, weeks=weeks, seed=seed, lift=lift,
                                   annoyance=annoyance, progress=self._progress))
            self.stdout.write(f"  {POLICY_LABELS[policy]}: {time.perf_counter() - started:.0f} s")
        self.stdout.write("")
        header = (f"{'policy':<22} {'completion':>10} {'weekly active':>13} {'opt-out':>8} "
                  f"{'sent':>8} {'suppressed':>10} {'nudges/learner/week':>20} "
                  f"{'max nudges in a week':>21}")
        self.stdout.write(header)
        for result in results:
            self.stdout.write(
                f"{POLICY_LABELS[result.policy]:<22} {result.completion_rate:>10.1%} "
                f"{result.weekly_active_rate:>13.1%} {result.opt_out_rate:>8.1%} "
                f"{result.sent:>8} {result.suppressed:>10} "
                f"{result.nudges_per_learner_week:>20.2f} {result.max_nudges_in_a_week:>21}")
        self.stdout.write("")
        for result in results:
            if result.suppressed_by_reason:
                reasons = ", ".join(f"{reason} {count}"
                                    for reason, count in result.suppressed_by_reason.items())
                self.stdout.write(f"{POLICY_LABELS[result.policy]}, suppressed: {reasons}")

    def _progress(self, policy, day, days):
        if day % 7 == 0:
            self.stderr.write(f"  {policy}: day {day}/{days}")


class _throwaway_database:
    def __enter__(self):
        settings = connection.settings_dict
        settings.setdefault("TEST", {})
        if connection.vendor != "sqlite":
            settings["TEST"]["NAME"] = f"sim_{settings['NAME']}"
        self.old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True,
                                                           serialize=False)

    def __exit__(self, *exc):
        connection.creation.destroy_test_db(self.old_name, verbosity=0)
