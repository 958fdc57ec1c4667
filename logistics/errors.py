"""One error hierarchy for the whole platform; the API maps it to HTTP status in one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class LogisticsError(Exception):
    """Base of every error the platform raises on purpose."""

    code = "error"


class DomainError(LogisticsError, ValueError):
    """A domain value broke one of its invariants."""

    code = "invalid_value"


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in input: where it is and why it is wrong."""

    file: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        """Render as `file:line:column: reason`."""
        return f"{self.file}:{self.line}:{self.column}: {self.reason}"


class ValidationFailed(LogisticsError):
    """Input was refused as a whole; every problem is listed."""

    code = "validation_failed"

    def __init__(self, problems: Sequence[Problem], summary: str = "input refused") -> None:
        self.problems = list(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{summary}: {len(self.problems)} problem(s)\n{lines}")


class NotFound(LogisticsError):
    """The record does not exist, or the caller may not see it."""

    code = "not_found"


class Conflict(LogisticsError):
    """The request conflicts with stored state (e.g. a different record under the same id)."""

    code = "conflict"

    def __init__(self, message: str, conflicts: Sequence[str] = ()) -> None:
        self.conflicts = list(conflicts)
        super().__init__(message)


class PermissionDenied(LogisticsError):
    """The caller's role may not do this."""

    code = "forbidden"


class AuthenticationFailed(LogisticsError):
    """No valid credentials were presented."""

    code = "unauthenticated"


class Unavailable(LogisticsError):
    """The work cannot be done right now (a lock held too long, a request in progress); retry."""

    code = "unavailable"

    def __init__(self, message: str, retry_after_s: int = 1) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)


class InProgress(Conflict):
    """Another request holding the same Idempotency-Key is still running; retry later."""

    code = "in_progress"

    def __init__(self, message: str, retry_after_s: int = 1) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(message)
