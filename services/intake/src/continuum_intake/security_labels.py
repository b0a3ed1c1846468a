"""DS4P security labels on what intake discloses (HL7 FHIR Data Segmentation for Privacy): pure, no I/O.

Every release is behavioral-health information shared only under the person's consent, so it is labelled
confidentiality ``R`` (restricted, v3-Confidentiality). A release that carries 42 CFR Part 2 information (the
substance_use category, which only a Part 2 consent covers; the same test as the redisclosure notice) is also
labelled with the governing policy ``42CFRPart2`` and the refrain ``NORDSCLCD`` (no redisclosure without
consent directive), both from v3-ActCode, as the DS4P IG's Part 2 examples do.
"""

CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"

RESTRICTED = {"system": CONFIDENTIALITY, "code": "R", "display": "restricted"}
PART2_POLICY = {"system": ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2"}
NO_REDISCLOSURE = {"system": ACT_CODE, "code": "NORDSCLCD", "display": "no redisclosure without consent directive"}


def disclosure_labels(part2: bool) -> list[dict[str, str]]:
    """The security labels of one release: R always; 42CFRPart2 and NORDSCLCD when it carries Part 2 data."""
    labels = [RESTRICTED]
    if part2:
        labels += [PART2_POLICY, NO_REDISCLOSURE]
    return [dict(label) for label in labels]
