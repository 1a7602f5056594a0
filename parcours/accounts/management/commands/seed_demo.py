"""Fill an empty installation with a demo organisation, so `make demo` has people in it.

Idempotent: people and organisations are found by email and short name, and
only what is missing is created. Running it twice changes nothing, and nothing a
person changed during the demo (their password, their language) is overwritten.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify

from parcours.accounts.management.commands._demo_coaching import seed_coaching
from parcours.accounts.management.commands._demo_engagement import seed_engagement
from parcours.accounts.management.commands._demo_programmes import seed_programmes
from parcours.accounts.management.commands._demo_sessions import seed_sessions
from parcours.accounts.models import Membership, Organisation, User
from parcours.accounts.services import add_member, create_organisation
from parcours.core.roles import Role

DEMO_PASSWORD = "parcours-demo"


@dataclass(frozen=True)
class Person:
    display_name: str
    roles: tuple[str, ...]
    locale: str = "fr"
    time_zone: str = "Europe/Paris"
    email: str = ""

    def email_at(self, domain: str) -> str:
        if self.email:
            return self.email
        first, last = self.display_name.split(" ", 1)
        return f"{slugify(first)}.{slugify(last)}@{domain}"


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    slug: str
    domain: str
    people: tuple[Person, ...]
    default_locale: str = "fr"
    time_zone: str = "Europe/Paris"


# A fixed cast, not random names: the README and the demo guide can name them.
LEARNER_NAMES = (
    "Léa Martin", "Thomas Bernard", "Chloé Dubois", "Hugo Petit", "Manon Durand",
    "Lucas Leroy", "Emma Fournier", "Nathan Lambert", "Inès Bonnet", "Mathis François",
    "Jade Mercier", "Théo Faure", "Louise Garnier", "Enzo Chevalier", "Zoé Robin",
    "Yanis Haddad", "Sarah Cohen", "Maxime Gauthier", "Clara Perrin", "Antoine Morel",
    "Fatou Diallo", "Romain Lefèvre", "Anaïs Roux", "Kevin Nguyen", "Amandine Fontaine",
    "Mehdi Bouzid", "Élodie Marchand", "Baptiste Colin", "Aïcha Traoré", "Quentin Masson",
)

KARIM = Person("Karim Benali", (Role.COACH,))

CAP_AVENIR = DemoOrganisation(
    name="Cap Avenir Formation",
    slug="cap-avenir",
    domain="cap-avenir.example",
    people=(
        Person("Nathalie Girard", (Role.ADMIN,)),
        Person("Sophie Laurent", (Role.MANAGER,)),
        KARIM,
        Person("Camille Rousseau", (Role.COACH,)),
        Person("Julien Moreau", (Role.TRAINER,)),
        *(Person(name, (Role.LEARNER,)) for name in LEARNER_NAMES),
        Person("Emily Carter", (Role.LEARNER,), locale="en", time_zone="Europe/London"),
    ),
)

# A second tenant shows isolation: Oscar must never see Cap Avenir's people. Karim
# coaches in both, which shows the organisation switcher.
HORIZON = DemoOrganisation(
    name="Horizon Conseil",
    slug="horizon",
    domain="horizon-conseil.example",
    people=(
        Person("Oscar Dupont", (Role.MANAGER,)),
        Person(KARIM.display_name, (Role.COACH,), email=KARIM.email_at(CAP_AVENIR.domain)),
        Person("Margaux Lemaire", (Role.LEARNER,)),
        Person("Samir Belkacem", (Role.LEARNER,)),
    ),
)

DEMO_ORGANISATIONS = (CAP_AVENIR, HORIZON)


class Command(BaseCommand):
    help = "Create the demo organisations and their people (safe to run again)."

    def handle(self, *args, **options):
        # One hash for everyone: hashing is slow on purpose, and thirty-odd demo
        # accounts would otherwise take several seconds.
        password_hash = make_password(DEMO_PASSWORD)
        created = 0
        with transaction.atomic():
            for demo in DEMO_ORGANISATIONS:
                created += self._seed(demo, password_hash)
            enrolments = self._seed_programmes(CAP_AVENIR)
            sessions = self._seed_sessions(CAP_AVENIR)
            engagements = self._seed_coaching(CAP_AVENIR)
            campaigns = self._seed_engagement(CAP_AVENIR)
        self.stdout.write(
            self.style.SUCCESS(f"Demo ready ({created} people, {enrolments} enrolments, "
                               f"{sessions} sessions, {engagements} engagements, "
                               f"{campaigns} campaigns created).")
            if created or enrolments or sessions or engagements or campaigns
            else "Demo already seeded: nothing to change."
        )
        self._print_logins()

    def _seed(self, demo: DemoOrganisation, password_hash: str) -> int:
        organisation = Organisation.objects.filter(slug=demo.slug).first() or create_organisation(
            demo.name, slug=demo.slug, default_locale=demo.default_locale,
            time_zone=demo.time_zone,
        )
        created = 0
        for person in demo.people:
            email = person.email_at(demo.domain)
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User.objects.create_user(
                    email, display_name=person.display_name, locale=person.locale,
                    time_zone=person.time_zone,
                )
                user.password = password_hash
                user.save(update_fields=["password"])
                created += 1
            held = set(
                Membership.objects.filter(organisation=organisation, user=user)
                .values_list("roles__role", flat=True)
            )
            if not set(person.roles) <= held:
                add_member(organisation, user, roles=person.roles)
        return created

    def _seed_programmes(self, demo: DemoOrganisation) -> int:
        organisation = Organisation.objects.get(slug=demo.slug)

        def person(name: str) -> User:
            return User.objects.get(email__iexact=Person(name, ()).email_at(demo.domain))

        return seed_programmes(
            organisation, manager=person("Sophie Laurent"), coach=person(KARIM.display_name),
            learners=[person(name) for name in LEARNER_NAMES],
        )

    def _seed_sessions(self, demo: DemoOrganisation) -> int:
        organisation = Organisation.objects.get(slug=demo.slug)

        def person(name: str) -> User:
            return User.objects.get(email__iexact=Person(name, ()).email_at(demo.domain))

        return seed_sessions(
            organisation, manager=person("Sophie Laurent"), trainer=person("Julien Moreau"),
            learners=[*(person(name) for name in LEARNER_NAMES), person("Emily Carter")],
        )

    def _seed_coaching(self, demo: DemoOrganisation) -> int:
        organisation = Organisation.objects.get(slug=demo.slug)

        def person(name: str) -> User:
            return User.objects.get(email__iexact=Person(name, ()).email_at(demo.domain))

        return seed_coaching(
            organisation, manager=person("Sophie Laurent"), karim=person(KARIM.display_name),
            camille=person("Camille Rousseau"),
            people={name: person(name) for name in LEARNER_NAMES},
        )

    def _seed_engagement(self, demo: DemoOrganisation) -> int:
        organisation = Organisation.objects.get(slug=demo.slug)

        def person(name: str) -> User:
            return User.objects.get(email__iexact=Person(name, ()).email_at(demo.domain))

        return seed_engagement(organisation, manager=person("Sophie Laurent"),
                               learners=[person(name) for name in LEARNER_NAMES])

    def _print_logins(self) -> None:
        self.stdout.write(f"\nSign in at /login/ with one of these (password: {DEMO_PASSWORD}):")
        with translation.override("en"):
            for demo in DEMO_ORGANISATIONS:
                self.stdout.write(f"\n  {demo.name}")
                learners = [p for p in demo.people if Role.LEARNER in p.roles]
                summarised = [p for p in learners[1:] if p.locale == demo.default_locale]
                if len(summarised) < 3:
                    summarised = []
                for person in demo.people:
                    if person not in summarised:
                        self._print_login(person, demo)
                if summarised:
                    self.stdout.write(
                        f"    … and {len(summarised)} more learners: "
                        f"firstname.lastname@{demo.domain}"
                    )

    def _print_login(self, person: Person, demo: DemoOrganisation) -> None:
        roles = ", ".join(str(Role(role).label) for role in person.roles)
        language = (
            "" if person.locale == demo.default_locale
            else f", in {dict(settings.LANGUAGES)[person.locale]}"
        )
        self.stdout.write(f"    {person.email_at(demo.domain):40} {roles}{language}")
