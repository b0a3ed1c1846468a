"""The /fhir routes: the CapabilityStatement, reading and searching consents as FHIR Consents, and recording one.

Who may: as on /v1. Reading a Consent is the revoke route's guard (county IT, or a partner registered for
consents and party to the episode it was recorded on); searching returns only the consents on episodes the
caller is party to; recording is the /v1 recording route's, with the episode named in the Consent.
"""

from typing import Annotated, Any
from uuid import UUID

from continuum_kit.fhir import (
    FHIR_JSON,
    FhirResponse,
    FhirRoute,
    answer_the_rest,
    fhir_answer,
    matched,
    named,
    outcome,
    refusals,
    refuse,
    resource_schema,
    searchset,
    valid,
)
from continuum_kit.idempotency import IdempotencyKeyHeader, answer_once, request_keys
from continuum_kit.service import RuntimeDep, SessionDep, UnitOfWorkDep
from fastapi import APIRouter, Body, Request, Response, status
from fhir.resources.R4B.consent import Consent as FhirConsent
from pydantic import RootModel, ValidationError
from sqlmodel import Session

from continuum_intake.api.auth import Caller, ConsentRecorderDep
from continuum_intake.api.resource_guards import ConsentKeeperDep, _party, _party_to_episode
from continuum_intake.consent_recording import InvalidConsent, consents_of, record_consent
from continuum_intake.fhir_api.capability import capability_statement
from continuum_intake.fhir_api.mapping import TERM_PATHS, Unmappable, consent_resource, consent_terms, episode_id_of
from continuum_intake.store import Consent

router = APIRouter(prefix="/fhir", tags=["fhir"], route_class=FhirRoute)
SERVED = {"Consent": "read, search-type, create"}
SEARCH_PARAMETERS = ("patient", "_id")
# Consent.status (http://hl7.org/fhir/consent-state-codes): the R4B model takes any code there, intake does not.
CONSENT_STATUSES = frozenset({"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"})
READ = refusals(
    _401="missing or wrong credentials (OperationOutcome login)",
    _403="not registered for consents, or not party to the episode it was recorded on (OperationOutcome forbidden)",
    _404="no Consent of that id (OperationOutcome not-found)",
    _422="the id is not a consent id",
)
SEARCHED = refusals(
    _400="neither patient nor _id, an unknown parameter, or a value that is no id; diagnostics name it",
    _401="missing or wrong credentials (OperationOutcome login)",
    _403="not registered for consents, or party to none of the episodes the consents found were recorded on",
)
RECORDED = refusals(
    _400="the body is not JSON",
    _401="missing or wrong credentials (OperationOutcome login)",
    _403="not registered for consents, or not party to the episode named (OperationOutcome forbidden)",
    _404="no such episode (OperationOutcome not-found)",
    _422="not a valid FHIR Consent, a status that is not a FHIR Consent status (code-invalid, naming it), one "
    "intake cannot record as it is, or an invalid consent; expression names the FHIR path",
)


def _fhir(resource: dict[str, Any], status_code: int = status.HTTP_200_OK, **headers: str) -> FhirResponse:
    return FhirResponse(resource, status_code=status_code, headers={"Cache-Control": "no-store", **headers})


@router.get(
    "/metadata",
    summary="The CapabilityStatement of intake's FHIR R4 facade (no credentials needed)",
    response_class=FhirResponse,
    responses={200: fhir_answer("the CapabilityStatement", resource_schema("CapabilityStatement"))},
)
def get_metadata() -> FhirResponse:
    return FhirResponse(capability_statement())


@router.get(
    "/Consent/{consent_id}",
    summary="A consent of the person as a FHIR Consent (inactive once revoked or expired)",
    response_class=FhirResponse,
    responses={200: fhir_answer("the Consent", resource_schema("Consent")), **READ},
)
def get_consent(consent_id: UUID, caller: ConsentKeeperDep, session: SessionDep, runtime: RuntimeDep) -> FhirResponse:
    consent = session.get(Consent, consent_id)
    if consent is None:  # the guard found it; it is never deleted
        refuse(status.HTTP_404_NOT_FOUND, "not-found", f"consent {consent_id} not found")
    return _fhir(valid(FhirConsent, consent_resource(consent, runtime.clock.now())))


def _id(value: str, parameter: str) -> UUID:
    try:
        return UUID(value.removeprefix("Patient/") if parameter == "patient" else value)
    except ValueError:
        refuse(status.HTTP_400_BAD_REQUEST, "invalid", f"search parameter {parameter} is not an id", parameter)


def _found(session: Session, params: list[tuple[str, str]]) -> list[Consent]:
    given: dict[str, UUID] = {}
    for name, value in params:
        if name not in SEARCH_PARAMETERS:
            diagnostics = (
                f"unknown search parameter {named(name)} on Consent; supported: {', '.join(SEARCH_PARAMETERS)}"
            )
            refuse(status.HTTP_400_BAD_REQUEST, "not-supported", diagnostics, name)
        given[name] = _id(value, name)
    if not given:  # nothing to search by: an empty searchset, whose outcome entry says why (below)
        return []
    if "patient" in given:
        found = consents_of(session, given["patient"])
    else:
        found = [c for c in [session.get(Consent, given["_id"])] if c is not None]
    return [c for c in found if "_id" not in given or c.consent_id == given["_id"]]


def _seen(session: Session, caller: Caller, found: list[Consent]) -> list[Consent]:
    parties = {person: _party(session, caller, person) for person in {c.person_id for c in found}}
    seen = [c for c in found if parties[c.person_id].sees(c.episode_id)]
    if found and not seen:
        refuse(status.HTTP_403_FORBIDDEN, "forbidden", f"partner {caller.name!r} is party to none of their episodes")
    return seen


@router.get(
    "/Consent",
    summary="Search consents by patient (Patient/<person id>) or _id; a partner finds those on its episodes only",
    response_class=FhirResponse,
    responses={200: fhir_answer("a Bundle of type searchset", resource_schema("Bundle")), **SEARCHED},
)
def search_consents(request: Request, caller: ConsentRecorderDep, session: SessionDep, runtime: RuntimeDep) -> Any:
    params = list(request.query_params.multi_items())
    seen = _seen(session, caller, _found(session, params))
    now, base = runtime.clock.now(), str(request.base_url).rstrip("/") + "/fhir"
    shown = [consent_resource(consent, now) for consent in seen]
    entries = [matched(base, consent) for consent in shown]
    if not params:  # FHIR's way to say why a search found nothing: an OperationOutcome entry in the bundle
        entries.append(
            {"resource": outcome("required", "search by patient or _id", "patient"), "search": {"mode": "outcome"}}
        )
    return _fhir(searchset(str(request.url), len(shown), entries))


def _parsed(body: dict[str, Any]) -> dict[str, Any]:
    if body.get("resourceType") != "Consent":
        refuse(status.HTTP_422_UNPROCESSABLE_CONTENT, "invalid", "the body is not a Consent", "Consent.resourceType")
    sent = body.get("status")
    if not isinstance(sent, str) or sent not in CONSENT_STATUSES:
        diagnostics = (
            f"Consent.status {named(sent)} is not a FHIR Consent status: {', '.join(sorted(CONSENT_STATUSES))}"
        )
        refuse(status.HTTP_422_UNPROCESSABLE_CONTENT, "code-invalid", diagnostics, "Consent.status")
    try:
        return valid(FhirConsent, body)
    except ValidationError as bad:  # names the element and the rule, never the value sent
        first = bad.errors()[0]
        path = ".".join(["Consent", *(str(part) for part in first["loc"] if part != "__root__")])
        refuse(status.HTTP_422_UNPROCESSABLE_CONTENT, "invalid", f"{path}: {first['msg']}", path)


@router.post(
    "/Consent",
    status_code=status.HTTP_201_CREATED,
    summary="Record the person's consent from a FHIR Consent, as POST /v1/episodes/{episode_id}/consents does (a "
    "retry with the same Idempotency-Key gets the first answer)",
    response_class=FhirResponse,
    responses={
        201: fhir_answer("the Consent as recorded (Location names it)", resource_schema("Consent")),
        200: fhir_answer(
            "a retry: the same caller sent this Idempotency-Key before; the first answer", resource_schema("Consent")
        ),
        **RECORDED,
    },
)
def post_consent(
    body: Annotated[dict[str, Any], Body(media_type=FHIR_JSON, json_schema_extra=resource_schema("Consent"))],
    caller: ConsentRecorderDep,
    uow: UnitOfWorkDep,
    runtime: RuntimeDep,
    response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> FhirResponse:
    resource, now = _parsed(body), uow.clock.now()
    try:
        episode_id = UUID(episode_id_of(resource))
        terms = consent_terms(resource, now)
    except Unmappable as bad:
        refuse(status.HTTP_422_UNPROCESSABLE_CONTENT, "not-supported", f"{bad.path}: {bad.message}", bad.path)
    except ValueError:
        refuse(status.HTTP_422_UNPROCESSABLE_CONTENT, "invalid", "the episode is no id", "Consent.extension")
    party = _party_to_episode(runtime, caller, episode_id)  # 404 for no such episode, 403 for a non-party
    patient = resource.get("patient", {}).get("reference")

    def record() -> dict[str, Any]:
        try:
            consent = record_consent(uow, episode_id, terms, party.caller.name)
        except InvalidConsent as bad:
            path = TERM_PATHS.get(bad.field, "Consent")
            refuse(status.HTTP_422_UNPROCESSABLE_CONTENT, "invalid", f"{path}: {bad.message}", path)
        if patient is not None and patient != f"Patient/{consent.person_id}":
            refuse(
                status.HTTP_422_UNPROCESSABLE_CONTENT, "invalid", "the patient is not the episode's", "Consent.patient"
            )
        return valid(FhirConsent, consent_resource(consent, now))

    # A retry with the same Idempotency-Key gets the first answer (200), as on POST /v1/.../consents.
    keys = request_keys(party.caller.name, "POST /fhir/Consent", RootModel[dict[str, Any]](body), idempotency_key)
    recorded = answer_once(uow, keys, response, record, status_code=status.HTTP_201_CREATED)
    return _fhir(recorded, response.status_code or status.HTTP_201_CREATED, Location=f"/fhir/Consent/{recorded['id']}")


# Anything else under /fhir: an interaction a served path lacks (405, with Allow), or a type not served (404).
answer_the_rest(router, SERVED)
