"""Issuers: the networks and hubs that sign badges."""

from __future__ import annotations

from service.errors import Conflict, NotFound
from service.ids import new_id
from service.persistence.repositories import Issuers, SigningKeys
from service.persistence.tables import Issuer
from service.usecases import audit
from service.usecases.commands import IssuerCreate, IssuerUpdate
from service.usecases.context import Context
from service.usecases.images import accept_image
from service.usecases.keys import ISSUER_PURPOSES, create_key


def get(ctx: Context, issuer_id: str) -> Issuer:
    issuer = Issuers(ctx.session).get(issuer_id)
    if issuer is None:
        raise NotFound("issuer-not-found", id=issuer_id)
    return issuer


def create(ctx: Context, command: IssuerCreate) -> Issuer:
    now = ctx.clock.now()
    issuer = Issuer(
        id=new_id(),
        name=command.name,
        url=str(command.url),
        email=str(command.email),
        description=command.description,
        siret=command.siret,
        rna=command.rna,
        linkedin_organisation_id=command.linkedin_organisation_id,
        created_at=now,
        updated_at=now,
    )
    _set_image(ctx, issuer, command)
    ctx.session.add(issuer)
    ctx.session.flush()
    for purpose in ISSUER_PURPOSES:
        create_key(ctx, issuer.id, purpose)
    audit.record(ctx, "issuer-created", "issuer", issuer.id, issuer.id)
    return issuer


def update(ctx: Context, issuer: Issuer, command: IssuerUpdate) -> Issuer:
    given = command.model_fields_set
    for field in ("name", "url", "email", "description", "siret", "rna", "linkedin_organisation_id"):
        if field in given:
            value = getattr(command, field)
            if value is None and field in {"name", "url", "email"}:
                continue  # required fields cannot be cleared
            setattr(issuer, field, None if value is None else str(value))
    if "image" in given:
        if command.image is None:
            issuer.image, issuer.image_type = None, None
        else:
            _set_image(ctx, issuer, command)
    issuer.updated_at = ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, "issuer-updated", "issuer", issuer.id, issuer.id, fields=sorted(given))
    return issuer


def set_image(ctx: Context, issuer: Issuer, content: bytes, declared_type: str | None) -> Issuer:
    image = accept_image(content, declared_type=declared_type, max_bytes=ctx.max_image_bytes, field="image")
    issuer.image, issuer.image_type = image.content, image.media_type
    issuer.updated_at = ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, "issuer-updated", "issuer", issuer.id, issuer.id, fields=["image"])
    return issuer


def _set_image(ctx: Context, issuer: Issuer, command: IssuerCreate | IssuerUpdate) -> None:
    data = command.image_data()
    if data is not None:
        image = accept_image(
            data.content, declared_type=data.declared_type, max_bytes=ctx.max_image_bytes, field="image"
        )
        issuer.image, issuer.image_type = image.content, image.media_type


def delete(ctx: Context, issuer: Issuer) -> None:
    """Only an issuer that never defined a badge class can go: nothing was ever signed with its keys."""
    if Issuers(ctx.session).has_badge_classes(issuer.id):
        raise Conflict("issuer-has-badge-classes", id=issuer.id)
    keys = SigningKeys(ctx.session).for_issuer(issuer.id)
    for key in keys:
        ctx.session.delete(key)
    ctx.session.flush()
    ctx.session.delete(issuer)
    ctx.session.flush()
    audit.record(ctx, "issuer-deleted", "issuer", issuer.id, issuer.id)
    # Files go last, once the rows are gone from this transaction; a failed commit leaves
    # orphan files that no published key refers to, never a published key without its file.
    for key in keys:
        ctx.keys.delete(issuer.id, key.kid)
