"""County IT's HMIS export: the housing referrals of a date range as HMIS 4.20 Coordinated Entry Events, in
the HMIS CSV format FY2026 (Export.csv, Client.csv, Enrollment.csv, Event.csv in one zip).

A referral is in the range when it was sent, or its result was reached, on a day of it (the county's zone).
Only an episode whose person's consent covers the HMIS export (``consents.py``) is exported; the others are
counted, never written. No PHI leaves: handoff holds none. Client.csv carries the spec's "data not collected"
(99) for name, SSN, date of birth, sex and veteran status, and the ids are pseudonyms: the first 32 hex digits
of HMAC-SHA256 under ``hmis_id_key`` of the kind and Continuum's id (PersonalID of the person id the consent
events carry, EnrollmentID and HouseholdID of the episode id, EventID of the referral id) -- stable from one
export to the next, meaningless without the key, and never the raw id.
"""

import csv
import hashlib
import hmac
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, or_, select

from continuum_handoff import hmis_csv_spec as spec
from continuum_handoff.config import HandoffSettings
from continuum_handoff.consents import coverage
from continuum_handoff.domain import HMIS_REFERRAL_TO_HOUSING_RESOURCE, ReferralResult
from continuum_handoff.store import HandoffEpisode, Referral

# 4.20.2: the crisis system refers the person to the county's coordinated entry for a housing resource of a
# kind it does not know; "Referral to Other PH project/unit/resource opening" is the opening that takes 4.20.D.
EVENT_VALUE = {HMIS_REFERRAL_TO_HOUSING_RESOURCE: 15}
RESULT_VALUE = {
    ReferralResult.CLIENT_ACCEPTED: 1,
    ReferralResult.CLIENT_REJECTED: 2,
    ReferralResult.PROVIDER_REJECTED: 3,
}
NOT_COLLECTED = 99
SELF = 1  # 3.15.1 Relationship to head of household: self; a crisis episode is one person's
SOURCE_STANDALONE, REPORTING_PERIOD, FULL_REFRESH, UNHASHED = 2, 3, 2, 1
USER_ID = "continuum-handoff"
SOFTWARE_NAME = "Continuum"


class ExportOff(Exception):
    """No hmis_id_key: no pseudonym can be derived."""


@dataclass(frozen=True)
class Export:
    archive: bytes
    events: int
    episodes: int
    episodes_without_consent: int


class _Writer:
    def __init__(self, settings: HandoffSettings, export_id: str) -> None:
        assert settings.hmis_id_key is not None
        self.key = settings.hmis_id_key.get_secret_value().encode()
        self.zone = ZoneInfo(settings.timezone)
        self.settings, self.export_id = settings, export_id

    def pseudonym(self, kind: str, key: UUID) -> str:
        return hmac.new(self.key, f"{kind}:{key}".encode(), hashlib.sha256).hexdigest()[:32]

    def day(self, moment: datetime | None) -> str:
        return moment.astimezone(self.zone).strftime(spec.DATE_FORMAT) if moment else ""

    def stamp(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).strftime(spec.TIMESTAMP_FORMAT)

    def meta(self, created: datetime, updated: datetime) -> dict[str, str]:
        return {
            "DateCreated": self.stamp(created),
            "DateUpdated": self.stamp(updated),
            "UserID": USER_ID,
            "ExportID": self.export_id,
        }

    def event(self, referral: Referral, person_id: UUID) -> dict[str, object]:
        updated = max(t for t in (referral.sent_at, referral.result_date, referral.closed_at) if t is not None)
        result = RESULT_VALUE[ReferralResult(referral.result)] if referral.result else ""
        return {
            "EventID": self.pseudonym("event", referral.referral_id),
            "EnrollmentID": self.pseudonym("enrollment", referral.episode_id),
            "PersonalID": self.pseudonym("person", person_id),
            "EventDate": self.day(referral.sent_at),
            "Event": EVENT_VALUE[referral.hmis_event or ""],
            "LocationCrisisOrPHHousing": referral.to_party,
            "ReferralResult": result,
            "ResultDate": self.day(referral.result_date) if result else "",
            **self.meta(referral.sent_at, updated),
        }

    def enrollment(self, episode_id: UUID, person_id: UUID, entry: datetime, updated: datetime) -> dict[str, object]:
        return {
            "EnrollmentID": self.pseudonym("enrollment", episode_id),
            "PersonalID": self.pseudonym("person", person_id),
            "ProjectID": self.settings.hmis_project_id,
            "EntryDate": self.day(entry),
            "HouseholdID": self.pseudonym("household", episode_id),
            "RelationshipToHoH": SELF,
            "DisablingCondition": NOT_COLLECTED,
            **self.meta(entry, updated),
        }

    def client(self, person_id: UUID, created: datetime, updated: datetime) -> dict[str, object]:
        unknown = ("NameDataQuality", "SSNDataQuality", "DOBDataQuality", "Sex", "RaceNone", "VeteranStatus")
        return {
            "PersonalID": self.pseudonym("person", person_id),
            **dict.fromkeys(unknown, NOT_COLLECTED),
            **dict.fromkeys(spec.RACES, 0),
            **self.meta(created, updated),
        }

    def export(self, start: date, end: date, now: datetime) -> dict[str, object]:
        return {
            "ExportID": self.export_id,
            "SourceType": SOURCE_STANDALONE,
            "SourceName": self.settings.hmis_source_name,
            "ExportDate": self.stamp(now),
            "ExportStartDate": start.isoformat(),
            "ExportEndDate": end.isoformat(),
            "SoftwareName": SOFTWARE_NAME,
            "CSVVersion": spec.CSV_VERSION,
            "ExportPeriodType": REPORTING_PERIOD,
            "ExportDirective": FULL_REFRESH,
            "HashStatus": UNHASHED,  # nothing to hash: no name, SSN or date of birth is exported
            "ImplementationID": self.settings.hmis_implementation_id,
        }


def _csv(columns: tuple[spec.Column, ...], rows: Iterable[dict[str, object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.name for column in columns])
    for row in rows:
        writer.writerow([row.get(column.name, "") for column in columns])
    return out.getvalue()


def _referrals(session: Session, start: date, end: date, zone: ZoneInfo) -> list[Referral]:
    since = datetime.combine(start, time(), zone).astimezone(UTC)
    until = datetime.combine(end + timedelta(days=1), time(), zone).astimezone(UTC)
    sent = (col(Referral.sent_at) >= since) & (col(Referral.sent_at) < until)
    resulted = (col(Referral.result_date) >= since) & (col(Referral.result_date) < until)
    query = select(Referral).where(col(Referral.hmis_event).in_(EVENT_VALUE), or_(sent, resulted))
    return list(session.exec(query.order_by(col(Referral.sent_at), col(Referral.referral_id))).all())


def hmis_export(session: Session, start: date, end: date, settings: HandoffSettings, now: datetime) -> Export:
    if settings.hmis_id_key is None:
        raise ExportOff
    writer = _Writer(settings, uuid4().hex)
    referrals = _referrals(session, start, end, writer.zone)
    episodes = {referral.episode_id for referral in referrals}
    covered = coverage(session, episodes, settings, now)
    exported = [(r, person_id) for r in referrals if (person_id := covered.person(r.episode_id)) is not None]
    by_episode: dict[UUID, list[Referral]] = {}
    for referral, _ in exported:
        by_episode.setdefault(referral.episode_id, []).append(referral)
    enrollments, people = [], {}
    for episode_id, its in by_episode.items():
        person_id = covered.person_of[episode_id]
        known = session.get(HandoffEpisode, episode_id)
        entry = min([r.sent_at for r in its] + ([known.triaged_at] if known else []))
        enrollments.append(writer.enrollment(episode_id, person_id, entry, max(r.sent_at for r in its)))
        first, last = people.get(person_id, (entry, entry))
        people[person_id] = (min(first, entry), max(last, entry))
    files = {
        "Export.csv": _csv(spec.EXPORT, [writer.export(start, end, now)]),
        "Client.csv": _csv(spec.CLIENT, [writer.client(p, *span) for p, span in people.items()]),
        "Enrollment.csv": _csv(spec.ENROLLMENT, enrollments),
        "Event.csv": _csv(spec.EVENT, [writer.event(r, person_id) for r, person_id in exported]),
    }
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, text in files.items():
            zipped.writestr(name, text.encode("utf-8"))
    return Export(archive.getvalue(), len(exported), len(by_episode), len(episodes) - len(by_episode))
