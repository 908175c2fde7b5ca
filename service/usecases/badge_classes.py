"""Badge classes: what an earner achieves, with criteria, alignments and image."""

from __future__ import annotations

from typing import Any

from service.errors import Conflict, InvalidInput, NotFound
from service.ids import new_id
from service.persistence.repositories import BadgeClasses
from service.persistence.tables import BadgeClass, Issuer
from service.usecases import audit
from service.usecases.commands import Alignment, BadgeClassCreate, BadgeClassUpdate
from service.usecases.context import Context
from service.usecases.images import accept_image


def get(ctx: Context, badge_class_id: str) -> BadgeClass:
    badge_class = BadgeClasses(ctx.session).get(badge_class_id)
    if badge_class is None:
        raise NotFound("badge-class-not-found", id=badge_class_id)
    return badge_class


def _alignments(items: list[Alignment]) -> list[dict[str, Any]]:
    return [item.model_dump(exclude_none=True) for item in items]


def create(ctx: Context, issuer: Issuer, command: BadgeClassCreate) -> BadgeClass:
    data = command.image_data()
    image = accept_image(
        data.content, declared_type=data.declared_type, max_bytes=ctx.max_image_bytes, field="image"
    )
    now = ctx.clock.now()
    badge_class = BadgeClass(
        id=new_id(),
        issuer_id=issuer.id,
        name=command.name,
        description=command.description,
        criteria_narrative=command.criteria_narrative,
        criteria_url=command.criteria_url and str(command.criteria_url),
        image=image.content,
        image_type=image.media_type,
        tags=list(command.tags),
        alignments=_alignments(command.alignments),
        language=command.language,
        validity_days=command.validity_days,
        prerequisites=[],
        version=1,
        created_at=now,
        updated_at=now,
    )
    badge_class.series_id = badge_class.id
    ctx.session.add(badge_class)
    ctx.session.flush()
    badge_class.prerequisites = _prerequisites(ctx, badge_class, command.prerequisites)
    ctx.session.flush()
    audit.record(ctx, "badge-class-created", "badge-class", badge_class.id, issuer.id)
    return badge_class


def _prerequisites(ctx: Context, badge_class: BadgeClass, ids: list[str]) -> list[str]:
    """Other badge classes of the same issuer, each once, stored as their series: holding any
    version of a prerequisite counts."""
    series: list[str] = []
    for index, other_id in enumerate(ids):
        other = BadgeClasses(ctx.session).get(other_id)
        if (
            other is None
            or other.issuer_id != badge_class.issuer_id
            or other.series_id == badge_class.series_id
        ):
            raise InvalidInput("prerequisite-unknown", field=f"prerequisites.{index}")
        if other.series_id not in series:
            series.append(other.series_id)
    return series


_REQUIRED = {"name", "description", "language"}


def update(ctx: Context, badge_class: BadgeClass, command: BadgeClassUpdate) -> BadgeClass:
    """Change a badge class. Once it has been awarded it never changes: the edit makes a new
    version, which future awards, open sessions and trainer rules use; it is returned."""
    badge_class = _editable(ctx, badge_class)
    given = command.model_fields_set
    for field in given:
        value = getattr(command, field)
        if value is None and field in _REQUIRED | {"tags", "alignments"}:
            continue
        if field == "alignments":
            value = _alignments(value)
        elif field == "prerequisites":
            value = _prerequisites(ctx, badge_class, value)
        elif field == "criteria_url" and value is not None:
            value = str(value)
        setattr(badge_class, field, value)
    if not badge_class.criteria_narrative and not badge_class.criteria_url:
        raise InvalidInput("criteria-required")
    badge_class.updated_at = ctx.clock.now()
    ctx.session.flush()
    fields = sorted(given)
    audit.record(
        ctx,
        "badge-class-updated",
        "badge-class",
        badge_class.id,
        badge_class.issuer_id,
        fields=fields,
        version=badge_class.version,
    )
    return badge_class


def set_image(ctx: Context, badge_class: BadgeClass, content: bytes, declared_type: str | None) -> BadgeClass:
    image = accept_image(content, declared_type=declared_type, max_bytes=ctx.max_image_bytes, field="image")
    badge_class = _editable(ctx, badge_class)
    badge_class.image, badge_class.image_type = image.content, image.media_type
    badge_class.updated_at = ctx.clock.now()
    ctx.session.flush()
    audit.record(
        ctx,
        "badge-class-updated",
        "badge-class",
        badge_class.id,
        badge_class.issuer_id,
        fields=["image"],
        version=badge_class.version,
    )
    return badge_class


def _editable(ctx: Context, badge_class: BadgeClass) -> BadgeClass:
    """The row an edit may change: this one, or a new version if this one was awarded."""
    if badge_class.replaced_by_id is not None:
        raise Conflict("badge-class-superseded", id=badge_class.id, current=badge_class.replaced_by_id)
    if not BadgeClasses(ctx.session).has_awards(badge_class.id):
        return badge_class
    now = ctx.clock.now()
    copied = {
        column.key: getattr(badge_class, column.key)
        for column in BadgeClass.__table__.columns
        if column.key not in {"id", "version", "replaced_by_id", "catalogue_key", "created_at", "updated_at"}
    }
    successor = BadgeClass(
        **copied, id=new_id(), version=badge_class.version + 1, created_at=now, updated_at=now
    )
    successor.tags = list(badge_class.tags)
    successor.alignments = [dict(a) for a in badge_class.alignments]
    successor.prerequisites = list(badge_class.prerequisites)
    key, badge_class.catalogue_key = badge_class.catalogue_key, None
    ctx.session.add(successor)
    ctx.session.flush()  # the successor exists before anything points at it
    badge_class.replaced_by_id = successor.id
    successor.catalogue_key = key
    BadgeClasses(ctx.session).hand_over(badge_class.id, successor.id)
    ctx.session.flush()
    return successor


def delete(ctx: Context, badge_class: BadgeClass) -> None:
    """A badge class that was awarded stays: its awards point at it forever."""
    if BadgeClasses(ctx.session).has_awards(badge_class.id):
        raise Conflict("badge-class-has-awards", id=badge_class.id)
    ctx.session.delete(badge_class)
    ctx.session.flush()
    audit.record(ctx, "badge-class-deleted", "badge-class", badge_class.id, badge_class.issuer_id)
