"""Outcome measures (NPRS, PHQ-9, GAD-7, ODI, LEFS...): scoring and trends."""
