"""FHIR R4 export (and import) of a programme, shaped for SATUSEHAT; see docs/fhir.md."""
