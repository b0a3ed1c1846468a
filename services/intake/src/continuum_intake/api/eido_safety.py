"""What a NENA EIDO document says about the safety of the people who respond, as intake's safety flags.

Only what the standard carries as codes or indicators is read; free text (``incidentTypeInternalText``, a
caution's text, notes) never is. Two signals:

- The incident type, ``incidentComponent.incidentTypeCommonRegistryText``: the EIDO-IncidentType-Common registry
  of NENA-STA-021.1 (its values are APCO ANS 2.103.2-2019's). ``INCIDENT_TYPE_SAFETY`` lists the types whose
  registry text itself names a weapon, violence or an overdose; every other type raises no flag.
- An item a person "carries or has direct access to" (NENA-STA-021.1.1, still a draft in NENA's EIDO-JSON
  schema): ``personComponent.itemReference`` names an Item data component whose ``ncItemType`` (NIEM
  ``nc:ItemType``) has ``isWeapon`` (``nc:WeaponIndicator``) or ``isWeaponUsage`` (``nc:WeaponUsageIndicator``,
  an object not meant as a weapon used as one) true: that is ``weapon``. The draft defines the Item data
  component but gives it no array in the document; intake reads it from ``itemComponent``, the name the draft
  gives every other component's. An item only an emergency resource or a vehicle references (a responder's
  sidearm, a tool) is not the person's; a reference no item answers is ignored.

The draft's Caution data component (``cautionComponent``) is accepted and not read: its CautionType registry
is not published, so no value of it can be mapped faithfully.
"""

from continuum_contracts.vocabulary import SafetyFlag

WEAPON, VIOLENCE, MEDICAL = SafetyFlag.WEAPON, SafetyFlag.VIOLENCE_IN_PROGRESS, SafetyFlag.MEDICAL_EMERGENCY

INCIDENT_TYPE_SAFETY: dict[str, frozenset[SafetyFlag]] = {
    "WEAPON": frozenset({WEAPON}),  # Weapon Violation
    "NCRASLTWF": frozenset({WEAPON}),  # Assault with Weapon
    "SHOOT": frozenset({WEAPON}),  # Shooting
    "STABBING": frozenset({WEAPON}),  # Stabbing
    "ACTSHOOT": frozenset({WEAPON, VIOLENCE}),  # Active Shooter
    "MTLV": frozenset({VIOLENCE}),  # Mental Person Violent
    "DVA": frozenset({VIOLENCE}),  # Domestic Violent
    "CU1": frozenset({VIOLENCE}),  # Civil Unrest Violent
    "FIGHT": frozenset({VIOLENCE}),  # Fight
    "OD": frozenset({MEDICAL}),  # Overdose - Accidental, Poisoning, Accidental Ingestion
}
