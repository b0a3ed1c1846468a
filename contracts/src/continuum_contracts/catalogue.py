"""The catalogue: CloudEvents type name (carrying its major version) to payload model."""

from continuum_contracts import events as ev
from continuum_contracts.events import EventPayload

CATALOGUE: dict[str, type[EventPayload]] = {
    "continuum.contact.received.v1": ev.ContactReceivedV1,
    "continuum.episode.opened.v1": ev.EpisodeOpenedV1,
    "continuum.episode.triaged.v1": ev.EpisodeTriagedV1,
    "continuum.episode.reopened.v1": ev.EpisodeReopenedV1,
    "continuum.response.assigned.v1": ev.ResponseAssignedV1,
    "continuum.lawenforcement.deflected.v1": ev.LawEnforcementDeflectedV1,
    "continuum.lawenforcement.deflection_corrected.v1": ev.LawEnforcementDeflectionCorrectedV1,
    "continuum.response.updated.v1": ev.ResponseUpdatedV1,
    "continuum.response.escalated.v1": ev.ResponseEscalatedV1,
    "continuum.response.safety_changed.v1": ev.ResponseSafetyChangedV1,
    "continuum.response.replaced.v1": ev.ResponseReplacedV1,
    "continuum.response.cancelled.v1": ev.ResponseCancelledV1,
    "continuum.response.resolved.v1": ev.ResponseResolvedV1,
    "continuum.placement.reserved.v1": ev.PlacementReservedV1,
    "continuum.placement.admitted.v1": ev.PlacementAdmittedV1,
    "continuum.placement.released.v1": ev.PlacementReleasedV1,
    "continuum.placement.discharged.v1": ev.PlacementDischargedV1,
    "continuum.placement.unavailable.v1": ev.PlacementUnavailableV1,
    "continuum.handoff.requested.v1": ev.HandoffRequestedV1,
    "continuum.handoff.accepted.v1": ev.HandoffAcceptedV1,
    "continuum.handoff.declined.v1": ev.HandoffDeclinedV1,
    "continuum.handoff.escalated.v1": ev.HandoffEscalatedV1,
    "continuum.handoff.completed.v1": ev.HandoffCompletedV1,
    "continuum.handoff.received.v1": ev.HandoffReceivedV1,
    "continuum.handoff.started.v1": ev.HandoffStartedV1,
    "continuum.handoff.cancelled.v1": ev.HandoffCancelledV1,
    "continuum.consent.recorded.v1": ev.ConsentRecordedV1,
    "continuum.consent.revoked.v1": ev.ConsentRevokedV1,
    "continuum.disclosure.recorded.v1": ev.DisclosureRecordedV1,
    "continuum.referral.sent.v1": ev.ReferralSentV1,
    "continuum.referral.result.v1": ev.ReferralResultRecordedV1,
    "continuum.referral.reminded.v1": ev.ReferralReminderSentV1,
    "continuum.referral.escalated.v1": ev.ReferralEscalatedV1,
    "continuum.referral.closed.v1": ev.ReferralClosedV1,
    "continuum.referral.handed_on.v1": ev.ReferralHandedOnV1,
    "continuum.referral.kept_open.v1": ev.ReferralKeptOpenV1,
    "continuum.followup.scheduled.v1": ev.FollowupScheduledV1,
    "continuum.followup.attempted.v1": ev.FollowupAttemptedV1,
    "continuum.followup.completed.v1": ev.FollowupCompletedV1,
    "continuum.followup.risk_found.v1": ev.FollowupRiskFoundV1,
    "continuum.followup.cancelled.v1": ev.FollowupCancelledV1,
    "continuum.reengagement.requested.v1": ev.ReengagementRequestedV1,
    "continuum.escalation.acknowledged.v1": ev.EscalationAcknowledgedV1,
    "continuum.escalation.resolved.v1": ev.EscalationResolvedV1,
    "continuum.episode.closed.v1": ev.EpisodeClosedV1,
}

_TYPE_OF = {model: name for name, model in CATALOGUE.items()}


def model_for(event_type: str) -> type[EventPayload] | None:
    return CATALOGUE.get(event_type)


def event_type_of(payload: EventPayload) -> str:
    return _TYPE_OF[type(payload)]


def type_name_of(model: type[EventPayload]) -> str:
    """The catalogued type name of a payload class; a class outside the catalogue is a programming error."""
    try:
        return _TYPE_OF[model]
    except KeyError:
        raise KeyError(f"{model.__name__} is not in the event catalogue") from None
