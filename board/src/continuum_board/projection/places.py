"""Projects a safe place to go onto its reservation's row: reserved, admitted, released, discharged."""

from continuum_contracts import Envelope
from continuum_contracts import events as ev
from continuum_contracts.vocabulary import Stage

from continuum_board.projection.change import Change, Projector, Projectors
from continuum_board.store import ReservationRow

BedStep = ev.PlacementAdmittedV1 | ev.PlacementReleasedV1 | ev.PlacementDischargedV1


def reserved(change: Change, envelope: Envelope[ev.PlacementReservedV1]) -> None:
    reservation = envelope.data
    change.move_to(Stage.STABILIZATION)
    if change.session.get(ReservationRow, reservation.reservation_id) is None:
        change.session.add(
            ReservationRow(
                reservation_id=reservation.reservation_id,
                episode_id=envelope.episode_id,
                place_id=reservation.place_id,
                place_type=reservation.place_type,
                state="held",
                hold_until=reservation.hold_until,
                updated_at=envelope.time,
            )
        )


def _bed(state: str) -> Projector[BedStep]:
    def apply(change: Change, envelope: Envelope[BedStep]) -> None:
        bed = envelope.data
        row = change.session.get(ReservationRow, bed.reservation_id, with_for_update=True)
        if row is None:
            row = ReservationRow(
                reservation_id=bed.reservation_id,
                episode_id=envelope.episode_id,
                place_id=bed.place_id,
                place_type=bed.place_type,
                state=state,
                updated_at=envelope.time,
            )
        row.state = state
        row.updated_at = envelope.time
        change.session.add(row)

    return apply


PROJECTORS: Projectors = {
    ev.PlacementReservedV1: reserved,
    ev.PlacementAdmittedV1: _bed("admitted"),
    ev.PlacementReleasedV1: _bed("released"),
    ev.PlacementDischargedV1: _bed("discharged"),
}
