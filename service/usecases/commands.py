"""What a caller asks for, validated at the edge (API bodies and CLI arguments alike)."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime
from typing import Annotated, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.json_schema import WithJsonSchema
from pydantic.networks import validate_email
from pydantic_core import PydanticCustomError

from service.domain.organisations import (
    is_valid_rna,
    is_valid_siret,
    normalise_rna,
    normalise_siret,
)
from service.usecases.invalid import invalid

MAX_DATA_URI_CHARS = 4 * 1024 * 1024  # decoded images are capped again, by settings
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(value: str) -> str:
    """Refuse control characters (NUL above all: PostgreSQL cannot store it in text)."""
    if _CONTROL.search(value):
        raise invalid("text-control-characters")
    return value


_Printable = AfterValidator(_printable)


def _email(value: str) -> str:
    """An email address as pydantic's Email checks and normalises it, refused with a code."""
    try:
        return validate_email(value)[1]
    except PydanticCustomError:
        raise invalid("email-invalid") from None


Email = Annotated[str, AfterValidator(_email), WithJsonSchema({"type": "string", "format": "email"})]


def _siret(value: str) -> str:
    if not is_valid_siret(value):
        raise invalid("siret-invalid")
    return normalise_siret(value)


def _rna(value: str) -> str:
    if not is_valid_rna(value):
        raise invalid("rna-invalid")
    return normalise_rna(value)


Siret = Annotated[str, AfterValidator(_siret)]  # 14 digits with a valid check digit, spaces dropped


def _linkedin_id(value: str) -> str:
    if not value.isdigit() or len(value) > 20:
        raise invalid("linkedin-id-invalid")
    return value


Rna = Annotated[str, AfterValidator(_rna)]  # W followed by 9 characters
LinkedInId = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_linkedin_id)]
# Zero-width characters, the soft hyphen, and the marks and isolates that change the direction
# of text: a name holding them can show as another name ("Coop" that reads "pooC", two names that
# look alike but differ), where people judge who issued a badge and to whom.
_INVISIBLE = re.compile(r"[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _visible(value: str) -> str:
    if _INVISIBLE.search(value):
        raise invalid("text-invisible-characters")
    return value


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    _Printable,
    AfterValidator(_visible),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000), _Printable]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60), _Printable]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000), _Printable]
Code = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100), AfterValidator(_printable)]
# The OB 3.0 schema's LanguageCode pattern: language, optional Script, optional REGION or UN M.49.
_LANGUAGE = re.compile(r"^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")


def canonical_language(value: str) -> str:
    """BCP 47 canonical case (fr, fr-FR, sr-Latn-RS), refused unless the OB 3.0 schema accepts it."""
    parts = value.strip().replace("_", "-").split("-")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        else:
            out.append(part.upper())
    tag = "-".join(out)
    if not _LANGUAGE.match(tag):
        raise invalid("language-tag-invalid")
    return tag


_DATA_URI = re.compile(r"^data:(?P<type>[\w.+-]+/[\w.+-]+);base64,(?P<data>[A-Za-z0-9+/=\s]*)$")


_HTTP_URL: TypeAdapter[HttpUrl] = TypeAdapter(HttpUrl)


def _http_url(value: str) -> str:
    try:
        return str(_HTTP_URL.validate_python(value))
    except ValidationError as exc:
        raise invalid("url-not-absolute") from exc


Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=2048),
    AfterValidator(_printable),
    AfterValidator(_http_url),
]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ImageData(BaseModel):
    """An image given inline as a ``data:`` URI; its content is checked again by type sniffing."""

    declared_type: str
    content: bytes

    @classmethod
    def parse(cls, value: str) -> ImageData:
        if len(value) > MAX_DATA_URI_CHARS:
            raise invalid("image-data-too-large")
        match = _DATA_URI.match(value)
        if not match:
            raise invalid("image-data-uri-expected")
        try:
            content = base64.b64decode("".join(match["data"].split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise invalid("image-base64-invalid") from exc
        return cls(declared_type=match["type"].lower(), content=content)


def _image(value: str | None) -> ImageData | None:
    return None if value is None else ImageData.parse(value)


class IssuerFields(Command):
    description: Text | None = None
    image: str | None = Field(default=None, description="data: URI of a PNG or SVG image")
    siret: Siret | None = Field(default=None, description="14-digit SIRET of the structure")
    rna: Rna | None = Field(default=None, description="RNA number of an association (W…)")
    linkedin_organisation_id: LinkedInId | None = Field(
        default=None, description="LinkedIn's numeric id of the organisation's page (shows its logo)"
    )

    @field_validator("image")
    @classmethod
    def _image_is_data_uri(cls, value: str | None) -> str | None:
        _image(value)
        return value

    def image_data(self) -> ImageData | None:
        return _image(self.image)


class IssuerCreate(IssuerFields):
    name: Name
    url: Url
    email: Email


class IssuerUpdate(IssuerFields):
    name: Name | None = None
    url: Url | None = None
    email: Email | None = None


class Alignment(Command):
    target_name: Name
    target_url: Url
    target_description: Text | None = None
    target_framework: Name | None = None
    target_code: Code | None = None


class BadgeClassFields(Command):
    criteria_narrative: Text | None = None
    criteria_url: Url | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=30)
    alignments: list[Alignment] = Field(default_factory=list, max_length=30)
    language: str = "fr"
    validity_days: int | None = Field(default=None, ge=1, le=36500)
    prerequisites: list[str] = Field(
        default_factory=list, max_length=20, description="pathway: badge classes whose holders earn this one"
    )

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        return canonical_language(value)

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class BadgeClassCreate(BadgeClassFields):
    name: Name
    description: Text
    image: str = Field(description="data: URI of a PNG or SVG image")

    @field_validator("image")
    @classmethod
    def _image_is_data_uri(cls, value: str) -> str:
        ImageData.parse(value)
        return value

    @model_validator(mode="after")
    def _has_criteria(self) -> Self:
        if not self.criteria_narrative and not self.criteria_url:
            raise invalid("criteria-required")
        return self

    def image_data(self) -> ImageData:
        return ImageData.parse(self.image)


class BadgeClassUpdate(Command):
    name: Name | None = None
    description: Text | None = None
    criteria_narrative: Text | None = None
    criteria_url: Url | None = None
    tags: list[Tag] | None = Field(default=None, max_length=30)
    alignments: list[Alignment] | None = Field(default=None, max_length=30)
    language: str | None = None
    validity_days: int | None = Field(default=None, ge=1, le=36500)
    prerequisites: list[str] | None = Field(default=None, max_length=20)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return None if value is None else canonical_language(value)


class Evidence(Command):
    url: Url | None = None
    narrative: Text | None = None
    name: Name | None = None
    description: Text | None = None

    @model_validator(mode="after")
    def _has_content(self) -> Self:
        if not self.url and not self.narrative:
            raise invalid("evidence-empty")
        return self


def _representable(value: datetime) -> datetime:
    """A moment that UTC can hold, in years people issue badges in: 9999-12-31T23:00:00-05:00
    overflowed on the way to UTC (a 500)."""
    try:
        moment = value.astimezone(UTC)
    except OverflowError:
        raise invalid("date-out-of-range", first=1970, last=9000) from None
    if not 1970 <= moment.year <= 9000:
        raise invalid("date-out-of-range", first=1970, last=9000)
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_representable)]


class AwardCreate(Command):
    recipient_email: Email
    recipient_name: Name | None = None
    issued_on: Moment | None = Field(default=None, description="defaults to now")
    expires_at: Moment | None = Field(
        default=None, description="defaults to issued_on + the badge class's validity_days"
    )
    narrative: Text | None = None
    evidence: list[Evidence] = Field(default_factory=list, max_length=20)
    language: str = Field(default="fr", description="the earner's language, for the email (BCP 47)")
    notify: bool = Field(
        default=True, description="queue the award email to the earner (sent by `fabrique worker`)"
    )

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        return canonical_language(value)

    @model_validator(mode="after")
    def _expires_after_issue(self) -> Self:
        if self.issued_on and self.expires_at and self.expires_at <= self.issued_on:
            raise invalid("expires-before-issue")
        return self


class Revocation(Command):
    reason: Reason
