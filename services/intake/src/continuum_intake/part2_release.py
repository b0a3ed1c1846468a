"""The 42 CFR Part 2 release rule: substance-use records are released only under the substance_use category.

Segmentation is by record: a contact whose needs included substance use is substance-use information as a
whole, notes and all. Its notes go out only under substance_use (which only a Part 2 consent covers); the
needs category lists its other needs, never the substance-use need itself. Pure, no I/O.
"""

from collections.abc import Sequence
from typing import Protocol, TypeVar

from continuum_contracts.vocabulary import DataCategory, Need

# 42 CFR 2.32(a)(1): the notice that accompanies each disclosure made with the patient's consent.
PART2_NOTICE = (
    "This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2). "
    "These rules prohibit you from using or disclosing this record, or testimony that describes the information "
    "contained in this record, in any civil, criminal, administrative, or legislative proceedings by any Federal, "
    "State, or local authority, against the patient, unless authorized by the consent of the patient, except as "
    "provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In "
    "addition, the Federal rules prohibit you from making any further disclosure of this record unless "
    "authorized by the written consent of the person to whom it pertains, or as otherwise permitted by 42 CFR "
    "part 2. A general authorization for the release of medical or other information is not sufficient for "
    "this purpose (see 42 CFR 2.31)."
)


class ContactRecord(Protocol):
    needs: list[str]


R = TypeVar("R", bound=ContactRecord)


def is_substance_use_record(needs: list[str]) -> bool:
    return Need.SUBSTANCE_USE in needs


def notes_released_under(category: DataCategory, contacts: Sequence[R]) -> list[R]:
    """The contacts whose notes a category releases: substance-use records' only under substance_use."""
    substance_use = category is DataCategory.SUBSTANCE_USE
    return [contact for contact in contacts if is_substance_use_record(contact.needs) is substance_use]


def needs_released(contacts: Sequence[ContactRecord]) -> list[str]:
    """Every contact's needs under the needs category, except the substance-use need itself."""
    return sorted({need for contact in contacts for need in contact.needs if need != Need.SUBSTANCE_USE})
