"""Payload models of the episode events, one class per type and major version.

Within a version a model may only gain optional fields; a breaking change is a new class
(``...V2``) produced beside the old one. The episode id is the CloudEvents ``subject`` and is
not repeated here. No field may carry PHI: people appear only as a pseudonymous ``person_id``.
"""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from continuum_contracts.vocabulary import (
    Acuity,
    Channel,
    ClosureReason,
    DataCategory,
    DisclosurePurpose,
    Disposition,
    EscalationKind,
    FollowupChannel,
    Need,
    PlaceType,
    RecipientCategory,
    ReferralKind,
    ResponseType,
    SafetyFlag,
    Stage,
    TaskStatus,
)

CODE_PATTERN = r"^[A-Za-z0-9_.:\-]+$"
Code = Field(max_length=64, pattern=CODE_PATTERN)
CodeStr = Annotated[str, StringConstraints(max_length=64, pattern=CODE_PATTERN)]


class EventPayload(BaseModel):
    # A tolerant reader: a consumer still on an older minor shape ignores fields added since.
    model_config = ConfigDict(extra="ignore", frozen=True)


class CrisisPreferences(BaseModel):
    """What the person's crisis plan (WRAP, psychiatric advance directive) asks of responders, as codes."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    peer_preferred: bool = False
    language: CodeStr | None = None
    preferred_place: CodeStr | None = None
    helps: list[CodeStr] = []
    avoid: list[CodeStr] = []


class ContactReceivedV1(EventPayload):
    """A partner handed Continuum a crisis contact (someone to contact)."""

    contact_id: UUID
    person_id: UUID
    channel: Channel
    partner_id: str = Code
    received_at: datetime
    answered_after_seconds: int | None = Field(
        default=None, ge=0, description="how long the person waited before someone answered (the line's measure)"
    )


class EpisodeOpenedV1(EventPayload):
    person_id: UUID
    stage: Stage
    contact_id: UUID


class EpisodeTriagedV1(EventPayload):
    """Triage's decision, with the reasons behind it as codes."""

    contact_id: UUID
    channel: Channel
    stage: Stage
    acuity: Acuity
    needs: list[Need] = []
    safety_flags: list[SafetyFlag] = []
    recommended_response: ResponseType
    police_required: bool
    reasons: list[CodeStr] = Field(default=[], description="reason codes, never free text")
    call_type: CodeStr | None = None
    program: CodeStr | None = Field(default=None, description="the county program the contact came through")
    area: CodeStr | None = Field(default=None, description="the county's response area of the incident")
    grid: CodeStr | None = Field(
        default=None, description="geohash cell (precision 5, about 5 km) of the incident: never the address"
    )
    preferences: CrisisPreferences | None = None
    demographics: dict[CodeStr, CodeStr] = Field(
        default={}, description="the coarse demographic codes a county chooses to collect, e.g. age_band"
    )
    returning: bool = Field(default=False, description="a new contact on an episode that was already open")


class ResponseAssignedV1(EventPayload):
    response_id: UUID
    response_type: ResponseType
    responder_id: str = Code
    with_peer: bool
    eta_minutes: int = Field(ge=0)
    target_minutes: int | None = Field(default=None, ge=0, description="the area's response-time target")
    replaces: UUID | None = Field(default=None, description="the response this one replaces")
    reason: CodeStr | None = Field(default=None, description="why it replaces another, e.g. not_acknowledged")
    backs_up: UUID | None = Field(
        default=None, description="the response on scene this one was sent to back up (a safety change)"
    )
    requested_by: CodeStr | None = Field(
        default=None, description="the partner on scene who asked for it, e.g. a police unit asking for a team"
    )


class ResponseUpdatedV1(EventPayload):
    """The mobile-team app moved a response on: acknowledged, en_route or on_scene."""

    response_id: UUID
    responder_id: str = Code
    status: CodeStr


class ResponseEscalatedV1(EventPayload):
    """No responder can meet the target (or none acknowledged): a supervisor or a neighbour must act."""

    response_id: UUID | None = None
    reason: CodeStr
    response_type: ResponseType
    area: CodeStr | None = None
    target_minutes: int | None = Field(default=None, ge=0)
    best_eta_minutes: int | None = Field(default=None, ge=0)
    gap_minutes: int | None = Field(default=None, ge=0)


class ResponseSafetyChangedV1(EventPayload):
    """The team on scene reported a change of safety (violence, a weapon, a medical emergency) from its app."""

    response_id: UUID
    responder_id: str = Code
    change: SafetyFlag
    reason: CodeStr = Field(description="the team's reason, as a code")
    backup: ResponseType | None = Field(default=None, description="the backup requested by the least-restrictive rules")
    peer_stepped_back: bool = Field(default=False, description="the team's peer stepped back from any coercive role")


class ResponseReplacedV1(EventPayload):
    """A team dropped out (went offline, or stopped answering) and another took its response over."""

    response_id: UUID
    responder_id: str = Code
    reason: CodeStr = Field(description="e.g. team_offline, no_update_after_acknowledgement, not_acknowledged")
    replaced_by: UUID | None = Field(default=None, description="the new response, when a team could take it")
    replacement_responder_id: CodeStr | None = None


class ResponseCancelledV1(EventPayload):
    """A live response that will not go on (e.g. the episode closed while a team was still assigned)."""

    response_id: UUID
    responder_id: str = Code
    reason: CodeStr


class LawEnforcementDeflectionCorrectedV1(EventPayload):
    """A deflection recorded for a call no longer holds (police were needed after all): reports stop counting it."""

    response_id: UUID | None = None
    call_type: CodeStr | None = None
    reason: CodeStr


class LawEnforcementDeflectedV1(EventPayload):
    """Police were not sent because the situation did not require them."""

    response_id: UUID
    channel: Channel
    call_type: CodeStr | None = None
    reason: str = Code


class ResponseResolvedV1(EventPayload):
    response_id: UUID
    responder_id: str = Code
    disposition: Disposition
    needs: list[Need] = []


class PlacementReservedV1(EventPayload):
    reservation_id: UUID
    response_id: UUID
    responder_id: str = Code
    place_id: str = Code
    place_type: PlaceType
    hold_until: datetime


class PlacementAdmittedV1(EventPayload):
    reservation_id: UUID
    place_id: str = Code
    place_type: PlaceType


class PlacementReleasedV1(EventPayload):
    """A held bed went back to the pool: nobody arrived before the hold ran out, or it was cancelled."""

    reservation_id: UUID
    place_id: str = Code
    place_type: PlaceType
    reason: CodeStr


class PlacementDischargedV1(EventPayload):
    reservation_id: UUID
    place_id: str = Code
    place_type: PlaceType


class PlacementUnavailableV1(EventPayload):
    """No safe place to go for the person a team is bringing: every accepting place of the type is full, or the
    place declined the handoff and no other has room. A supervisor must find one (the board's "no place" item)."""

    response_id: UUID
    responder_id: str = Code
    place_type: PlaceType
    reason: CodeStr = Field(description="no_place_with_room, or declined_and_no_other_place")
    declined_by: CodeStr | None = Field(default=None, description="the place that declined the handoff, if one did")


class EpisodeReopenedV1(EventPayload):
    """A person already in an open episode made contact again; the episode moves back along the continuum."""

    contact_id: UUID
    previous_stage: Stage
    stage: Stage


class HandoffRequestedV1(EventPayload):
    handoff_id: UUID
    from_party: str = Code
    to_party: str = Code
    warm: bool = True
    status: TaskStatus = TaskStatus.REQUESTED
    kind: CodeStr | None = Field(default=None, description="e.g. pre_arrest_diversion, team_to_stabilization")
    accept_by: datetime | None = Field(default=None, description="escalates if not accepted by then")


class HandoffAcceptedV1(EventPayload):
    handoff_id: UUID
    accepted_by: str = Code
    status: TaskStatus = TaskStatus.ACCEPTED
    no_booking: bool = Field(default=False, description="pre-arrest diversion: the person was not booked")


class HandoffDeclinedV1(EventPayload):
    handoff_id: UUID
    declined_by: str = Code
    reason: CodeStr
    status: TaskStatus = TaskStatus.REJECTED


class HandoffEscalatedV1(EventPayload):
    """A handoff nobody accepted in time: the sender (e.g. the officer's system) and a supervisor must act."""

    handoff_id: UUID
    to_party: str = Code
    reason: CodeStr
    waited_minutes: int = Field(ge=0)


class HandoffCompletedV1(EventPayload):
    handoff_id: UUID
    status: TaskStatus = TaskStatus.COMPLETED


class HandoffReceivedV1(EventPayload):
    """The receiving partner has seen the request (FHIR received); acceptance is still to come."""

    handoff_id: UUID
    received_by: str = Code
    status: TaskStatus = TaskStatus.RECEIVED


class HandoffStartedV1(EventPayload):
    """The receiving partner has the person with them (FHIR in-progress)."""

    handoff_id: UUID
    started_by: str = Code
    status: TaskStatus = TaskStatus.IN_PROGRESS


class HandoffCancelledV1(EventPayload):
    """A handoff that will not happen any more (e.g. the episode closed, the bed was released)."""

    handoff_id: UUID
    reason: CodeStr
    status: TaskStatus = TaskStatus.CANCELLED


class ConsentRecordedV1(EventPayload):
    """The person consented to share categories of their record; the record itself never travels on Kafka."""

    consent_id: UUID
    person_id: UUID
    scope: list[DataCategory]
    recipients: list[CodeStr] = Field(default=[], description="named partner ids")
    recipient_categories: list[RecipientCategory] = []
    purpose: DisclosurePurpose
    expires_at: datetime
    part2: bool = Field(description="a 42 CFR Part 2 consent: may cover substance-use information")


class ConsentRevokedV1(EventPayload):
    consent_id: UUID
    person_id: UUID
    revoked_at: datetime


class DisclosureRecordedV1(EventPayload):
    """Intake answered a disclosure request: which categories went to whom under which consents, or a refusal."""

    disclosure_id: UUID
    recipient: str = Code
    purpose: DisclosurePurpose
    released: list[DataCategory] = []
    withheld: list[DataCategory] = []
    consent_ids: list[UUID] = []
    outcome: CodeStr = Field(description="released or refused")


class ReferralSentV1(EventPayload):
    referral_id: UUID
    kind: ReferralKind
    to_party: str = Code
    status: TaskStatus = TaskStatus.REQUESTED
    replaces: UUID | None = Field(default=None, description="the unanswered referral this one was reassigned from")
    hmis_event: CodeStr | None = Field(default=None, description="HMIS 4.20 Coordinated Entry Event code")
    living_situation: CodeStr | None = Field(default=None, description="HMIS 4.12 Current Living Situation code")


class ReferralResultRecordedV1(EventPayload):
    """The receiving partner reported the referral's result (HMIS 4.20 referral result and date)."""

    referral_id: UUID
    result: CodeStr
    result_date: datetime
    status: TaskStatus


class ReferralEscalatedV1(EventPayload):
    """Every reminder went unanswered: a supervisor must resolve the referral (reassign, close, or keep it open)."""

    referral_id: UUID
    to_party: str = Code
    reason: CodeStr
    reminders: int = Field(ge=0)
    waited_hours: int = Field(ge=0)


class ReferralClosedV1(EventPayload):
    """A referral ended without a result from the partner: cancelled at closure, reassigned, or closed by a human."""

    referral_id: UUID
    reason: CodeStr
    status: TaskStatus = TaskStatus.CANCELLED
    replaced_by: UUID | None = Field(default=None, description="the referral sent instead, when it was reassigned")
    closed_by: CodeStr | None = Field(default=None, description="the supervisor, when a human closed it")


class ReferralHandedOnV1(EventPayload):
    """The episode closed with the referral still open: a named owner carries it on."""

    referral_id: UUID
    owner: str = Code
    reason: CodeStr


class ReferralKeptOpenV1(EventPayload):
    """A supervisor chose to keep an unanswered referral open, until a review time."""

    referral_id: UUID
    kept_by: str = Code
    reason: CodeStr
    review_at: datetime


class ReferralReminderSentV1(EventPayload):
    referral_id: UUID
    to_party: str = Code
    reminder: int = Field(ge=1)


class FollowupScheduledV1(EventPayload):
    followup_id: UUID
    sequence: int = Field(ge=1)
    due_at: datetime
    channel: FollowupChannel
    recipient: CodeStr | None = Field(default=None, description="person, or family for a caregiver's support")
    assigned_peer: str = Code


class FollowupCompletedV1(EventPayload):
    followup_id: UUID
    sequence: int = Field(ge=1)
    reached: bool
    attempts: int = Field(ge=1)


class FollowupAttemptedV1(EventPayload):
    followup_id: UUID
    sequence: int = Field(ge=1)
    reached: bool
    attempts: int = Field(ge=1)
    channel: FollowupChannel
    wellbeing: CodeStr | None = None
    new_needs: list[Need] = []


class FollowupCancelledV1(EventPayload):
    """A scheduled check-in that will not happen, with the reason (the episode reopened, or it closed)."""

    followup_id: UUID
    sequence: int = Field(ge=1)
    reason: CodeStr


class ReengagementRequestedV1(EventPayload):
    """Every attempt to reach the person failed (attempts_exhausted), or the peer made none in time
    (checkin_overdue, attempts 0): outreach should try in person. The episode stays open."""

    followup_id: UUID
    attempts: int = Field(ge=0)
    reason: CodeStr


class FollowupRiskFoundV1(EventPayload):
    """A check-in found renewed risk: intake records it as a new contact on the same episode."""

    followup_id: UUID
    safety_flags: list[SafetyFlag] = []
    needs: list[Need] = []


class EscalationAcknowledgedV1(EventPayload):
    """A supervisor took an item of the "needs a human" queue in hand."""

    escalation_id: str = Field(max_length=64, pattern=CODE_PATTERN, description="the escalating event's id")
    kind: EscalationKind
    by: str = Code


class EscalationResolvedV1(EventPayload):
    """A supervisor resolved an item of the "needs a human" queue, with how."""

    escalation_id: str = Field(max_length=64, pattern=CODE_PATTERN, description="the escalating event's id")
    kind: EscalationKind
    by: str = Code
    resolution: CodeStr = Field(description="e.g. reassigned, closed, kept_open, backup_arrived, handled")
    to_party: CodeStr | None = Field(default=None, description="the partner a referral is reassigned to")


class EpisodeClosedV1(EventPayload):
    reason: ClosureReason
