"""The themes vocabulary at work: every theme known (built-in and added), a session's themes
given as slugs or as labels resolved to slugs (an unknown one refused), and an administrator's
additions."""

from __future__ import annotations

from dataclasses import dataclass

from service.domain import themes as vocabulary
from service.errors import Conflict, InvalidInput
from service.i18n.language import SUPPORTED as LANGUAGES
from service.i18n.language import Language
from service.i18n.themes import LABELS, label
from service.persistence.theme_repositories import Themes
from service.persistence.theme_tables import Theme
from service.usecases import audit
from service.usecases.context import Context


@dataclass(frozen=True, slots=True)
class Known:
    slug: str
    label: str  # in the reader's language


def added(ctx: Context) -> dict[str, tuple[str, str]]:
    """The themes an administrator added: slug → (French label, English label)."""
    return {t.slug: (t.label_fr, t.label_en) for t in Themes(ctx.session).added()}


def known(ctx: Context, language: Language) -> list[Known]:
    """Every theme a session may have, built-in first, each with its label."""
    extra = added(ctx)
    slugs = [*vocabulary.BUILT_IN_THEMES, *extra]
    return [Known(slug, label(slug, language, extra)) for slug in slugs]


def labels(ctx: Context, language: Language) -> dict[str, str]:
    """Slug → label, for every theme and level tag known (reports, pages)."""
    extra = added(ctx)
    return {slug: label(slug, language, extra) for slug in [*LABELS, *extra]}


def resolve(ctx: Context, given: list[str]) -> list[str]:
    """The slugs of the themes given, each as its slug or one of its labels (any case, with or
    without accents); an unknown theme is refused (``theme-unknown``), never stored as typed."""
    extra = added(ctx)
    by_key: dict[str, str] = {}
    for slug in [*vocabulary.BUILT_IN_THEMES, *extra]:
        by_key[slug] = slug
        for language in LANGUAGES:
            by_key[vocabulary.slugify(label(slug, language, extra))] = slug
    out: list[str] = []
    for theme in given:
        found = by_key.get(vocabulary.slugify(theme))
        if found is None:
            raise InvalidInput("theme-unknown", field="themes", theme=theme[:60])
        if found not in out:
            out.append(found)
    return out


def add(ctx: Context, slug: str, label_fr: str, label_en: str) -> Theme:
    """An administrator extends the vocabulary."""
    slug = slug.strip()
    if not vocabulary.is_slug(slug):
        raise InvalidInput("theme-slug-invalid", field="slug")
    label_fr, label_en = " ".join(label_fr.split()), " ".join(label_en.split())
    if not label_fr or not label_en or len(label_fr) > 120 or len(label_en) > 120:
        raise InvalidInput("theme-label-invalid", field="label_fr" if not label_fr else "label_en")
    if slug in vocabulary.BUILT_IN_THEMES or slug in LABELS or Themes(ctx.session).get(slug) is not None:
        raise Conflict("theme-exists", slug=slug)
    theme = Theme(slug=slug, label_fr=label_fr, label_en=label_en, created_at=ctx.clock.now())
    ctx.session.add(theme)
    audit.record(ctx, "theme-added", "theme", slug)
    return theme
