"""What the API reads and writes: the request bodies and the JSON it answers with."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator

from parcours.core.roles import Role

LOCALES = [code for code, _name in settings.LANGUAGES]


class Error(Schema):
    detail: str = Field(description="Why the request was refused, in the caller's language.")


class FieldError(Schema):
    location: str = Field(description="Where the bad value was: body, query or path.",
                          examples=["body"])
    field: str = Field(description="The field, dotted for nested ones.", examples=["email"])
    message: str = Field(description="What is wrong with it.",
                         examples=["Enter a valid email address."])


class ValidationFailed(Schema):
    detail: str = Field(examples=["Some values are missing or not valid."])
    errors: list[FieldError]


class Organisation(Schema):
    slug: str = Field(description="Short name used in URLs.", examples=["cap-avenir"])
    name: str = Field(examples=["Cap Avenir Formation"])
    default_locale: str = Field(description="Language for people who have not chosen one.",
                                examples=["fr"])
    time_zone: str = Field(examples=["Europe/Paris"])
    roles: list[str] = Field(description="The caller's roles in this organisation.",
                             examples=[["manager"]])


class Me(Schema):
    id: int
    email: str
    display_name: str
    locale: str = Field(description="Language the API answers in.", examples=["fr"])
    time_zone: str = Field(examples=["Europe/Paris"])
    organisations: list[Organisation]


class Member(Schema):
    id: int = Field(description="The person's user id.")
    email: str
    display_name: str
    roles: list[str] = Field(examples=[["learner"]])
    last_activity: datetime | None = Field(
        description="When the person last did something in this organisation (UTC)."
    )


class MemberPage(Schema):
    count: int = Field(description="How many members there are in all.")
    limit: int
    offset: int
    items: list[Member]


class MemberPageQuery(Schema):
    limit: int = Field(50, ge=1, le=200, description="How many members to return (1 to 200).")
    offset: int = Field(0, ge=0, description="How many members to skip.")


class InvitationRequest(Schema):
    email: str = Field(max_length=254, description="Where to send the invitation.",
                       examples=["camille@example.org"])
    roles: list[str] = Field(
        description=f"One or more of: {', '.join(Role.values)}.", examples=[["learner"]]
    )
    locale: str | None = Field(
        None,
        description=(
            "Language of the invitation email and of the account. "
            "Defaults to the organisation's language."
        ),
        examples=["fr"],
    )

    @field_validator("email")
    @classmethod
    def email_is_an_address(cls, value: str) -> str:
        value = value.strip()
        try:
            validate_email(value)
        except DjangoValidationError as invalid:
            raise ValueError(_("Enter a valid email address.")) from invalid
        return value

    @field_validator("locale")
    @classmethod
    def locale_is_offered(cls, value: str | None) -> str | None:
        if value is not None and value not in LOCALES:
            raise ValueError(
                _("Choose one of these languages: %(choices)s.") % {"choices": ", ".join(LOCALES)}
            )
        return value


class Invitation(Schema):
    id: int
    email: str
    roles: list[str]
    locale: str
    status: str = Field(description="pending, expired, accepted or revoked.",
                        examples=["pending"])
    created_at: datetime
    expires_at: datetime
