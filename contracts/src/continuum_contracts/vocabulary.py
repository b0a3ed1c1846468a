"""Coded values shared by the events: codes only, never free text, so no PHI can ride on them."""

from enum import StrEnum


class Channel(StrEnum):
    """How the person or a partner reached the crisis system (someone to contact)."""

    CRISIS_LINE_CALL = "crisis_line_call"
    CRISIS_LINE_CHAT = "crisis_line_chat"
    CRISIS_LINE_TEXT = "crisis_line_text"
    WARMLINE_CALL = "warmline_call"
    WARMLINE_CHAT = "warmline_chat"
    WARMLINE_TEXT = "warmline_text"
    TRANSFER_911 = "911_transfer"
    REQUEST_311 = "311_request"
    POLICE_REFERRAL = "police_field_referral"
    EMERGENCY_DEPARTMENT = "emergency_department"
    STREET_OUTREACH = "street_outreach"
    WALK_IN = "walk_in"
    FOLLOWUP_CHECKIN = "followup_checkin"  # a peer's check-in found renewed risk


class Stage(StrEnum):
    """Where the episode stands on the crisis continuum (SAMHSA, Figure 2)."""

    PRE_CRISIS = "pre_crisis"
    SUB_ACUTE = "sub_acute"
    ACUTE = "acute"
    STABILIZATION = "stabilization"
    POST_CRISIS = "post_crisis"
    CLOSED = "closed"


class Acuity(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENT = "emergent"


class Need(StrEnum):
    MENTAL_HEALTH = "mental_health"
    SUBSTANCE_USE = "substance_use"
    HOUSING = "housing"
    BASIC_NEEDS = "basic_needs"
    MEDICAL = "medical"
    STABILIZATION = "stabilization"


class SafetyFlag(StrEnum):
    WEAPON = "weapon"
    VIOLENCE_IN_PROGRESS = "violence_in_progress"
    MEDICAL_EMERGENCY = "medical_emergency"
    IMMINENT_RISK_WITH_MEANS = "imminent_risk_with_means"


class ResponseType(StrEnum):
    """Least restrictive first: a peer, a mobile team, co-response, then police or EMS."""

    PEER_SUPPORT = "peer_support"
    MOBILE_TEAM = "mobile_team"
    CO_RESPONSE = "co_response"
    POLICE = "police"
    EMS = "ems"


class Disposition(StrEnum):
    """How a response ended, as the mobile-team app reports it."""

    RESOLVED_IN_PLACE = "resolved_in_place"
    TRANSPORTED_TO_STABILIZATION = "transported_to_stabilization"
    TRANSPORTED_TO_PEER_RESPITE = "transported_to_peer_respite"
    REFERRED = "referred"
    DECLINED_SERVICES = "declined_services"
    HOSPITALIZED = "hospitalized"
    POLICE_CUSTODY = "police_custody"


class PlaceType(StrEnum):
    STABILIZATION_UNIT = "stabilization_unit"
    PEER_RESPITE = "peer_respite"
    TWENTY_THREE_HOUR_BED = "23_hour_bed"
    DETOX = "detox"


class TaskStatus(StrEnum):
    """FHIR Task.status values, used for handoffs and referrals."""

    REQUESTED = "requested"
    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    FAILED = "failed"


class ReferralKind(StrEnum):
    HOUSING_COORDINATED_ENTRY = "housing_coordinated_entry"
    TREATMENT = "treatment"
    PEER_SUPPORT = "peer_support"


class FollowupChannel(StrEnum):
    PHONE = "phone"
    TEXT = "text"
    IN_PERSON = "in_person"
    VIDEO = "video"


class EscalationKind(StrEnum):
    """What a supervisor's "needs a human" queue holds: every way an obligation can fall short."""

    NO_TEAM = "no_team"  # no responder can go, or none can be there within the target
    NO_PLACE = "no_place"  # no place of the kind has room for the person a team is bringing (or it declined)
    TARGET_MISSED = "target_missed"
    TEAM_DROPPED_OUT = "team_dropped_out"  # offline or silent after acknowledging
    SAFETY_BACKUP_REQUESTED = "safety_backup_requested"
    HANDOFF_NOT_ACCEPTED = "handoff_not_accepted"
    HANDOFF_STALLED = "handoff_stalled"  # accepted, then the receiving partner stopped answering
    REFERRAL_UNANSWERED = "referral_unanswered"
    CHECKINS_EXHAUSTED = "checkins_exhausted"


class ClosureReason(StrEnum):
    PLAN_COMPLETE = "plan_complete"
    DECLINED_FURTHER_CONTACT = "declined_further_contact"
    QUIET_PERIOD_ELAPSED = "quiet_period_elapsed"


class DataCategory(StrEnum):
    """What a consent may cover and a disclosure may release: categories of a person's record, never the data."""

    IDENTITY = "identity"  # name, date of birth
    CONTACT_DETAILS = "contact_details"  # phone, address
    NEEDS = "needs"  # needs other than substance use
    CRISIS_PLAN = "crisis_plan"  # what the person asked of responders
    NOTES = "notes"  # contact notes, except those of substance-use contacts
    SUBSTANCE_USE = "substance_use"  # 42 CFR Part 2: the need itself and every note of a substance-use contact


class RecipientCategory(StrEnum):
    """Kinds of receiving partner a consent may name instead of a partner by name."""

    HOUSING = "housing"
    PEER_RESPITE = "peer_respite"
    STABILIZATION = "stabilization"
    CARE_NAVIGATION = "care_navigation"
    TREATMENT = "treatment"


class DisclosurePurpose(StrEnum):
    TREATMENT = "treatment"
    CARE_COORDINATION = "care_coordination"
    HOUSING_ASSISTANCE = "housing_assistance"
