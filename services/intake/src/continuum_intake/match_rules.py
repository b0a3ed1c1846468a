"""The person-matching rule: which details make two contacts the same person. Pure, no I/O.

A strong match (the same normalized phone number, or the same normalized name and date of birth) is the
same person. The same name alone is weak: never merged here, only put to a supervisor for review.
"""

import unicodedata
from datetime import date
from enum import StrEnum

MIN_PHONE_DIGITS = 7  # shorter numbers ("0", "911") would match strangers


def normalized_phone(phone: str | None) -> str | None:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


def normalized_name(name: str | None) -> str | None:
    """Case, accents, punctuation and spacing do not make a different name."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    letters = "".join(ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch))
    words = letters.casefold().split()
    return " ".join(words) or None


def name_with_birth_date(name: str | None, date_of_birth: date | None) -> str | None:
    normalized = normalized_name(name)
    return f"{normalized}|{date_of_birth.isoformat()}" if normalized and date_of_birth else None


class ReviewReason(StrEnum):
    SAME_NAME_NO_BIRTH_DATE = "same_name_birth_date_unknown"
    SAME_NAME_OTHER_BIRTH_DATE = "same_name_other_birth_date"


def review_reason(new_birth_date_known: bool, candidate_birth_date_known: bool) -> ReviewReason:
    """Why a weak match (the same name only) goes to review."""
    if new_birth_date_known and candidate_birth_date_known:
        return ReviewReason.SAME_NAME_OTHER_BIRTH_DATE
    return ReviewReason.SAME_NAME_NO_BIRTH_DATE
