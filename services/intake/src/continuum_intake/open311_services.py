"""The 311 services the county routes to Continuum, as Open311 GeoReport v2 describes a service and its
definition (``settings.open311_services``): each one's code, name, description, keywords and group, and the
attributes a 311 system asks the resident and sends on.

Each attribute's ``code`` names the field of the ``POST /v1/contacts/311`` body its answer goes in
(``ANSWER_FIELDS``: ``safety.weapon``, ``needs``, ``note`` ...), and a list attribute's value keys are
values that field takes ("true"/"false" for a safety question, sent as a JSON boolean); an informational
attribute (``variable`` false) asks nothing and may have any code. A service's code is one of the county's
``call_types`` (the settings refuse one that is not), so a code listed in discovery is accepted by the POST.
"""

from typing import Annotated, Literal

from continuum_contracts.events import CODE_PATTERN
from continuum_contracts.vocabulary import Need, Stage
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

ServiceCode = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=CODE_PATTERN)]
Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
LISTS = ("singlevaluelist", "multivaluelist")
YES_NO = frozenset({"true", "false"})

# The POST /v1/contacts/311 body's fields an attribute's answer may fill: the datatypes an attribute on it
# may have, and the keys a list attribute on it may offer (None: free input).
ONE = frozenset({"singlevaluelist"})
ANSWER_FIELDS: dict[str, tuple[frozenset[str], frozenset[str] | None]] = {
    "safety.weapon": (ONE, YES_NO),
    "safety.violence_in_progress": (ONE, YES_NO),
    "safety.medical_emergency": (ONE, YES_NO),
    "safety.imminent_risk_with_means": (ONE, YES_NO),
    "needs": (frozenset({"multivaluelist"}), frozenset(Need)),
    "reported_stage": (ONE, frozenset(Stage) - {Stage.CLOSED}),
    "note": (frozenset({"string", "text"}), None),
}


class AttributeValue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)


class Open311Attribute(BaseModel):
    """A question of a service's definition (GeoReport v2 ``attribute``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: ServiceCode
    datatype: Datatype
    description: str = Field(min_length=1, max_length=1000)
    order: int = Field(ge=1)
    required: bool = False
    variable: bool = True
    datatype_description: str | None = Field(default=None, max_length=1000)
    values: list[AttributeValue] = []

    @model_validator(mode="after")
    def _answers_a_body_field(self) -> "Open311Attribute":
        keys = {value.key for value in self.values}
        if (self.datatype in LISTS) != bool(self.values):
            raise ValueError(f"attribute {self.code}: values come with a list datatype, and only with one")
        if len(keys) != len(self.values):
            raise ValueError(f"attribute {self.code}: each value needs a key of its own")
        if not self.variable:
            return self
        if self.code not in ANSWER_FIELDS:
            raise ValueError(f"attribute {self.code}: not a field of the 311 body ({', '.join(ANSWER_FIELDS)})")
        datatypes, allowed = ANSWER_FIELDS[self.code]
        if self.datatype not in datatypes:
            raise ValueError(f"attribute {self.code}: its field takes {' or '.join(sorted(datatypes))}")
        if allowed is not None and not keys <= allowed:
            raise ValueError(f"attribute {self.code}: offers {sorted(keys - allowed)}, which its field does not take")
        return self


class Open311Service(BaseModel):
    """A 311 service request type routed to Continuum (GeoReport v2 ``service``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    service_code: ServiceCode
    service_name: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=1000)
    type: Literal["realtime", "batch", "blackbox"] = "realtime"
    keywords: list[str] = []
    group: str | None = Field(default=None, max_length=200)
    attributes: list[Open311Attribute] = []

    @model_validator(mode="after")
    def _attributes_apart(self) -> "Open311Service":
        if len({a.code for a in self.attributes}) != len(self.attributes):
            raise ValueError(f"service {self.service_code}: two attributes share a code")
        if len({a.order for a in self.attributes}) != len(self.attributes):
            raise ValueError(f"service {self.service_code}: two attributes share an order")
        return self


def _yes_no(code: str, order: int, question: str, *, required: bool = True) -> Open311Attribute:
    return Open311Attribute(
        code=code,
        datatype="singlevaluelist",
        order=order,
        required=required,
        description=question,
        datatype_description=f'sent as {code}: true or false ("true" is yes)',
        values=[AttributeValue(key="true", name="Yes"), AttributeValue(key="false", name="No, or not known")],
    )


NEEDS = Open311Attribute(
    code="needs",
    datatype="multivaluelist",
    order=10,
    description="What might help the person? Choose any that apply.",
    values=[
        AttributeValue(key=Need.MENTAL_HEALTH, name="Mental-health support"),
        AttributeValue(key=Need.SUBSTANCE_USE, name="Help with alcohol or drug use"),
        AttributeValue(key=Need.HOUSING, name="Shelter or housing"),
        AttributeValue(key=Need.BASIC_NEEDS, name="Food, water, warm clothing"),
        AttributeValue(key=Need.MEDICAL, name="Medical care"),
    ],
)


def _note(question: str) -> Open311Attribute:
    return Open311Attribute(
        code="note",
        datatype="text",
        order=20,
        description=question,
        datatype_description="free text, up to 4000 characters; kept encrypted",
    )


CALL_911 = "If anyone is in danger right now, call 911. For a mental-health crisis, call or text 988."
DEFAULT_OPEN311_SERVICES = [
    Open311Service(
        service_code="WELFARE_CHECK",
        service_name="Welfare concern: someone on the street",
        description="Someone outdoors who may not be safe or well: asleep in the cold, confused, not "
        "responding as usual. A crisis team or outreach worker checks on them. " + CALL_911,
        keywords=["welfare check", "person down", "sleeping outside", "check on someone"],
        group="Behavioral health",
        attributes=[
            _yes_no("safety.medical_emergency", 1, "Does the person seem hurt, unconscious or very ill?"),
            _yes_no("safety.weapon", 2, "Have you seen a weapon, or has anyone mentioned one?"),
            NEEDS,
            _note("What did you see? Where exactly is the person, and how can a team recognise them?"),
        ],
    ),
    Open311Service(
        service_code="MENTAL_HEALTH",
        service_name="Person in mental-health distress",
        description="Someone who seems to be in emotional or mental-health distress: very upset, "
        "talking about hurting themselves, seeing or hearing things others do not. A mobile crisis team "
        "responds instead of police where it is safe. " + CALL_911,
        keywords=["mental health", "crisis", "distress", "suicidal", "behavioral health"],
        group="Behavioral health",
        attributes=[
            _yes_no("safety.imminent_risk_with_means", 1, "Has the person spoken of suicide, with the means at hand?"),
            _yes_no("safety.violence_in_progress", 2, "Is anyone being hurt or threatened right now?"),
            _yes_no("safety.weapon", 3, "Have you seen a weapon, or has anyone mentioned one?"),
            NEEDS,
            _note("What is happening? What has the person said or done, and where are they?"),
        ],
    ),
    Open311Service(
        service_code="HOMELESS_CONCERN",
        service_name="Encampment or homelessness concern",
        description="Someone living outside or in a vehicle, or an encampment, who may need shelter, "
        "services or a check-in. Street outreach follows up; this is not an enforcement request.",
        keywords=["homeless", "encampment", "unhoused", "tent", "living in a vehicle", "shelter"],
        group="Behavioral health",
        attributes=[
            _yes_no("safety.medical_emergency", 1, "Does anyone seem hurt or very ill?", required=False),
            NEEDS,
            _note("Where is it, how many people are there, and what might they need?"),
        ],
    ),
]
