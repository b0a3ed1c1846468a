"""What the two contact surfaces (typed and CloudEvents) share: the checks before a contact is taken, and the answer."""

from uuid import UUID

from continuum_contracts.vocabulary import Acuity, ResponseType, Stage
from pydantic import BaseModel

from continuum_intake.api.auth import AuthenticatedPartner
from continuum_intake.api.validation import Loc, check_call_type, check_demographics
from continuum_intake.parts import IntakeParts
from continuum_intake.reception import NewContact
from continuum_intake.store import Contact

BODY: Loc = ("body",)


class TriageOut(BaseModel):
    stage: Stage
    acuity: Acuity
    recommended_response: ResponseType
    police_required: bool
    reasons: list[str]
    program: str | None
    area: str | None
    grid: str | None


class ContactAccepted(BaseModel):
    contact_id: UUID
    episode_id: UUID
    person_id: UUID
    joined: bool
    triage: TriageOut

    @classmethod
    def of(cls, contact: Contact) -> "ContactAccepted":
        return cls(
            contact_id=contact.contact_id,
            episode_id=contact.episode_id,
            person_id=contact.person_id,
            joined=contact.joined,
            triage=TriageOut(
                stage=contact.stage,
                acuity=contact.acuity,
                recommended_response=contact.recommended_response,
                police_required=contact.police_required,
                reasons=contact.reasons,
                program=contact.program,
                area=contact.area,
                grid=contact.grid,
            ),
        )


def check_contact(
    partner: AuthenticatedPartner, parts: IntakeParts, new: NewContact, *, call_type_at: Loc, body_at: Loc = BODY
) -> None:
    """403 outside the partner's channels, 422 for a code the county does not use; nothing is stored."""
    partner.require_channel(new.channel)
    check_call_type(new.call_type, parts.call_types, call_type_at)
    check_demographics(new.demographics, parts.demographic_fields, (*body_at, "demographics"))
