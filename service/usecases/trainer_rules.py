"""Trainer rules: what a trainer must have given, across sessions, to earn a badge class."""

from __future__ import annotations

from service.errors import NotFound
from service.persistence.tables import BadgeClass
from service.persistence.training_tables import TrainerRule
from service.usecases import audit
from service.usecases.context import Context
from service.usecases.session_commands import TrainerRuleIn


def get(ctx: Context, badge_class: BadgeClass) -> TrainerRule:
    rule = ctx.session.get(TrainerRule, badge_class.id)
    if rule is None:
        raise NotFound("trainer-rule-not-found", id=badge_class.id)
    return rule


def put(ctx: Context, badge_class: BadgeClass, command: TrainerRuleIn) -> TrainerRule:
    rule = ctx.session.get(TrainerRule, badge_class.id) or TrainerRule(badge_class_id=badge_class.id)
    for name, value in command.model_dump().items():
        setattr(rule, name, value)
    ctx.session.add(rule)
    ctx.session.flush()
    audit.record(ctx, "trainer-rule-set", "badge-class", badge_class.id, badge_class.issuer_id)
    return rule


def delete(ctx: Context, badge_class: BadgeClass) -> None:
    ctx.session.delete(get(ctx, badge_class))
    ctx.session.flush()
    audit.record(ctx, "trainer-rule-removed", "badge-class", badge_class.id, badge_class.issuer_id)
