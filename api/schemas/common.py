"""Shared response shapes."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: the items, the total matching, and the window asked for."""

    items: list[T]
    total: int = Field(description="Number of records matching the filters")
    limit: int
    offset: int
