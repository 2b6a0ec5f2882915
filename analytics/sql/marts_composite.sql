-- Composite index per school and year over all assessments (the default of the methodology).
CREATE OR REPLACE TEMP VIEW composite_input AS
SELECT r.school_id, r.year, r.assessment, r.subject, r.grade, r.participants, r.mean_score,
       coalesce(m.region, '') AS region
FROM results r
JOIN school s USING (school_id)
JOIN municipality m USING (municipality_id);
