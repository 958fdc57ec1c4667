"""A page of query results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """Items of one page, the total matching, and the window."""

    items: Sequence[T]
    total: int
    limit: int
    offset: int


def paginate(
    session: Session, query: Select[Any], order_by: Sequence[Any], limit: int, offset: int
) -> tuple[list[Any], int]:
    """Run `query` for one window (ordered by `order_by`) and count every match."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(session.scalars(query.order_by(*order_by).limit(limit).offset(offset)))
    return rows, int(total)
