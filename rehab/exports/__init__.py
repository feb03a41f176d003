"""Exports and imports: PDF, CSV and FHIR R4 writers and the CSV importer, fed by the services.

Pure rendering and parsing: no SQL and no streamlit here.
"""
