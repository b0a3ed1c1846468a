"""Intake's settings: the county's channels, programs, areas, call types, 311 services, triage rules file and
vault keys."""

from pathlib import Path
from typing import Annotated, Literal

from continuum_contracts.events import CODE_PATTERN
from continuum_contracts.vocabulary import Channel
from continuum_kit.settings import ServiceSettings
from cryptography.fernet import Fernet
from pydantic import BaseModel, ConfigDict, Field, SecretStr, StringConstraints, field_validator, model_validator

from continuum_intake.open311_services import DEFAULT_OPEN311_SERVICES, Open311Service

Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=CODE_PATTERN)]

# Public on purpose, so that a developer machine works without setup: development mode only (a warning at
# startup says so); production refuses to start with either.
DEVELOPMENT_VAULT_KEY = "C5Adrg_l69jzwV6FRfXknkyfIDAy7YaI3JQdUVpNZVQ="
DEVELOPMENT_INDEX_KEY = "continuum-development-blind-index-key-not-for-production"


class ResponseArea(BaseModel):
    """A county response area as a latitude/longitude box; an area without a box is the fallback."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    area_id: Code
    kind: Literal["urban", "rural"]
    min_lat: float | None = Field(default=None, ge=-90, le=90)
    max_lat: float | None = Field(default=None, ge=-90, le=90)
    min_lon: float | None = Field(default=None, ge=-180, le=180)
    max_lon: float | None = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _whole_box_or_none(self) -> "ResponseArea":
        bounds = (self.min_lat, self.max_lat, self.min_lon, self.max_lon)
        if any(b is None for b in bounds) and any(b is not None for b in bounds):
            raise ValueError(f"area {self.area_id}: give all of min_lat, max_lat, min_lon, max_lon or none")
        return self


DEFAULT_AREAS = [
    # A fictional county: a city centre served by urban teams, everything else by rural ones.
    ResponseArea(area_id="central", kind="urban", min_lat=45.45, max_lat=45.60, min_lon=-122.75, max_lon=-122.55),
    ResponseArea(area_id="outer", kind="rural"),
]

DEFAULT_PROGRAMS: dict[Channel, str] = {
    Channel.CRISIS_LINE_CALL: "988",
    Channel.CRISIS_LINE_CHAT: "988",
    Channel.CRISIS_LINE_TEXT: "988",
    Channel.WARMLINE_CALL: "peer-warmline",
    Channel.WARMLINE_CHAT: "peer-warmline",
    Channel.WARMLINE_TEXT: "peer-warmline",
    Channel.TRANSFER_911: "911-diversion",
    Channel.REQUEST_311: "311-diversion",
    Channel.POLICE_REFERRAL: "pre-arrest-diversion",
    Channel.EMERGENCY_DEPARTMENT: "ed-bridge",
    Channel.STREET_OUTREACH: "street-outreach",
    Channel.WALK_IN: "walk-in-center",
}

DEFAULT_CALL_TYPES = [
    "WELFARE_CHECK",
    "MENTAL_HEALTH",
    "SUICIDE_THREAT",
    "DISTURBANCE",
    "INTOXICATED_PERSON",
    "TRESPASS",
    "WEAPON",
    "ASSAULT",
    "MEDICAL",
    "HOMELESS_CONCERN",
    "NOISE",
]

# A CAD's EIDO incident type (the EIDO-IncidentType-Common registry of NENA-STA-021.1, from APCO ANS 2.103.2)
# as one of the county's call types; a type not listed is refused (422) as an unknown call type code is.
DEFAULT_EIDO_INCIDENT_TYPES = {
    "EDP": "MENTAL_HEALTH",  # EDP, Emotional Disturbance, Abnormal Behavior
    "MNTL": "MENTAL_HEALTH",  # Mental Person Non-Violent
    "MTLV": "MENTAL_HEALTH",  # Mental Person Violent
    "SUICIDE": "SUICIDE_THREAT",
    "SUICTHRT": "SUICIDE_THREAT",  # Attempt Or Threatening Suicide
    "WELFARE": "WELFARE_CHECK",  # Man Down Check, Welfare Check
    "DISORD": "DISTURBANCE",  # Disorderly
    "INTOX": "INTOXICATED_PERSON",
    "TRESPASS": "TRESPASS",
    "WEAPON": "WEAPON",  # Weapon Violation
    "ASSAULT": "ASSAULT",
    "OD": "MEDICAL",  # Overdose - Accidental, Poisoning, Accidental Ingestion
    "SICK": "MEDICAL",
    "PERUNCON": "MEDICAL",  # Unconscious Person
    "NOISE": "NOISE",
}

# The coarse demographic codes the county collects with a contact, for its equity reports; never PHI.
DEFAULT_DEMOGRAPHIC_FIELDS = ["age_band", "gender", "race_ethnicity", "veteran_status", "language"]


class IntakeSettings(ServiceSettings):
    service_name: str = "intake"
    http_port: int = 8001
    vault_keys: list[SecretStr] = Field(
        default=[SecretStr(DEVELOPMENT_VAULT_KEY)],
        min_length=1,
        description="Fernet keys of the person vault: the first encrypts, all decrypt (for rotation)",
    )
    vault_index_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_INDEX_KEY), description="HMAC key of the vault's blind matching indexes"
    )
    triage_rules_path: Path | None = Field(
        default=None, description="the county's triage rules (YAML); unset means the packaged default rules"
    )
    areas: list[ResponseArea] = Field(default=DEFAULT_AREAS, min_length=1, description="first containing area wins")
    program_for_channel: dict[Channel, Code] = Field(default=DEFAULT_PROGRAMS)
    call_types: list[Code] = Field(default=DEFAULT_CALL_TYPES, description="911 call types and 311 service codes")
    demographic_fields: list[Code] = Field(default=DEFAULT_DEMOGRAPHIC_FIELDS)
    eido_incident_types: dict[Code, Code] = Field(
        default=DEFAULT_EIDO_INCIDENT_TYPES,
        description="POST /v1/contacts/911/eido: an EIDO incidentTypeCommonRegistryText to one of call_types",
    )
    open311_services: list[Open311Service] = Field(
        default=DEFAULT_OPEN311_SERVICES,
        description="the 311 services routed to Continuum, as GET /open311/v2/services.json lists them; each "
        "service_code one of call_types",
    )
    open311_jurisdiction_id: str | None = Field(
        default=None,
        max_length=200,
        description="the county's GeoReport jurisdiction_id (e.g. its website's domain); set, a request naming "
        "another one gets 404; unset, the parameter is ignored",
    )

    @model_validator(mode="after")
    def _open311_codes_are_call_types(self) -> "IntakeSettings":
        codes = [service.service_code for service in self.open311_services]
        if len(set(codes)) != len(codes):
            raise ValueError("open311_services: two services share a service_code")
        for position, code in enumerate(codes):
            if code not in self.call_types:
                raise ValueError(
                    f"open311_services[{position}]: service_code {code!r} is not one of call_types, "
                    "so POST /v1/contacts/311 would refuse it"
                )
        return self

    @model_validator(mode="after")
    def _eido_types_are_call_types(self) -> "IntakeSettings":
        for incident_type, call_type in self.eido_incident_types.items():
            if call_type not in self.call_types:
                raise ValueError(f"eido_incident_types[{incident_type!r}]: {call_type!r} is not one of call_types")
        return self

    @field_validator("vault_keys")
    @classmethod
    def _vault_keys_are_fernet_keys(cls, keys: list[SecretStr]) -> list[SecretStr]:
        for position, key in enumerate(keys):
            try:
                Fernet(key.get_secret_value())
            except ValueError:
                raise ValueError(f"vault_keys[{position}] is not a Fernet key (32 url-safe base64 bytes)") from None
        return keys

    @field_validator("vault_index_key")
    @classmethod
    def _index_key_long_enough(cls, key: SecretStr) -> SecretStr:
        if len(key.get_secret_value()) < 32:
            raise ValueError("vault_index_key must be at least 32 characters")
        return key

    def development_secrets(self) -> list[str]:
        """Names of the vault secrets still at their public development values."""
        names = []
        if any(key.get_secret_value() == DEVELOPMENT_VAULT_KEY for key in self.vault_keys):
            names.append("vault_keys")
        if self.vault_index_key.get_secret_value() == DEVELOPMENT_INDEX_KEY:
            names.append("vault_index_key")
        return names

    def default_secrets(self) -> list[str]:
        problems = super().default_secrets()
        development = self.development_secrets()
        if "vault_keys" in development:
            problems.append("CONTINUUM_VAULT_KEYS holds the development key; set keys of your own")
        if "vault_index_key" in development:
            problems.append("CONTINUUM_VAULT_INDEX_KEY is the development key; set a key of your own")
        return problems
