"""`manage.py verify_attendance [--session ID]`: recompute every slot's signature chain
and report any record altered, removed or inserted after signing. Exits with 1 when it
finds one, so a scheduled job or an auditor's script notices."""

from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parcours.classroom.models import Signature, Slot
from parcours.classroom.services.attendance import verify_slot
from parcours.core.models import LearningEvent, Verb


class Command(BaseCommand):
    help = gettext_lazy(
        "Check that no signature was altered after signing (each slot's hash chain).")

    def add_arguments(self, parser):
        parser.add_argument("--session", type=int,
                            help=gettext_lazy("Only the slots of this session."))

    def handle(self, *args, session=None, **options):
        slots = Slot.objects.select_related("session").order_by("starts_at", "id")
        if session is not None:
            slots = slots.filter(session_id=session)
            if not slots.exists():
                raise CommandError(_("No session %(id)s, or it has no slots.") % {"id": session})
        checked_slots = checked_signatures = 0
        problems = []
        # One slot at a time keeps memory flat on a large history; three queries each.
        for slot in slots.iterator(chunk_size=200):
            signatures = list(Signature.objects.filter(slot=slot).select_related("signer")
                              .order_by("signed_at", "id"))
            events = list(LearningEvent.objects.filter(
                verb=Verb.SIGNED, object_type=Signature._meta.label_lower,
                context__slot=slot.pk).only("object_id", "occurred_at", "context"))
            if not signatures and not events:
                continue
            checked_slots += 1
            checked_signatures += len(signatures)
            for problem in verify_slot(slot, signatures=signatures, signed_events=events):
                problems.append((slot, problem))
        by_slot = defaultdict(list)
        for slot, problem in problems:
            by_slot[slot].append(problem)
        for slot, found in by_slot.items():
            self.stdout.write(_("Slot %(id)s, %(slot)s (session %(session)s):") % {
                "id": slot.pk, "slot": slot, "session": slot.session_id})
            for problem in found:
                self.stdout.write(f"  - {problem}")
        summary = _("Checked %(signatures)s signatures in %(slots)s slots: %(problems)s "
                    "problems.") % {"signatures": checked_signatures, "slots": checked_slots,
                                    "problems": len(problems)}
        if problems:
            self.stdout.write(summary)
            raise CommandError(_("Some signatures were altered, removed or inserted after "
                                 "signing: see the list above."), returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))
