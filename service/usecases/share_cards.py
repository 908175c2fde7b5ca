"""The share cards of public pages (``imaging.cards``): for a published badge and for a badge
class. A card exists only where the page it illustrates is public: an award that is private,
revoked or erased has none, so that a card never shows a badge as if it stood."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict

from service.errors import Conflict, Gone, NotFound
from service.i18n.catalogue import N_, text
from service.i18n.language import Language
from service.imaging import cards, raster
from service.persistence.tables import BadgeClass
from service.usecases import awards, badge_classes
from service.usecases.context import Context

_log = logging.getLogger(__name__)
KICKER = N_("Badge numérique vérifiable · Open Badges")
BYLINE = N_("Délivré par {issuer}")


def award_card(ctx: Context, award_id: str, language: Language) -> bytes:
    award = awards.get(ctx, award_id)
    if award.erased_at is not None or award.revoked_at is not None:
        raise Gone("award-revoked", id=award.id)
    if award.published_at is None:
        raise NotFound("award-page-private")
    return _card(ctx, award.badge_class, language)


def badge_class_card(ctx: Context, badge_class_id: str, language: Language) -> bytes:
    return _card(ctx, badge_classes.get(ctx, badge_class_id), language)


def _card(ctx: Context, badge_class: BadgeClass, language: Language) -> bytes:
    card_text = cards.CardText(
        kicker=text(KICKER, language),
        title=badge_class.name,
        byline=text(BYLINE, language, {"issuer": badge_class.issuer.name}),
        footer=ctx.urls.host,
    )
    if badge_class.image is None or badge_class.image_type is None:
        raise NotFound("image-not-found")
    try:
        return _drawn(badge_class.image, badge_class.image_type, card_text)
    except (raster.RasterError, OSError) as exc:  # OSError: Pillow cannot read the image
        _log.warning("badge class %s: no share card: %s", badge_class.id, exc)
        raise Conflict("badge-image-unbakable", badge_class_id=badge_class.id) from exc


CARDS_KEPT = 256  # about 45 KB each: ~12 MB per process
_kept: OrderedDict[tuple[bytes, str, cards.CardText], bytes] = OrderedDict()
_lock = threading.Lock()


def _drawn(image: bytes, media_type: str, card_text: cards.CardText) -> bytes:
    """Cards are drawn once per process for the same image and words (about 0.1 s each), kept
    by the image's digest so that a kept card does not keep its image too."""
    key = (hashlib.sha256(image).digest(), media_type, card_text)
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found
    drawn = cards.share_card(image, media_type, card_text)
    with _lock:
        _kept[key] = drawn
        while len(_kept) > CARDS_KEPT:
            _kept.popitem(last=False)
    return drawn
