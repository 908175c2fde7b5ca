"""The shipped catalogue of mediator skills, imported into an issuer idempotently: an entry
already imported (same catalogue key) is left as it is, whatever was edited since."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pydantic import BaseModel, ConfigDict, Field

from service.persistence.repositories import BadgeClasses
from service.persistence.tables import BadgeClass, Issuer
from service.persistence.training_tables import TrainerRule
from service.usecases import audit, badge_classes
from service.usecases.commands import Alignment, BadgeClassCreate
from service.usecases.context import Context

CATALOGUE = Path(__file__).parent.parent / "catalogue" / "mediation.json"
LEVEL_COLOURS = {"N1": "#1d6b4f", "N2": "#1f4e8c", "N3": "#7a3b8f", "N3+": "#5c2a6e", "N4": "#8c3b1f"}


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z0-9-]{1,64}$")
    level: str
    name: str
    description: str
    criteria: str
    evidence: str
    alignments: list[Alignment]
    tags: list[str]
    trainer_rule: dict[str, Any] | None = None


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    version: str
    language: str
    note: str
    badges: list[Entry]


@dataclass(slots=True)
class Imported:
    created: list[BadgeClass] = field(default_factory=list)
    kept: list[BadgeClass] = field(default_factory=list)


def load(path: Path = CATALOGUE) -> Catalogue:
    return Catalogue.model_validate(json.loads(path.read_text(encoding="utf-8")))


def default_image(entry: Entry) -> bytes:
    """A plain round badge in the level's colour, with the level written on it."""
    colour = LEVEL_COLOURS.get(entry.level, "#333333")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">'
        f"<title>{escape(entry.name)}</title>"
        f'<circle cx="128" cy="128" r="124" fill="{colour}"/>'
        '<circle cx="128" cy="128" r="104" fill="none" stroke="#ffffff" stroke-width="6"/>'
        '<text x="128" y="150" font-family="sans-serif" font-size="64" font-weight="bold" '
        f'text-anchor="middle" fill="#ffffff">{escape(entry.level)}</text>'
        "</svg>"
    ).encode()


def import_into(ctx: Context, issuer: Issuer, catalogue: Catalogue) -> Imported:
    existing = BadgeClasses(ctx.session).from_catalogue(issuer.id)
    result = Imported()
    for entry in catalogue.badges:
        if entry.key in existing:
            result.kept.append(existing[entry.key])
            continue
        command = BadgeClassCreate(
            name=entry.name,
            description=entry.description,
            criteria_narrative=f"{entry.criteria} Preuve attendue : {entry.evidence}",
            image="data:image/svg+xml;base64," + base64.b64encode(default_image(entry)).decode(),
            tags=[*entry.tags, f"niveau_{entry.level.lower().replace('+', '_plus')}"],
            alignments=entry.alignments,
            language=catalogue.language,
        )
        badge_class = badge_classes.create(ctx, issuer, command)
        badge_class.catalogue_key = entry.key
        if entry.trainer_rule is not None:
            ctx.session.add(TrainerRule(badge_class_id=badge_class.id, **_rule(entry.trainer_rule)))
        result.created.append(badge_class)
    ctx.session.flush()
    audit.record(ctx, "catalogue-imported", "issuer", issuer.id, issuer.id, created=len(result.created))
    return result


def _rule(given: dict[str, Any]) -> dict[str, Any]:
    from service.usecases.session_commands import TrainerRuleIn

    return TrainerRuleIn.model_validate(given).model_dump()
