"""An intake consent as a FHIR R4 Consent (R4B models), and a FHIR Consent back to intake's consent terms.

Read: status active, or inactive once revoked or expired; scope patient-privacy; category LOINC 59284-0;
patient and performer the person as a logical reference (Patient/<person id>, no name); organization the
recorder as an identifier; policyRule v3-ActCode 42CFRPart2 (a Part 2 consent) or HIPAAAuth; the episode it
was recorded on in an extension (EpisodeOfCare/<episode id>); one permit provision: period recorded..expiry,
an actor per recipient (role IRCP; a named partner or a kind of partner as an identifier), class the data
categories, purpose the disclosure purpose. Recording maps exactly these back; anything else that limits or
widens a consent (a deny, nested provisions, data, other codes) cannot be kept, and is a refusal naming the path.
"""

from datetime import UTC, datetime
from typing import Any

from continuum_contracts.vocabulary import DataCategory, DisclosurePurpose, RecipientCategory

from continuum_intake.consent_rules import ConsentTerms, is_active
from continuum_intake.store import Consent

BASE = "urn:continuum"
EPISODE_EXTENSION = f"{BASE}:fhir:consent-episode"
PARTNER = f"{BASE}:partner"
RECIPIENT_KIND = f"{BASE}:recipient-category"
CATEGORY = f"{BASE}:data-category"
PURPOSE = f"{BASE}:disclosure-purpose"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
SCOPE = {"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}
LOINC_CONSENT = {"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}
RECIPIENT_ROLE = {"system": PARTICIPATION, "code": "IRCP", "display": "information recipient"}
PART2_RULE = {"system": ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2"}
HIPAA_RULE = {"system": ACT_CODE, "code": "HIPAAAuth", "display": "HIPAA Authorization for Disclosure"}
# The HL7 purpose of use alongside intake's own code, where there is one.
HL7_PURPOSE = {DisclosurePurpose.TREATMENT: "TREAT", DisclosurePurpose.CARE_COORDINATION: "COC"}


class Unmappable(ValueError):
    """A FHIR Consent intake cannot record as it is: ``path`` names the element, ``message`` why."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path, self.message = path, message


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _actor(system: str, value: str) -> dict[str, Any]:
    return {"role": {"coding": [RECIPIENT_ROLE]}, "reference": {"identifier": {"system": system, "value": value}}}


def _purposes(purpose: str) -> list[dict[str, str]]:
    codings = [{"system": PURPOSE, "code": purpose}]
    if (hl7 := HL7_PURPOSE.get(DisclosurePurpose(purpose))) is not None:
        codings.append({"system": ACT_REASON, "code": hl7})
    return codings


def consent_resource(consent: Consent, now: datetime) -> dict[str, Any]:
    """The FHIR Consent of one intake consent: what GET /v1 shows of it, and nothing more."""
    patient = {"reference": f"Patient/{consent.person_id}"}
    actors = [_actor(PARTNER, r) for r in consent.recipients]
    actors += [_actor(RECIPIENT_KIND, kind) for kind in consent.recipient_categories]
    return {
        "resourceType": "Consent",
        "id": str(consent.consent_id),
        "meta": {"lastUpdated": _instant(consent.revoked_at or consent.recorded_at)},
        "extension": [
            {"url": EPISODE_EXTENSION, "valueReference": {"reference": f"EpisodeOfCare/{consent.episode_id}"}}
        ],
        "status": "active" if is_active(consent, now) else "inactive",
        "scope": {"coding": [SCOPE]},
        "category": [{"coding": [LOINC_CONSENT]}],
        "patient": patient,
        "dateTime": _instant(consent.recorded_at),
        "performer": [patient],
        "organization": [{"identifier": {"system": PARTNER, "value": consent.recorded_by}}],
        "policyRule": {"coding": [PART2_RULE if consent.part2 else HIPAA_RULE]},
        "provision": {
            "type": "permit",
            "period": {"start": _instant(consent.recorded_at), "end": _instant(consent.expires_at)},
            "actor": actors,
            "class": [{"system": CATEGORY, "code": category} for category in consent.scope],
            "purpose": _purposes(consent.purpose),
        },
    }


UNMAPPED_PROVISION = ("provision", "data", "code", "securityLabel", "dataPeriod")


def _codes(codings: list[dict[str, Any]] | None) -> set[tuple[str | None, str | None]]:
    return {(c.get("system"), c.get("code")) for c in codings or []}


def _part2(resource: dict[str, Any]) -> bool:
    if resource.get("policy"):
        raise Unmappable("Consent.policy", "give the policy as policyRule (v3-ActCode 42CFRPart2 or HIPAAAuth)")
    codes = _codes((resource.get("policyRule") or {}).get("coding"))
    known = {(PART2_RULE["system"], PART2_RULE["code"]), (HIPAA_RULE["system"], HIPAA_RULE["code"])}
    if codes - known:
        raise Unmappable("Consent.policyRule", "only v3-ActCode 42CFRPart2 or HIPAAAuth is recorded")
    return (PART2_RULE["system"], PART2_RULE["code"]) in codes


def _recipients(actors: list[dict[str, Any]]) -> tuple[list[str], list[RecipientCategory]]:
    named: list[str] = []
    kinds: list[RecipientCategory] = []
    for i, actor in enumerate(actors):
        where = f"Consent.provision.actor[{i}]"
        if (RECIPIENT_ROLE["system"], RECIPIENT_ROLE["code"]) not in _codes(actor.get("role", {}).get("coding")):
            raise Unmappable(f"{where}.role", "only recipients (v3-ParticipationType IRCP) are recorded")
        reference = actor.get("reference", {})
        identifier = reference.get("identifier") or {}
        system, value = identifier.get("system"), identifier.get("value")
        if system == PARTNER and value:
            named.append(value)
        elif system == RECIPIENT_KIND and value in set(RecipientCategory):
            kinds.append(RecipientCategory(value))
        else:
            raise Unmappable(
                f"{where}.reference", f"a recipient is an identifier of system {PARTNER} or {RECIPIENT_KIND}"
            )
    return named, kinds


def _scope(classes: list[dict[str, Any]]) -> list[DataCategory]:
    scope = []
    for i, coding in enumerate(classes):
        if coding.get("system") != CATEGORY or coding.get("code") not in set(DataCategory):
            raise Unmappable(f"Consent.provision.class[{i}]", f"a class is a data category of system {CATEGORY}")
        scope.append(DataCategory(coding["code"]))
    if not scope:
        raise Unmappable("Consent.provision.class", "name at least one data category")
    return scope


def _purpose(codings: list[dict[str, Any]]) -> DisclosurePurpose:
    ours = [c.get("code") for c in codings if c.get("system") == PURPOSE]
    found = {DisclosurePurpose(code) for code in ours if code in set(DisclosurePurpose)}
    found |= {p for p, hl7 in HL7_PURPOSE.items() if (ACT_REASON, hl7) in _codes(codings)}
    if len(found) != 1:
        raise Unmappable("Consent.provision.purpose", f"give exactly one purpose of system {PURPOSE}")
    return found.pop()


def _moment(value: str, path: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise Unmappable(path, "give a date and time with its time zone")
    return moment


def _expiry(period: dict[str, Any], now: datetime) -> datetime:
    start, end = period.get("start"), period.get("end")
    where = "Consent.provision.period"
    if start is not None and _moment(start, f"{where}.start") > now:
        raise Unmappable(f"{where}.start", "a consent starts when it is recorded")
    if end is None:
        raise Unmappable(f"{where}.end", "a consent must have an expiry")
    return _moment(end, f"{where}.end")


def episode_id_of(resource: dict[str, Any]) -> str:
    for i, extension in enumerate(resource.get("extension") or []):
        if extension.get("url") == EPISODE_EXTENSION:
            reference = (extension.get("valueReference") or {}).get("reference") or ""
            if not reference.startswith("EpisodeOfCare/"):
                raise Unmappable(f"Consent.extension[{i}].valueReference", "the episode is EpisodeOfCare/<id>")
            return reference.removeprefix("EpisodeOfCare/")
    raise Unmappable("Consent.extension", f"name the episode it is recorded on (extension {EPISODE_EXTENSION})")


def consent_terms(resource: dict[str, Any], now: datetime) -> ConsentTerms:
    """Intake's terms of a FHIR Consent (already valid R4B, as JSON); Unmappable names what cannot be kept."""
    if resource.get("status") != "active":
        raise Unmappable("Consent.status", "only an active consent is recorded")
    if (SCOPE["system"], SCOPE["code"]) not in _codes(resource["scope"].get("coding")):
        raise Unmappable("Consent.scope", "only a patient-privacy consent is recorded")
    provision = resource.get("provision")
    if not provision:
        raise Unmappable("Consent.provision", "give one permit provision")
    if provision.get("type") != "permit":
        raise Unmappable("Consent.provision.type", "only a permit is recorded: intake consents permit, never deny")
    for name in UNMAPPED_PROVISION:
        if provision.get(name):
            raise Unmappable(f"Consent.provision.{name}", "intake does not record it")
    for i, action in enumerate(provision.get("action") or []):
        if _codes(action.get("coding")) - {("http://terminology.hl7.org/CodeSystem/consentaction", "disclose")}:
            raise Unmappable(f"Consent.provision.action[{i}]", "a consent at intake permits disclose only")
    named, kinds = _recipients(provision.get("actor") or [])
    return ConsentTerms(
        scope=_scope(provision.get("class") or []),
        recipients=named,
        recipient_categories=kinds,
        purpose=_purpose(provision.get("purpose") or []),
        expires_at=_expiry(provision.get("period") or {}, now),
        part2=_part2(resource),
    )


# Where each of intake's consent terms is in a FHIR Consent: for its refusals (consent_rules.invalid_term).
TERM_PATHS = {
    "recipients": "Consent.provision.actor",
    "expires_at": "Consent.provision.period.end",
    "part2": "Consent.policyRule",
    "scope": "Consent.provision.class",
}
