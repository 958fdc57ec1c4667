"""Part statuses of air cargo: a status about some of a consignment's pieces says how many.

Cargo-IMP FSU and Cargo-XML XFSU report a status for a part of a consignment (a split: `DEP`
with `P5` of `T10` pieces). The milestone still counts for the shipment (its pieces are under
way), but the event keeps `pieces` = `5 of 10` in its references, which are stored with it, so
the status sentence and anyone reading the event can say that only part of it moved.
"""

from __future__ import annotations

from collections.abc import Mapping

PIECES = "pieces"
"""The reference a part status carries: `<pieces> of <total>`."""


def part_of(pieces: str | None, total: str | None) -> str | None:
    """`5 of 10` when `pieces` is fewer than `total` (both whole numbers), else None."""
    if not (pieces and total and pieces.isdigit() and total.isdigit()):
        return None
    return f"{int(pieces)} of {int(total)}" if 0 < int(pieces) < int(total) else None


def _counts(details: Mapping[str, str]) -> tuple[str | None, str | None]:
    pieces = details.get("pieces") or details.get("awb_pieces")
    awb_total = details.get("awb_pieces") if details.get("awb_quantity_type") == "total" else None
    return pieces, details.get("total_pieces") or details.get("awb_total_pieces") or awb_total


def over_total(details: Mapping[str, str]) -> str | None:
    """A warning when a status names more pieces than the consignment has, else None."""
    pieces, total = _counts(details)
    if pieces and total and pieces.isdigit() and total.isdigit() and int(pieces) > int(total):
        return f"the status names {int(pieces)} pieces, the consignment has {int(total)}: no part claimed"
    return None


def part_reference(details: Mapping[str, str]) -> dict[str, str]:
    """`{"pieces": "5 of 10"}` for a status about part of the consignment, else `{}`.

    The status's own pieces (`pieces`, else the consignment line's `awb_pieces`) against the
    total: the status's `total_pieces`, the consignment line's `awb_total_pieces`, else the
    consignment line's pieces when it describes the total consignment (`awb_quantity_type` total).
    """
    found = part_of(*_counts(details))
    return {PIECES: found} if found else {}
