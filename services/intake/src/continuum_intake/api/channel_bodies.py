"""The request body of each partner channel, in the field's own standard where it has one.

911 CAD transfers follow NENA EIDO (incident tracking id, call type, priority, location); 311
requests follow Open311 GeoReport v2 (service_request_id, service_code, lat, long, address_string).
Every body shares the caller, safety, needs, stage, note and demographics fields.
"""

from enum import StrEnum

from continuum_contracts.vocabulary import Channel, Need, SafetyFlag, Stage
from continuum_kit.strict_types import IsoDate
from pydantic import BaseModel, ConfigDict, Field, model_validator

from continuum_intake.coarse_location import Location
from continuum_intake.config import Code
from continuum_intake.matching import Caller
from continuum_intake.reception import NewContact


class CallerIn(BaseModel):
    """Personal details: kept encrypted in intake's person vault, never on an event."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    date_of_birth: IsoDate | None = None
    address: str | None = Field(default=None, max_length=400)


class SafetyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)  # true or false: not 1, "yes" or "on"
    weapon: bool = False
    violence_in_progress: bool = False
    medical_emergency: bool = False
    imminent_risk_with_means: bool = False

    def flags(self) -> frozenset[SafetyFlag]:
        return frozenset(SafetyFlag(name) for name, value in self.model_dump().items() if value)


class LocationIn(BaseModel):
    """Where the person is (EIDO location): kept encrypted; events carry only the area and a ~5 km cell."""

    model_config = ConfigDict(extra="forbid")
    latitude: float = Field(strict=True, ge=-90, le=90)
    longitude: float = Field(strict=True, ge=-180, le=180)
    uncertainty_m: float | None = Field(strict=True, default=None, ge=0, description="radius of uncertainty, metres")

    def point(self) -> Location:
        return Location(self.latitude, self.longitude, self.uncertainty_m)


class ContactFields(BaseModel):
    """What every channel sends about the person and the situation."""

    model_config = ConfigDict(extra="forbid")
    caller: CallerIn | None = None
    safety: SafetyIn = SafetyIn()
    needs: list[Need] = []
    reported_stage: Stage | None = None
    note: str | None = Field(default=None, max_length=4000, description="free text: stays encrypted in intake")
    demographics: dict[Code, Code] = Field(
        default={}, description="coarse codes the county collects (settings.demographic_fields), e.g. age_band"
    )
    answered_after_seconds: int | None = Field(
        strict=True,
        default=None,
        ge=0,
        le=86_400,
        description="how long the person waited before a counselor or peer answered, as the line measures it "
        "(its ACD or chat queue): the county's speed to answer",
    )

    def contact(
        self,
        channel: Channel,
        partner_id: str,
        *,
        call_type: str | None = None,
        location: LocationIn | None = None,
        place: str | None = None,
        codes: dict[str, str | int | None] | None = None,
    ) -> NewContact:
        caller = self.caller or CallerIn()
        return NewContact(
            channel=channel,
            partner_id=partner_id,
            safety_flags=self.safety.flags(),
            needs=frozenset(self.needs),
            reported_stage=self.reported_stage,
            call_type=call_type,
            caller=Caller(caller.name, caller.phone, caller.date_of_birth, caller.address),
            location=location.point() if location else None,
            place=place,
            note=self.note,
            demographics=dict(self.demographics),
            partner_codes={k: v for k, v in (codes or {}).items() if v is not None},
            answered_after_seconds=self.answered_after_seconds,
        )


class Medium(StrEnum):
    CALL = "call"
    CHAT = "chat"
    TEXT = "text"


CRISIS_LINE = {
    Medium.CALL: Channel.CRISIS_LINE_CALL,
    Medium.CHAT: Channel.CRISIS_LINE_CHAT,
    Medium.TEXT: Channel.CRISIS_LINE_TEXT,
}
WARMLINE = {Medium.CALL: Channel.WARMLINE_CALL, Medium.CHAT: Channel.WARMLINE_CHAT, Medium.TEXT: Channel.WARMLINE_TEXT}


class CrisisLineContact(ContactFields):
    """A 988 or crisis-line contact."""

    medium: Medium


class WarmlineContact(ContactFields):
    """A peer warmline contact: answered by trained peers, by call, chat or text."""

    medium: Medium


class Transfer911(ContactFields):
    """A 911 CAD transfer, in NENA EIDO terms."""

    incident_tracking_id: Code = Field(description="the CAD's incident tracking identifier")
    call_type_code: Code = Field(description="one of the county's call types (settings.call_types)")
    priority: int | None = Field(strict=True, default=None, ge=1, le=5, description="CAD priority, 1 highest")
    location: LocationIn | None = None


class Request311(ContactFields):
    """A 311 service request, in Open311 GeoReport v2 terms."""

    service_request_id: Code
    service_code: Code = Field(description="one of the county's call types (settings.call_types)")
    lat: float | None = Field(strict=True, default=None, ge=-90, le=90)
    long: float | None = Field(strict=True, default=None, ge=-180, le=180)
    address_string: str | None = Field(default=None, max_length=400, description="stays encrypted in intake")

    @model_validator(mode="after")
    def _lat_and_long_together(self) -> "Request311":
        if (self.lat is None) != (self.long is None):
            raise ValueError("lat and long come together")
        return self

    def location(self) -> LocationIn | None:
        if self.lat is None or self.long is None:
            return None
        return LocationIn(latitude=self.lat, longitude=self.long)


class PoliceReferral(ContactFields):
    """An officer's field referral instead of an arrest (pre-arrest diversion)."""

    officer_agency: Code
    offence_code: Code | None = Field(default=None, description="the charge that was diverted, as a code")
    location: LocationIn | None = None


class EmergencyDepartmentContact(ContactFields):
    facility: Code


class StreetOutreachContact(ContactFields):
    location: LocationIn | None = None


class WalkInContact(ContactFields):
    site: Code


class GenericContact(ContactFields):
    """A contact from a partner that names the channel itself."""

    channel: Channel
    call_type: Code | None = Field(default=None, description="one of the county's call types, if any")
    location: LocationIn | None = None

    def new_contact(self, partner_id: str) -> NewContact:
        return self.contact(self.channel, partner_id, call_type=self.call_type, location=self.location)
