"""The HMIS CSV Format Specifications FY2026, for the four files handoff exports: each file's columns in the
spec's order with the spec's type (S<n> a string of at most n characters, I an integer, D a date yyyy-mm-dd,
T a timestamp yyyy-mm-dd hh:mm:ss), whether it may be empty, and for the integer codes handoff writes the
spec's list of values; and ``problems``, which checks a written file against them.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

CSV_VERSION = "2026 v1"
DATE_FORMAT, TIMESTAMP_FORMAT = "%Y-%m-%d", "%Y-%m-%d %H:%M:%S"

NO_YES = (0, 1)  # list 1.10
NO_YES_MISSING = (0, 1, 8, 9, 99)  # list 1.8: no, yes, client doesn't know, prefers not to answer, not collected
MISSING = (8, 9, 99)  # the reasons for missing data
DATA_QUALITY = (1, 2, 8, 9, 99)  # lists 3.01.5, 3.02.2, 3.03.2: full, partial or approximate, then missing
LISTS: dict[str, tuple[int, ...]] = {
    "SourceType": (1, 2, 3, 4),  # CoC HMIS, standalone/agency-specific application, data warehouse, other
    "ExportPeriodType": (1, 2, 3, 4),  # updated, effective, reporting period, other
    "ExportDirective": (1, 2, 3),  # delta refresh, full refresh, other
    "HashStatus": (1, 2, 3, 4),  # unhashed, SHA-1 RHY, hashed other, SHA-256 (RHY)
    "NameDataQuality": DATA_QUALITY,
    "SSNDataQuality": DATA_QUALITY,
    "DOBDataQuality": DATA_QUALITY,
    "Sex": (0, 1, *MISSING),  # 4.21
    "RaceNone": MISSING,
    "VeteranStatus": NO_YES_MISSING,
    "RelationshipToHoH": (1, 2, 3, 4, 5, 99),  # 3.15.1: self (head of household), child, spouse, other ...
    "DisablingCondition": NO_YES_MISSING,
    "Event": (*range(1, 17), 18),  # 4.20.2 (17, the Emergency Housing Voucher, was removed in FY2024)
    "ProbSolDivRRResult": NO_YES,
    "ReferralCaseManageAfter": NO_YES,
    "ReferralResult": (1, 2, 3),  # 4.20.D: accepted; unsuccessful: client rejected, provider rejected
}
RACES = ("AmIndAKNative", "Asian", "BlackAfAmerican", "HispanicLatinao", "MidEastNAfrican", "NativeHIPacific", "White")
LISTS |= dict.fromkeys(RACES, NO_YES)
# 4.20.C and D: a location and a result only for a referral to a project or resource opening.
RESULT_EVENTS = frozenset({10, 11, 12, 13, 14, 15, 18})


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool


def _columns(spec: str) -> tuple[Column, ...]:
    """Columns in order, each ``Name:Type``, with ``*`` after the type when the spec allows no empty value."""
    tokens = (token.split(":") for token in spec.split())
    return tuple(Column(name, kind.rstrip("*"), kind.endswith("*")) for name, kind in tokens)


META = "DateCreated:T* DateUpdated:T* UserID:S32* DateDeleted:T ExportID:S32*"
EXPORT = _columns("""
    ExportID:S32* SourceType:I* SourceID:S350 SourceName:S50 SourceContactFirst:S50 SourceContactLast:S50
    SourceContactPhone:S10 SourceContactExtension:S5 SourceContactEmail:S320 ExportDate:T* ExportStartDate:D*
    ExportEndDate:D* SoftwareName:S50 SoftwareVersion:S50 CSVVersion:S50* ExportPeriodType:I* ExportDirective:I*
    HashStatus:I* ImplementationID:S200*
""")
CLIENT = _columns(f"""
    PersonalID:S32* FirstName:S50 MiddleName:S50 LastName:S50 NameSuffix:S50 NameDataQuality:I* SSN:S9
    SSNDataQuality:I* DOB:D DOBDataQuality:I* Sex:I {" ".join(f"{race}:I*" for race in RACES)} RaceNone:I
    AdditionalRaceEthnicity:S100 VeteranStatus:I* YearEnteredService:I YearSeparated:I WorldWarII:I KoreanWar:I
    VietnamWar:I DesertStorm:I AfghanistanOEF:I IraqOIF:I IraqOND:I OtherTheater:I MilitaryBranch:I
    DischargeStatus:I {META}
""")
ENROLLMENT = _columns(f"""
    EnrollmentID:S32* PersonalID:S32* ProjectID:S32* EntryDate:D* HouseholdID:S32* RelationshipToHoH:I*
    EnrollmentCoC:S6 LivingSituation:I RentalSubsidyType:I LengthOfStay:I LOSUnderThreshold:I
    PreviousStreetESSH:I DateToStreetESSH:D TimesHomelessPastThreeYears:I MonthsHomelessPastThreeYears:I
    DisablingCondition:I* DateOfEngagement:D MoveInDate:D DateOfPATHStatus:D ClientEnrolledInPATH:I
    ReasonNotEnrolled:I PercentAMI:I ReferralSource:I CountOutreachReferralApproaches:I DateOfBCPStatus:D
    EligibleForRHY:I ReasonNoServices:I RunawayYouth:I MentalHealthConsultation:I FormerWardChildWelfare:I
    ChildWelfareYears:I ChildWelfareMonths:I FormerWardJuvenileJustice:I JuvenileJusticeYears:I
    JuvenileJusticeMonths:I UnemploymentFam:I MentalHealthDisorderFam:I PhysicalDisabilityFam:I
    AlcoholDrugUseDisorderFam:I InsufficientIncome:I IncarceratedParent:I VAMCStation:S5 TargetScreenReqd:I
    TimeToHousingLoss:I AnnualPercentAMI:I LiteralHomelessHistory:I ClientLeaseholder:I HOHLeaseholder:I
    SubsidyAtRisk:I EvictionHistory:I CriminalRecord:I IncarceratedAdult:I PrisonDischarge:I SexOffender:I
    DisabledHoH:I CurrentPregnant:I SingleParent:I DependentUnder6:I HH5Plus:I CoCPrioritized:I
    HPScreeningScore:I ThresholdScore:I {META}
""")
EVENT = _columns(f"""
    EventID:S32* EnrollmentID:S32* PersonalID:S32* EventDate:D* Event:I* ProbSolDivRRResult:I
    ReferralCaseManageAfter:I LocationCrisisOrPHHousing:S250 ReferralResult:I ResultDate:D {META}
""")
FILES: dict[str, tuple[Column, ...]] = {
    "Export.csv": EXPORT,
    "Client.csv": CLIENT,
    "Enrollment.csv": ENROLLMENT,
    "Event.csv": EVENT,
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")
_INTEGER = re.compile(r"-?\d+")


def _value_problem(column: Column, value: str) -> str | None:
    if value == "":
        return "is empty" if column.required else None
    if column.type == "I":
        if not _INTEGER.fullmatch(value):
            return f"{value!r} is not an integer"
        allowed = LISTS.get(column.name)
        return f"{value} is not in the spec's list {allowed}" if allowed and int(value) not in allowed else None
    if column.type == "D":
        ok = _DATE.fullmatch(value) and date.fromisoformat(value)
        return None if ok else f"{value!r} is not a date yyyy-mm-dd"
    if column.type == "T":
        ok = _TIMESTAMP.fullmatch(value) and datetime.strptime(value, TIMESTAMP_FORMAT)
        return None if ok else f"{value!r} is not a timestamp yyyy-mm-dd hh:mm:ss"
    limit = int(column.type.removeprefix("S"))
    return f"is {len(value)} characters, more than {limit}" if len(value) > limit else None


def _event_problems(row: dict[str, str]) -> list[str]:
    """4.20's dependent fields: a location and a result only for an opening; a result date with its result."""
    problems = []
    takes_result = row["Event"].isdigit() and int(row["Event"]) in RESULT_EVENTS
    for name in ("LocationCrisisOrPHHousing", "ReferralResult", "ResultDate"):
        if row[name] and not takes_result:
            problems.append(f"{name} is only for Event {sorted(RESULT_EVENTS)}")
    if bool(row["ReferralResult"]) != bool(row["ResultDate"]):
        problems.append("ReferralResult and ResultDate go together")
    return problems


def problems(file_name: str, text: str) -> list[str]:
    """Everything in a written file the spec does not allow: its header, then each row's values."""
    columns = FILES[file_name]
    rows = list(csv.reader(io.StringIO(text, newline="")))
    expected = [column.name for column in columns]
    if not rows or rows[0] != expected:
        return [f"{file_name}: the header is not the spec's {expected}"]
    found = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(columns):
            found.append(f"{file_name} row {number}: {len(row)} values for {len(columns)} columns")
            continue
        for column, value in zip(columns, row, strict=True):
            if (problem := _value_problem(column, value)) is not None:
                found.append(f"{file_name} row {number} {column.name}: {problem}")
        if file_name == "Event.csv":
            found += [f"{file_name} row {number}: {p}" for p in _event_problems(dict(zip(expected, row, strict=True)))]
    return found
