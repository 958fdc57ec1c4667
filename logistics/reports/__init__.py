"""Analyst reports: KPI tables as pandas DataFrames (shaped from query rows), exports, charts.

Pure: no database here. The queries live in `logistics.persistence.repositories.reports`, and
`logistics.services.reports` joins the two.
"""
