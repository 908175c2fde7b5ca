"""What an award's email shows beyond the badge's name: the badge image as PNG (mail clients do
not show SVG; an SVG design is rendered) and the training it was earned in (title, dates, place).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from service.imaging import raster
from service.persistence.tables import Award
from service.persistence.training_repositories import AwardOrigins, TrainingSessions
from service.usecases import baked
from service.usecases.context import Context

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TrainingFacts:
    title: str
    first_day: datetime  # the first half-day's start (shown as a date in Paris time)
    last_day: datetime
    place: str | None  # the venue's name; None when not given
    remote: bool
    as_trainer: bool  # the badge recognises leading the training, not following it


def training_of(ctx: Context, award: Award) -> TrainingFacts | None:
    origin = AwardOrigins(ctx.session).get(award.id)
    if origin is None or origin.session_id is None or origin.kind not in ("session", "trainer"):
        return None
    training = TrainingSessions(ctx.session).get(origin.session_id)
    if training is None or not training.half_days:
        return None
    days = sorted(half_day.starts_at for half_day in training.half_days)
    return TrainingFacts(
        title=training.title,
        first_day=days[0],
        last_day=days[-1],
        place=training.venue_name,
        remote=training.format == "remote",
        as_trainer=origin.kind == "trainer",
    )


def image_png(award: Award) -> bytes | None:
    """The badge image as PNG for the email, or None (no image beats a broken one)."""
    badge_class = award.badge_class
    if badge_class.image is None:
        return None
    if badge_class.image_type == "image/png":
        return badge_class.image
    try:
        return baked.rendered_png(badge_class.image)
    except raster.RasterError as exc:
        _log.warning("badge class %s: no image in its emails: %s", badge_class.id, exc)
        return None
