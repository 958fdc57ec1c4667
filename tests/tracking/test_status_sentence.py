"""The plain status sentence: delivered, disrupted, missed, rebooked around a disruption, late,
on its way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from logistics.domain.tracking import ExceptionReason, Milestone
from logistics.tracking.status_sentence import pieces_moved, status_sentence

DUE = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)


def say(**kw):  # type: ignore[no-untyped-def]
    """The sentence with defaults for what a case does not set."""
    base = {
        "status": Milestone.DEPARTED,
        "delivered_at": None,
        "eta": DUE - timedelta(hours=2),
        "due_at": DUE,
        "open_reasons": (),
        "recovered_from": (),
        "movements": ("CV9753-20261201",),
        "fmt_eta": lambda t: t.strftime("%d %b %H:%M"),
        "fmt_due": lambda t: t.strftime("%d %b %H:%M"),
    }
    return status_sentence(**(base | kw))


def test_each_situation_reads_plainly() -> None:
    assert say(delivered_at=DUE + timedelta(hours=1)) == "delivered 02 Dec 18:00 (late)"
    cancelled = "CV9751-20261130 cancelled (disruption dis_1)"
    assert (
        say(open_reasons=[(ExceptionReason.DISRUPTED, cancelled)])
        == "disrupted: CV9751-20261130 cancelled; waiting for a new booking"
    )
    assert say(recovered_from=[cancelled], eta=DUE + timedelta(hours=3)) == (
        "delayed: CV9751-20261130 cancelled, rebooked on CV9753-20261201, new ETA 02 Dec 20:00"
    )
    assert say(eta=DUE + timedelta(hours=1)) == "running late: ETA 02 Dec 18:00, due 02 Dec 17:00"
    assert say() == "on its way (departed): ETA 02 Dec 15:00, due 02 Dec 17:00"
    assert say(status=None, eta=None).startswith("booked: ETA unknown until a replan")
    missed = say(open_reasons=[(ExceptionReason.MISSED_CONNECTION, "expected at LUX 10:00")])
    assert missed.startswith("delayed: missed its connection (expected at LUX 10:00)")


def test_a_part_status_says_how_many_pieces_moved() -> None:
    """A split (DEP with 5 of 10 pieces) never reads as the whole consignment moving."""
    assert say(pieces="5 of 10") == (
        "on its way (departed, 5 of 10 pieces): ETA 02 Dec 15:00, due 02 Dec 17:00"
    )
    assert say(delivered_at=DUE, pieces="5 of 10") == "delivered (5 of 10 pieces) 02 Dec 17:00"
    assert say(pieces=None) == "on its way (departed): ETA 02 Dec 15:00, due 02 Dec 17:00"


def _part(
    pieces: str, flight: str | None, place: str = "CGO", when: str = "T1"
) -> tuple[str, str, dict[str, str]]:
    refs = {"awb": "160-12345675", "pieces": pieces} | ({"flight": flight} if flight else {})
    return (place, when, refs)


def test_parts_on_several_flights_add_up_at_one_place() -> None:
    """5 of 10 on CV9751 and 3 of 10 on CV9753 from CGO: 8 of 10 have departed; a resend of a
    flight's part counts once; a part elsewhere is another stage; all parts: no part claimed."""
    first, second = _part("5 of 10", "CV9751"), _part("3 of 10", "CV9753")
    assert pieces_moved([first]) == "5 of 10"
    assert pieces_moved([first, first, second]) == "8 of 10"
    elsewhere = _part("5 of 10", "CV0042", place="LUX")
    assert pieces_moved([_part("4 of 10", "CV9751"), elsewhere]) == "5 of 10"
    assert pieces_moved([first, _part("5 of 10", "CV9753")]) is None
    assert pieces_moved([first, ("CGO", "T2", {"awb": "160-12345675"})]) is None  # all pieces
    assert pieces_moved([_part("5 of 12", "CV1"), _part("5 of 10", "CV2")]) is None
    assert pieces_moved([]) is None


def test_parts_without_a_flight_count_once_per_time() -> None:
    """Two deliveries of 5 of 10 at LUX at different times make all 10; one is 5 of 10."""
    one = _part("5 of 10", None, place="LUX", when="T1")
    assert pieces_moved([one]) == "5 of 10"
    assert pieces_moved([one, _part("5 of 10", None, place="LUX", when="T2")]) is None
