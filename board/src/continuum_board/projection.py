"""Projects every episode event into the board's read model: one handler for the whole catalogue.

Each event is kept for the timeline (with its CloudEvents source and trace id), then applied to the
episode, team, bed, handoff and follow-up rows. Times are the events' own (CloudEvents ``time``, or the
contact's ``received_at``), so the board and the KPIs measure what the services decided, when they decided it.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

from continuum_contracts import CATALOGUE, Envelope
from continuum_contracts import events as ev
from continuum_contracts.vocabulary import Stage
from continuum_kit.consumer import Handlers
from continuum_kit.delivery import UnitOfWork
from sqlalchemy import event as sa_event
from sqlmodel import Session

from continuum_board.config import BoardSettings
from continuum_board.store import EpisodeRow, EventRow, FollowupRow, HandoffRow, ReservationRow, TeamRow

# Observe(name, seconds, episode) is called only after the transaction that measured it commits.
Observe = Callable[[str, float, EpisodeRow], None]
PUBLISHES: tuple[str, ...] = ()  # the board only reads


def trace_id(envelope: Envelope) -> str | None:
    """The W3C trace id from ``traceparent`` (version-traceid-parentid-flags), if the event carried one."""
    parts = envelope.trace.get("traceparent", "").split("-")
    return parts[1] if len(parts) == 4 and len(parts[1]) == 32 else None


class Projection:
    def __init__(self, settings: BoardSettings, observe: Observe | None = None) -> None:
        self.settings = settings
        self.observe = observe
        self._apply: dict[type, Callable[[Session, EpisodeRow, Envelope], None]] = {
            ev.ContactReceivedV1: self._contact_received,
            ev.EpisodeOpenedV1: self._opened,
            ev.EpisodeTriagedV1: self._triaged,
            ev.EpisodeReopenedV1: self._reopened,
            ev.ResponseAssignedV1: self._assigned,
            ev.ResponseUpdatedV1: self._updated,
            ev.ResponseEscalatedV1: self._escalated,
            ev.LawEnforcementDeflectedV1: self._deflected,
            ev.ResponseResolvedV1: self._resolved,
            ev.PlacementReservedV1: self._reserved,
            ev.PlacementAdmittedV1: self._bed("admitted"),
            ev.PlacementReleasedV1: self._bed("released"),
            ev.PlacementDischargedV1: self._bed("discharged"),
            ev.HandoffRequestedV1: self._handoff_requested,
            ev.HandoffReceivedV1: self._handoff_status("received"),
            ev.HandoffAcceptedV1: self._handoff_status("accepted"),
            ev.HandoffStartedV1: self._handoff_status("in-progress"),
            ev.HandoffCancelledV1: self._handoff_status("cancelled"),
            ev.HandoffDeclinedV1: self._handoff_status("rejected"),
            ev.HandoffCompletedV1: self._handoff_status("completed"),
            ev.HandoffEscalatedV1: self._handoff_escalated,
            ev.FollowupScheduledV1: self._followup_scheduled,
            ev.FollowupAttemptedV1: self._followup_attempted,
            ev.FollowupCompletedV1: self._followup_completed,
            ev.EpisodeClosedV1: self._closed,
        }

    def handlers(self) -> Handlers:
        """Every catalogued type: the timeline holds all of an episode's events, not only the ones it reacts to."""
        return dict.fromkeys(CATALOGUE.values(), self.apply)

    def apply(self, uow: UnitOfWork, envelope: Envelope) -> None:
        session = uow.session
        # The runtime applies one record at a time, so the measurements of this event can wait here.
        pending: list[tuple[str, float, EpisodeRow]] = []
        self._pending = pending
        session.add(
            EventRow(
                event_id=envelope.id,
                episode_id=envelope.episode_id,
                type=envelope.type,
                source=envelope.source,
                time=envelope.time,
                trace_id=trace_id(envelope),
                data=self._kept_data(envelope),
            )
        )
        apply = self._apply.get(type(envelope.data))
        episode = session.get(EpisodeRow, envelope.episode_id, with_for_update=True)
        if episode is None and apply is None:
            return  # only in the timeline (a referral's reminder, a consent): no episode is opened for it
        if episode is None:
            episode = EpisodeRow(episode_id=envelope.episode_id, updated_at=envelope.time)
        if apply is not None:
            apply(session, episode, envelope)
        episode.updated_at = max(episode.updated_at, envelope.time)
        session.add(episode)
        if pending and self.observe is not None:
            observe = self.observe

            def after_commit(_session: Session) -> None:
                for name, seconds, row in pending:
                    observe(name, seconds, row)

            sa_event.listen(session, "after_commit", after_commit, once=True)

    def _kept_data(self, envelope: Envelope) -> dict:
        data = envelope.data.model_dump(mode="json")
        if isinstance(envelope.data, ev.EpisodeTriagedV1):
            data["demographics"] = self._kept_demographics(envelope.data.demographics)
        return data

    def _kept_demographics(self, demographics: dict[str, str]) -> dict[str, str]:
        """Only the codes the county chose to report on are kept: less stored, less to re-identify."""
        return {k: v for k, v in sorted(demographics.items()) if k in set(self.settings.demographic_fields)}

    def _measure(self, name: str, start: datetime | None, end: datetime, episode: EpisodeRow) -> None:
        if start is not None:
            self._pending.append((name, max((end - start).total_seconds(), 0.0), episode))

    @staticmethod
    def _move_to(episode: EpisodeRow, stage: Stage) -> None:
        if episode.closed_at is None:
            episode.stage = stage

    # someone to contact
    def _contact_received(self, _s: Session, episode: EpisodeRow, envelope: Envelope) -> None:
        contact = envelope.data
        assert isinstance(contact, ev.ContactReceivedV1)
        if episode.contact_received_at is None:
            episode.contact_received_at = contact.received_at
            episode.channel = episode.channel or contact.channel
            episode.answered_after_seconds = contact.answered_after_seconds

    def _opened(self, _s: Session, episode: EpisodeRow, envelope: Envelope) -> None:
        opened = envelope.data
        assert isinstance(opened, ev.EpisodeOpenedV1)
        episode.opened_at = episode.opened_at or envelope.time
        episode.stage = episode.stage or opened.stage

    def _triaged(self, _s: Session, episode: EpisodeRow, envelope: Envelope) -> None:
        triaged = envelope.data
        assert isinstance(triaged, ev.EpisodeTriagedV1)
        episode.stage = triaged.stage
        episode.acuity = triaged.acuity
        episode.recommended_response = triaged.recommended_response
        episode.police_required = triaged.police_required
        if episode.triaged_at is None:  # the KPIs follow the episode's first contact
            episode.triaged_at = envelope.time
            episode.channel = triaged.channel
            episode.program = triaged.program
            episode.area = triaged.area
            episode.call_type = triaged.call_type
            episode.demographics = self._kept_demographics(triaged.demographics)
            self._measure("time_to_triage", episode.contact_received_at, envelope.time, episode)
            if episode.answered_after_seconds is not None:  # recorded once triage has named the program and area
                self._pending.append(("time_to_answer", float(episode.answered_after_seconds), episode))

    def _reopened(self, _s: Session, episode: EpisodeRow, envelope: Envelope) -> None:
        reopened = envelope.data
        assert isinstance(reopened, ev.EpisodeReopenedV1)
        self._move_to(episode, reopened.stage)

    # someone to respond
    def _assigned(self, session: Session, episode: EpisodeRow, envelope: Envelope) -> None:
        assigned = envelope.data
        assert isinstance(assigned, ev.ResponseAssignedV1)
        if episode.assigned_at is None:
            episode.assigned_at = envelope.time
            self._measure("time_to_assign", episode.triaged_at, envelope.time, episode)
        if episode.target_due is None and assigned.target_minutes is not None and episode.arrived_at is None:
            # A replacement team keeps the first one's deadline: the person has been waiting since then.
            episode.target_minutes = assigned.target_minutes
            episode.target_due = envelope.time + timedelta(minutes=assigned.target_minutes)
        if assigned.replaces is not None and episode.responder_id and episode.responder_id != assigned.responder_id:
            self._team(session, episode.responder_id, "available", envelope)
        episode.response_id = assigned.response_id
        episode.response_type = assigned.response_type
        episode.responder_id = assigned.responder_id
        episode.response_status = "assigned"
        episode.eta_minutes = assigned.eta_minutes
        self._team(session, assigned.responder_id, "assigned", envelope, assigned.response_type, assigned.response_id)

    def _updated(self, session: Session, episode: EpisodeRow, envelope: Envelope) -> None:
        updated = envelope.data
        assert isinstance(updated, ev.ResponseUpdatedV1)
        if episode.response_id in (None, updated.response_id):
            episode.response_status = updated.status
        if updated.status == "on_scene":
            self._arrived(episode, envelope)
        self._team(session, updated.responder_id, updated.status, envelope)

    def _arrived(self, episode: EpisodeRow, envelope: Envelope) -> None:
        if episode.arrived_at is None:
            episode.arrived_at = envelope.time
            self._measure("time_to_respond", episode.triaged_at, envelope.time, episode)

    def _escalated(self, _s: Session, episode: EpisodeRow, envelope: Envelope) -> None:
        escalated = envelope.data
        assert isinstance(escalated, ev.ResponseEscalatedV1)
        episode.escalated = escalated.reason
        if episode.target_due is None and escalated.target_minutes is not None and episode.arrived_at is None:
            episode.target_minutes = escalated.target_minutes
            episode.target_due = envelope.time + timedelta(minutes=escalated.target_minutes)

    def _deflected(self, _s: Session, episode: EpisodeRow, _e: Envelope) -> None:
        episode.deflected = True

    def _resolved(self, session: Session, episode: EpisodeRow, envelope: Envelope) -> None:
        resolved = envelope.data
        assert isinstance(resolved, ev.ResponseResolvedV1)
        self._arrived(episode, envelope)  # a peer on the phone reports no on_scene: resolving is responding
        episode.resolved_at = episode.resolved_at or envelope.time
        episode.response_status = "resolved"
        self._move_to(episode, Stage.POST_CRISIS)
        self._team(session, resolved.responder_id, "available", envelope)

    @staticmethod
    def _team(
        session: Session,
        responder_id: str,
        status: str,
        envelope: Envelope,
        response_type: str | None = None,
        response_id: UUID | None = None,
    ) -> None:
        team = session.get(TeamRow, responder_id, with_for_update=True)
        if team is None:
            team = TeamRow(responder_id=responder_id, status=status, updated_at=envelope.time)
        elif status != "assigned" and team.episode_id not in (None, envelope.episode_id):
            return  # a late word about an earlier episode does not hide the team's current one
        team.status = status
        if status == "assigned":
            team.episode_id, team.response_id, team.response_type = envelope.episode_id, response_id, response_type
        elif status == "available":
            team.episode_id, team.response_id = None, None
        team.updated_at = envelope.time
        session.add(team)

    # a safe place to go
    def _reserved(self, session: Session, episode: EpisodeRow, envelope: Envelope) -> None:
        reserved = envelope.data
        assert isinstance(reserved, ev.PlacementReservedV1)
        self._move_to(episode, Stage.STABILIZATION)
        if session.get(ReservationRow, reserved.reservation_id) is None:
            session.add(
                ReservationRow(
                    reservation_id=reserved.reservation_id,
                    episode_id=envelope.episode_id,
                    place_id=reserved.place_id,
                    place_type=reserved.place_type,
                    state="held",
                    hold_until=reserved.hold_until,
                    updated_at=envelope.time,
                )
            )

    @staticmethod
    def _bed(state: str) -> Callable[[Session, EpisodeRow, Envelope], None]:
        def apply(session: Session, _episode: EpisodeRow, envelope: Envelope) -> None:
            bed = envelope.data
            assert isinstance(bed, ev.PlacementAdmittedV1 | ev.PlacementReleasedV1 | ev.PlacementDischargedV1)
            row = session.get(ReservationRow, bed.reservation_id, with_for_update=True)
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
            session.add(row)

        return apply

    # warm handoffs
    def _handoff_requested(self, session: Session, _episode: EpisodeRow, envelope: Envelope) -> None:
        requested = envelope.data
        assert isinstance(requested, ev.HandoffRequestedV1)
        row = _handoff_row(session, requested.handoff_id, envelope, requested.status)
        row.from_party, row.to_party, row.kind = requested.from_party, requested.to_party, requested.kind
        row.requested_at = envelope.time
        row.accept_by = requested.accept_by
        session.add(row)

    @staticmethod
    def _handoff_status(status: str) -> Callable[[Session, EpisodeRow, Envelope], None]:
        def apply(session: Session, _episode: EpisodeRow, envelope: Envelope) -> None:
            handoff_id = envelope.data.handoff_id  # type: ignore[attr-defined]
            row = _handoff_row(session, handoff_id, envelope, status)
            row.status = status
            if status == "completed":
                row.completed_at = envelope.time
            row.updated_at = envelope.time
            session.add(row)

        return apply

    def _handoff_escalated(self, session: Session, _episode: EpisodeRow, envelope: Envelope) -> None:
        escalated = envelope.data
        assert isinstance(escalated, ev.HandoffEscalatedV1)
        row = session.get(HandoffRow, escalated.handoff_id, with_for_update=True)
        if row is not None:
            row.escalated = True
            row.updated_at = envelope.time
            session.add(row)

    # follow-up
    def _followup_scheduled(self, session: Session, episode: EpisodeRow, envelope: Envelope) -> None:
        scheduled = envelope.data
        assert isinstance(scheduled, ev.FollowupScheduledV1)
        if episode.followup_started_at is None:
            episode.followup_started_at = envelope.time
        if session.get(FollowupRow, scheduled.followup_id) is None:
            session.add(
                FollowupRow(
                    followup_id=scheduled.followup_id,
                    episode_id=envelope.episode_id,
                    sequence=scheduled.sequence,
                    due_at=scheduled.due_at,
                    channel=scheduled.channel,
                    recipient=scheduled.recipient,
                    assigned_peer=scheduled.assigned_peer,
                    status="scheduled",
                    updated_at=envelope.time,
                )
            )

    def _followup_attempted(self, session: Session, episode: EpisodeRow, envelope: Envelope) -> None:
        attempted = envelope.data
        assert isinstance(attempted, ev.FollowupAttemptedV1)
        row = session.get(FollowupRow, attempted.followup_id, with_for_update=True)
        if row is not None:
            row.attempts = max(row.attempts, attempted.attempts)
            row.updated_at = envelope.time
            session.add(row)
        if attempted.reached and episode.followup_reached_at is None:
            episode.followup_reached_at = envelope.time

    def _followup_completed(self, session: Session, episode: EpisodeRow, envelope: Envelope) -> None:
        completed = envelope.data
        assert isinstance(completed, ev.FollowupCompletedV1)
        row = session.get(FollowupRow, completed.followup_id, with_for_update=True)
        if row is not None:
            row.status = "completed" if completed.reached else "unreachable"
            row.attempts = max(row.attempts, completed.attempts)
            row.updated_at = envelope.time
            session.add(row)
        if completed.reached and episode.followup_reached_at is None:
            episode.followup_reached_at = envelope.time

    def _closed(self, _s: Session, episode: EpisodeRow, envelope: Envelope) -> None:
        closed = envelope.data
        assert isinstance(closed, ev.EpisodeClosedV1)
        episode.stage = Stage.CLOSED
        episode.closed_at = episode.closed_at or envelope.time
        episode.closure_reason = closed.reason


def _handoff_row(session: Session, handoff_id: UUID, envelope: Envelope, status: str) -> HandoffRow:
    """The handoff's row, locked; a new one when its request has not been seen yet (events may come out of order)."""
    row = session.get(HandoffRow, handoff_id, with_for_update=True)
    if row is None:
        row = HandoffRow(handoff_id=handoff_id, episode_id=envelope.episode_id, status=status, updated_at=envelope.time)
    return row
