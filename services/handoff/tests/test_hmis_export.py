"""County IT exports a date range's housing referrals as HMIS CSV FY2026 (4.20 Coordinated Entry Events), only
for people whose data-sharing consent covers it, with pseudonymous ids and no PHI."""

import csv
import io
import zipfile
from datetime import timedelta
from uuid import uuid4

import pytest
from continuum_contracts.events import ConsentRecordedV1, ConsentRevokedV1
from continuum_contracts.vocabulary import DataCategory, DisclosurePurpose, Need
from continuum_handoff import hmis_csv_spec
from continuum_handoff.config import HandoffSettings

from .conftest import ADMIN_TOKEN, HOUSING

HMIS_KEY = "hmis-pseudonym-key-for-handoff-tests-0123"
FILES = ["Export.csv", "Client.csv", "Enrollment.csv", "Event.csv"]


@pytest.fixture
def settings():
    return HandoffSettings(admin_token=ADMIN_TOKEN, hmis_id_key=HMIS_KEY)


class Person:
    """One person's crisis episode with a housing referral, and their consents as intake publishes them."""

    def __init__(self, hub, *, consent: bool = True, person_id=None, **terms) -> None:
        self.hub, self.person_id = hub, person_id or uuid4()
        hub.episode = self.episode_id = uuid4()
        hub.triage()
        hub.resolve([Need.HOUSING])
        [sent] = [e for e in hub.events() if e.type == "continuum.referral.sent.v1" and e.episode_id == hub.episode]
        self.referral_id = sent.data.referral_id
        self.consent_id = self.consent(**terms) if consent else None

    def consent(self, **terms):
        consent_id = uuid4()
        self.hub.episode = self.episode_id
        given = {
            "scope": [DataCategory.NEEDS],
            "recipients": [HOUSING],
            "purpose": DisclosurePurpose.HOUSING_ASSISTANCE,
            "expires_at": self.hub.clock.now() + timedelta(days=365),
            "part2": False,
        } | terms
        self.hub.deliver(ConsentRecordedV1(consent_id=consent_id, person_id=self.person_id, **given))
        return consent_id

    def revoke(self) -> None:
        self.hub.episode = self.episode_id
        now = self.hub.clock.now()
        self.hub.deliver(ConsentRevokedV1(consent_id=self.consent_id, person_id=self.person_id, revoked_at=now))

    def result(self, result: str) -> None:
        assert self.hub.report(self.referral_id, result).status_code == 200


def export(hub, start: str, end: str, headers=None):
    headers = hub.admin() if headers is None else headers
    return hub.client.get("/v1/admin/hmis-export", params={"start": start, "end": end}, headers=headers)


def files(answer) -> dict[str, str]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as zipped:
        assert sorted(zipped.namelist()) == sorted(FILES)
        return {name: zipped.read(name).decode("utf-8") for name in FILES}


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_referrals_of_the_range_are_events_with_the_hmis_codes_and_dates(hub, clock):
    accepted = Person(hub)  # sent 2026-01-01
    clock.advance(timedelta(days=2))
    accepted.result("successful_referral_client_accepted")  # 2026-01-03
    clock.advance(timedelta(days=7))
    rejected = Person(hub)  # sent 2026-01-10
    clock.advance(timedelta(days=1))
    rejected.result("unsuccessful_referral_provider_rejected")  # 2026-01-11
    clock.advance(timedelta(days=21))
    waiting = Person(hub)  # sent 2026-02-01, no result yet

    [event] = rows(files(export(hub, "2026-01-01", "2026-01-05"))["Event.csv"])
    assert (event["Event"], event["ReferralResult"]) == ("15", "1")
    assert (event["EventDate"], event["ResultDate"]) == ("2026-01-01", "2026-01-03")
    assert event["LocationCrisisOrPHHousing"] == HOUSING
    assert (event["ProbSolDivRRResult"], event["ReferralCaseManageAfter"]) == ("", "")

    [event] = rows(files(export(hub, "2026-01-11", "2026-01-31"))["Event.csv"])  # its result is in the range
    assert (event["EventDate"], event["ReferralResult"], event["ResultDate"]) == ("2026-01-10", "3", "2026-01-11")

    [event] = rows(files(export(hub, "2026-02-01", "2026-02-01"))["Event.csv"])
    assert (event["EventDate"], event["ReferralResult"], event["ResultDate"]) == ("2026-02-01", "", "")

    everything = files(export(hub, "2026-01-01", "2026-02-28"))
    assert len(rows(everything["Event.csv"])) == 3 and len(rows(everything["Enrollment.csv"])) == 3
    nothing = files(export(hub, "2026-01-04", "2026-01-09"))
    assert [rows(nothing[name]) for name in FILES[1:]] == [[], [], []]
    assert waiting.referral_id and accepted.referral_id and rejected.referral_id


def test_the_files_are_valid_hmis_csv_fy2026(hub, clock):
    Person(hub).result("successful_referral_client_accepted")
    Person(hub)
    clock.advance(timedelta(days=1))
    Person(hub).result("unsuccessful_referral_client_rejected")
    written = files(export(hub, "2026-01-01", "2026-01-31"))
    for name, text in written.items():
        assert hmis_csv_spec.problems(name, text) == [], name
        header = next(csv.reader(io.StringIO(text)))
        assert header == [column.name for column in hmis_csv_spec.FILES[name]]
    [described] = rows(written["Export.csv"])
    assert (described["ExportStartDate"], described["ExportEndDate"], described["CSVVersion"]) == (
        "2026-01-01",
        "2026-01-31",
        "2026 v1",
    )
    assert (described["SourceType"], described["ExportPeriodType"], described["ExportDirective"]) == ("2", "3", "2")
    export_id = described["ExportID"]
    clients, enrollments, events = (rows(written[name]) for name in FILES[1:])
    assert {row["ExportID"] for row in clients + enrollments + events} == {export_id}
    assert {e["PersonalID"] for e in events} == {c["PersonalID"] for c in clients}
    assert {e["EnrollmentID"] for e in events} == {e["EnrollmentID"] for e in enrollments}
    for client in clients:
        assert {client[f] for f in ("NameDataQuality", "SSNDataQuality", "DOBDataQuality", "VeteranStatus")} == {"99"}
    assert all(e["RelationshipToHoH"] == "1" and e["ProjectID"] == "continuum-crisis" for e in enrollments)


def test_problems_finds_what_the_spec_does_not_allow():
    header = ",".join(column.name for column in hmis_csv_spec.EVENT)
    bad = "e1,n1,p1,2026-1-01,17,,,,4,,2026-01-01T00:00:00,2026-01-01 00:00:00,,,x\r\n"
    found = hmis_csv_spec.problems("Event.csv", f"{header}\r\n{bad}")
    for expected in ("EventDate", "Event: 17", "ReferralResult: 4", "DateCreated", "UserID: is empty", "go together"):
        assert any(expected in problem for problem in found), expected
    assert hmis_csv_spec.problems("Event.csv", "EventID,PersonalID\r\n") != []


def test_no_phi_and_only_keyed_pseudonyms_leave(hub, clock):
    person_id = uuid4()
    first = Person(hub, person_id=person_id)
    clock.advance(timedelta(days=1))
    second = Person(hub, person_id=person_id)  # the same person's second episode, consented on it too
    written = files(export(hub, "2026-01-01", "2026-01-31"))
    everything = "".join(written.values())
    for raw in (person_id, first.episode_id, second.episode_id, first.referral_id, first.consent_id):
        assert str(raw) not in everything and raw.hex not in everything
    [client] = rows(written["Client.csv"])
    for field in ("FirstName", "MiddleName", "LastName", "NameSuffix", "SSN", "DOB", "AdditionalRaceEthnicity"):
        assert client[field] == "", field
    assert len(rows(written["Enrollment.csv"])) == 2, "one person, two enrollments"
    again = rows(files(export(hub, "2026-01-01", "2026-01-31"))["Client.csv"])
    assert again[0]["PersonalID"] == client["PersonalID"], "stable from one export to the next"


def test_an_episode_without_a_consent_covering_hmis_is_counted_not_exported(hub):
    covered = Person(hub)
    Person(hub, consent=False)
    Person(hub, purpose=DisclosurePurpose.TREATMENT)
    Person(hub, scope=[DataCategory.IDENTITY])
    Person(hub, recipients=["peer-respite-east"])
    Person(hub, recipients=[], recipient_categories=["housing"])  # the housing kind names the partner too
    answer = export(hub, "2026-01-01", "2026-01-01")
    assert answer.headers["X-HMIS-Events"] == "2" and answer.headers["X-HMIS-Episodes"] == "2"
    assert answer.headers["X-HMIS-Episodes-Without-Consent"] == "4"
    events = rows(files(answer)["Event.csv"])
    assert len(events) == 2
    assert covered.referral_id


def test_revoking_the_consent_removes_the_episode_from_the_next_export(hub, clock):
    person = Person(hub)
    Person(hub)
    assert export(hub, "2026-01-01", "2026-01-01").headers["X-HMIS-Events"] == "2"
    clock.advance(timedelta(hours=1))
    person.revoke()
    answer = export(hub, "2026-01-01", "2026-01-01")
    assert (answer.headers["X-HMIS-Events"], answer.headers["X-HMIS-Episodes-Without-Consent"]) == ("1", "1")
    clock.advance(timedelta(days=400))  # the other consent expires
    assert export(hub, "2026-01-01", "2026-01-01").headers["X-HMIS-Events"] == "0"


def test_only_county_it_exports(hub):
    Person(hub)
    assert export(hub, "2026-01-01", "2026-01-01", headers={}).status_code == 401
    assert export(hub, "2026-01-01", "2026-01-01", headers={"Authorization": "Bearer not-the-token"}).status_code == 401
    partner = hub.client.get(
        "/v1/admin/hmis-export", params={"start": "2026-01-01", "end": "2026-01-01"}, auth=hub.credentials(HOUSING)
    )
    assert partner.status_code == 403 and b"PK" not in partner.content[:2]


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [("2026-13-01", "2026-01-31", "start"), ("2026-01-01", "yesterday", "end"), ("2026-02-01", "2026-01-31", "end")],
)
def test_a_bad_or_reversed_range_is_422_naming_the_field(hub, start, end, field):
    answer = export(hub, start, end)
    assert answer.status_code == 422
    assert [error["loc"] for error in answer.json()["detail"]] == [["query", field]]


def test_without_a_pseudonym_key_the_export_is_off(engine, clock):
    from continuum_handoff import api
    from continuum_kit.testing import api_client

    client = api_client(api.router, engine, clock, HandoffSettings(admin_token=ADMIN_TOKEN))
    answer = client.get(
        "/v1/admin/hmis-export",
        params={"start": "2026-01-01", "end": "2026-01-01"},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert answer.status_code == 503 and "CONTINUUM_HMIS_ID_KEY" in answer.json()["detail"]
