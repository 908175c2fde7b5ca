"""The result of a verification: every check with its outcome and reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    outcome: Outcome
    reason: str


@dataclass(slots=True)
class Report:
    checks: list[Check] = field(default_factory=list)

    def passed(self, name: str, reason: str) -> None:
        self.checks.append(Check(name, Outcome.PASSED, reason))

    def failed(self, name: str, reason: str) -> None:
        self.checks.append(Check(name, Outcome.FAILED, reason))

    def skipped(self, name: str, reason: str) -> None:
        self.checks.append(Check(name, Outcome.SKIPPED, reason))

    @property
    def valid(self) -> bool:
        """Valid only when something passed and nothing failed."""
        return any(c.outcome is Outcome.PASSED for c in self.checks) and not self.failures

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.outcome is Outcome.FAILED]

    def outcome_of(self, name: str) -> Outcome | None:
        for check in self.checks:
            if check.name == name:
                return check.outcome
        return None
