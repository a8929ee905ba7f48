"""Full-text search across a patient's notes and documents, and across the
clinic for roles allowed to see clinical content."""
