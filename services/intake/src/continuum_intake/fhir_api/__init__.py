"""A FHIR R4 facade on intake (/fhir): the person's consents as FHIR Consents, read and recorded."""

from continuum_intake.fhir_api.routes import router

__all__ = ["router"]
