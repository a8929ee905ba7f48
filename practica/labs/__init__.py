"""Lab and test results: LOINC-coded values with units, reference ranges and
abnormal flags, and a trend chart per test."""
