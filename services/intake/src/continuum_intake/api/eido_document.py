"""A 911 CAD's NENA EIDO document (NENA-STA-021.1, Emergency Incident Data Object), as intake reads it.

The components and properties carry the standard's JSON names, so a 422 names the EIDO path (``$id``,
``incidentComponent.incidentTypeCommonRegistryText``, ``locationComponent.0.locationByValue``). Intake reads
the header's ``$id`` (the Incident Tracking Identifier), the incident, locations, persons, their call backs,
the items they carry, and notes; every other component or property is accepted and ignored.

The contact: the incident type (the EIDO-IncidentType-Common registry, APCO ANS 2.103.2) through the county's
``eido_incident_types`` to one of its call types; the incident's common priority; the best location (current
incident, initial incident, caller, routing) as a point and a civic address; the person in crisis (the patient,
else the involved person, else the caller) with the name and the ``tel:`` call back; the notes. Names, numbers,
addresses, coordinates and notes stay in intake's vault. The safety flags: the incident type and the persons'
items, as ``eido_safety`` reads them.
"""

from typing import Any, Literal

from continuum_contracts.vocabulary import Channel, SafetyFlag
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from continuum_intake.api.eido_safety import INCIDENT_TYPE_SAFETY
from continuum_intake.api.validation import Loc, invalid
from continuum_intake.coarse_location import Location
from continuum_intake.matching import Caller
from continuum_intake.pidf_lo import PidfLocation, read_pidf_lo
from continuum_intake.reception import NewContact

OPEN = ConfigDict(extra="allow")  # the standard's other properties, and extensions, are accepted
INCIDENT_TYPE_AT: Loc = ("body", "incidentComponent", "incidentTypeCommonRegistryText")
LOCATION_TYPES = ("CurrentIncident", "InitialIncident", "Caller", "RoutingLocation", "Other")  # best first
PERSON_ROLES = ("patient", "involvedperson", "caller", "reportingparty")  # the person in crisis, likeliest first
MAX_NOTE = 16_000


class Reference(BaseModel):
    model_config = OPEN
    ref: str = Field(alias="$ref", min_length=1, max_length=256, description="the $id of a component")


class Component(BaseModel):
    """The prologue of a data component, as far as intake reads it."""

    model_config = OPEN
    id: str = Field(alias="$id", min_length=1, max_length=256)


class IncidentComponent(Component):
    incident_type: str = Field(
        alias="incidentTypeCommonRegistryText",
        min_length=1,
        max_length=64,
        description="an EIDO-IncidentType-Common value (e.g. EDP, MNTL, SUICTHRT, WELFARE): "
        "settings.eido_incident_types maps it to one of the county's call types",
    )
    priority: int | None = Field(alias="incidentCommonPriorityNumber", default=None, strict=True, ge=0, le=2**31 - 1)


class CallbackComponent(Component):
    uris: list[str] = Field(alias="callBackInformationUri", default=[], max_length=20)

    @field_validator("uris")
    @classmethod
    def _short(cls, uris: list[str]) -> list[str]:
        if any(len(uri) > 256 for uri in uris):
            raise ValueError("a call back URI is longer than 256 characters")
        return uris


class LocationComponent(Component):
    location_type: str = Field(alias="locationTypeDescriptionRegistryText", min_length=1, max_length=64)
    by_value: str | None = Field(
        alias="locationByValue", default=None, description="a PIDF-LO (civic or geodetic): stays encrypted in intake"
    )
    by_reference: str | None = Field(alias="locationByReferenceUrl", default=None, max_length=2048)

    @field_validator("by_value")
    @classmethod
    def _is_pidf_lo(cls, document: str | None) -> str | None:
        if document is not None:
            read_pidf_lo(document)  # PidfLoError, a ValueError, names the rule: never the location
        return document

    @model_validator(mode="after")
    def _by_value_or_by_reference(self) -> "LocationComponent":
        if (self.by_value is None) == (self.by_reference is None):
            raise ValueError("exactly one of locationByValue and locationByReferenceUrl")
        return self

    def pidf(self) -> PidfLocation | None:
        return read_pidf_lo(self.by_value) if self.by_value is not None else None


class NameText(BaseModel):
    model_config = OPEN
    value: str = Field(max_length=200)


class PersonName(BaseModel):
    model_config = OPEN
    given: list[NameText] = Field(alias="personGivenName", default=[], max_length=5)
    middle: list[NameText] = Field(alias="personMiddleName", default=[], max_length=5)
    surname: list[NameText] = Field(alias="personSurName", default=[], max_length=5)
    full: list[NameText] = Field(alias="personFullName", default=[], max_length=5)

    def text(self) -> str | None:
        if self.full:
            return self.full[0].value
        return " ".join(part.value for part in (*self.given, *self.middle, *self.surname)) or None


class NcPerson(BaseModel):
    model_config = OPEN
    name: list[PersonName] = Field(default=[], max_length=5)


class PersonComponent(Component):
    roles: list[str] = Field(alias="personIncidentRoleRegistryText", min_length=1, max_length=20)
    nc_person: NcPerson | None = Field(alias="ncPersonComponent", default=None)
    call_back: Reference | None = Field(alias="callBackReference", default=None)
    items: list[Reference] = Field(
        alias="itemReference", default=[], max_length=100, description="items the person carries or can reach"
    )


class XsBoolean(BaseModel):
    """A NIEM ``niem-xs:boolean``: ``{"value": true}``."""

    model_config = OPEN
    value: bool = Field(strict=True)  # true or false: not 1 or "yes", as the typed body's safety


class NcItem(BaseModel):
    """A NIEM ``nc:ItemType``, as far as intake reads it: whether the item is, or is used as, a weapon."""

    model_config = OPEN
    is_weapon: list[XsBoolean] = Field(alias="isWeapon", default=[], max_length=10)
    is_weapon_usage: list[XsBoolean] = Field(alias="isWeaponUsage", default=[], max_length=10)

    def weapon(self) -> bool:
        return any(indicator.value for indicator in (*self.is_weapon, *self.is_weapon_usage))


class ItemComponent(Component):
    """An Item data component (NENA-STA-021.1.1 draft): a firearm or other weapon, medical equipment, ..."""

    nc_item: NcItem | None = Field(alias="ncItemType", default=None)


class NotesComponent(Component):
    comments: str = Field(alias="notesActionComments", max_length=MAX_NOTE, description="stays encrypted in intake")


class EidoDocument(BaseModel):
    """An Emergency Incident Data Object (NENA-STA-021.1): the components intake reads; the others are accepted."""

    model_config = ConfigDict(extra="allow", title="EmergencyIncidentDataObject")
    id: str = Field(
        alias="$id",
        pattern=r"^[\x21-\x7e]{1,160}$",
        description="the Incident Tracking Identifier (NENA-STA-010), e.g. urn:emergency:uid:incidentid:...: a "
        "repeated one gets the first answer",
    )
    version: Literal["1.0"] = Field(alias="eidoVersion")
    issuing_element: str = Field(alias="issuingElementIdentification", min_length=1, max_length=256)
    agencies: list[dict[str, Any]] = Field(alias="agencyComponent", max_length=100)
    incident: IncidentComponent | None = Field(alias="incidentComponent", default=None)
    callbacks: list[CallbackComponent] = Field(alias="callbackComponent", default=[], max_length=100)
    locations: list[LocationComponent] = Field(alias="locationComponent", default=[], max_length=100)
    persons: list[PersonComponent] = Field(alias="personComponent", default=[], max_length=100)
    items: list[ItemComponent] = Field(
        alias="itemComponent",
        default=[],
        max_length=100,
        description="the Item data components (NENA-STA-021.1.1 draft), which persons' itemReference name",
    )
    notes: list[NotesComponent] = Field(alias="notesComponent", default=[], max_length=100)

    def call_type(self, incident_types: dict[str, str]) -> str | None:
        if self.incident is None:
            return None
        if (call_type := incident_types.get(self.incident.incident_type)) is None:
            raise invalid(INCIDENT_TYPE_AT, "not an incident type the county maps to a call type (eido_incident_types)")
        return call_type

    def where(self) -> tuple[Location | None, str | None]:
        """The point and the civic address of the best located component of each."""
        ranked = sorted(
            (c for c in self.locations if c.location_type in LOCATION_TYPES),
            key=lambda c: LOCATION_TYPES.index(c.location_type),
        )
        found = [pidf for pidf in (c.pidf() for c in ranked) if pidf is not None]
        point = next((f.point for f in found if f.point is not None), None)
        return point, next((f.civic_address for f in found if f.civic_address is not None), None)

    def _phone(self, at: int, person: PersonComponent) -> str | None:
        if person.call_back is None:
            return None
        callback = next((c for c in self.callbacks if c.id == person.call_back.ref), None)
        if callback is None:
            loc = ("body", "personComponent", at, "callBackReference", "$ref")
            raise invalid(loc, "no callbackComponent has this $id")
        tel = next((uri for uri in callback.uris if uri.lower().startswith("tel:")), None)
        return tel[4:].split(";", 1)[0][:40] if tel else None

    def caller(self) -> Caller:
        def rank(item: tuple[int, PersonComponent]) -> int:
            roles = {role.lower() for role in item[1].roles}
            return next((i for i, role in enumerate(PERSON_ROLES) if role in roles), len(PERSON_ROLES))

        if not self.persons:
            return Caller()
        at, person = min(enumerate(self.persons), key=rank)
        names = person.nc_person.name if person.nc_person else []
        return Caller(names[0].text() if names else None, self._phone(at, person))

    def safety_flags(self) -> frozenset[SafetyFlag]:
        flags = INCIDENT_TYPE_SAFETY.get(self.incident.incident_type, frozenset()) if self.incident else frozenset()
        carried = {reference.ref for person in self.persons for reference in person.items}
        armed = any(item.id in carried and item.nc_item is not None and item.nc_item.weapon() for item in self.items)
        return (flags | {SafetyFlag.WEAPON}) if armed else flags

    def note(self) -> str | None:
        return "\n\n".join(n.comments for n in self.notes)[:MAX_NOTE] or None

    def contact(self, partner_id: str, incident_types: dict[str, str]) -> NewContact:
        point, civic = self.where()
        priority = self.incident.priority if self.incident else None
        incident_type = self.incident.incident_type if self.incident else None
        codes = {"incident_tracking_id": self.id, "priority": priority, "eido_incident_type": incident_type}
        return NewContact(
            channel=Channel.TRANSFER_911,
            partner_id=partner_id,
            safety_flags=self.safety_flags(),
            call_type=self.call_type(incident_types),
            caller=self.caller(),
            location=point,
            place=civic,
            note=self.note(),
            partner_codes={k: v for k, v in codes.items() if v is not None},
        )
