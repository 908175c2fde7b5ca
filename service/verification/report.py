"""The result of a verification: every check with its outcome, as a code and its parameters.

Words are not chosen here: ``service.i18n.verification`` turns codes into French or English
at the edge (API, pages, CLI). A check that failed because a document could not be reached is
marked ``unreachable``: the verdict is then "cannot tell", not "invalid", when nothing else
failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Check:
    name: str  # what was checked: format, proof, status…
    outcome: Outcome
    code: str  # why, for people: a key of the message catalogue
    params: Mapping[str, str] = field(default_factory=dict)
    unreachable: bool = False

    @property
    def reason(self) -> str:
        """The English sentence, for logs and tests."""
        from service.i18n.verification import reason

        return reason(self.code, self.params, "en")


@dataclass(slots=True)
class Report:
    checks: list[Check] = field(default_factory=list)

    def passed(self, check: str, code: str, /, **params: object) -> None:
        self.checks.append(Check(check, Outcome.PASSED, code, _text(params)))

    def failed(self, check: str, code: str, /, *, unreachable: bool = False, **params: object) -> None:
        self.checks.append(Check(check, Outcome.FAILED, code, _text(params), unreachable))

    def skipped(self, check: str, code: str, /, **params: object) -> None:
        self.checks.append(Check(check, Outcome.SKIPPED, code, _text(params)))

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

    def failed_with(self, *codes: str) -> Check | None:
        return next((c for c in self.failures if c.code in codes), None)


def _text(params: Mapping[str, object]) -> dict[str, str]:
    return {key: str(value)[:300] for key, value in params.items() if value is not None}
