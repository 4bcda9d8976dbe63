"""Oversight of a province's communes: activity, compliance, page views, review reminders."""
