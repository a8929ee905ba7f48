"""Patient documents: uploads to a chart, stored encrypted at rest."""
