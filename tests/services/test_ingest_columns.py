"""The service hands flat events to the events repository as they are."""

from __future__ import annotations

from logistics.persistence.repositories.tracking_events import NEW_EVENT_COLUMNS
from logistics.tracking.flat import STORED


def test_flat_events_start_with_the_stored_values_in_the_repository_order() -> None:
    """A FlatEvent's first fields are the values `add_new` takes, in its order."""
    assert STORED == NEW_EVENT_COLUMNS
