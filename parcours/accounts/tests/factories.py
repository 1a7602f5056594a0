import factory

from parcours.accounts.models import Membership, MembershipRole, Organisation, User

PASSWORD = "correct-horse-battery"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisme {n}")
    slug = factory.Sequence(lambda n: f"organisme-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name", locale="fr_FR")
    locale = "fr"
    time_zone = "Europe/Paris"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def member(organisation: Organisation, *roles: str, **user_fields) -> User:
    """A person holding these roles in the organisation."""
    user = UserFactory(**user_fields)
    membership = Membership.objects.create(organisation=organisation, user=user)
    MembershipRole.objects.bulk_create(
        [MembershipRole(membership=membership, role=role) for role in roles]
    )
    return user
