"""Treatment plans: diagnosis, measurable goals with dates, planned visits and
their frequency, progress from notes and outcome measures, plan status."""
