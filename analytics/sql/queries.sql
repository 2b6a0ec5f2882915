-- Named read queries (see analytics/queries.py). Parameters are $names, always bound.

-- name: meta
SELECT key, value FROM meta

-- name: years
SELECT DISTINCT year FROM results ORDER BY year

-- name: municipalities
SELECT municipality_id, name, kind, centre_name, centre_lat, centre_lon, region
FROM municipality ORDER BY (kind = 'городской округ') DESC, name

-- name: subjects
SELECT assessment, subject, min(grade) AS min_grade, max(grade) AS max_grade, sum(participants) AS participants
FROM mart_region_year GROUP BY ALL ORDER BY assessment, participants DESC

-- name: school_counts
-- Schools with data in $year, in one municipality or all ($municipality_id NULL).
SELECT count(*) AS schools,
       count(*) FILTER (WHERE y.students < $small) AS small_schools,
       sum(y.students) AS students,
       count(*) FILTER (WHERE NOT coalesce(s.urban, false)) AS rural_schools
FROM school s
JOIN school_year y ON y.school_id = s.school_id AND y.year = $year
WHERE $municipality_id IS NULL OR s.municipality_id = $municipality_id

-- name: programme_counts
-- Schools of each programme that are in it in $year (entry <= year <= exit) and ever.
SELECT p.programme_id, p.name, p.level, p.start_year, p.end_year,
       count(ps.school_id) FILTER (WHERE ps.entry_year <= $year
                                   AND coalesce(ps.exit_year, 9999) >= $year) AS active,
       count(ps.school_id) AS ever
FROM programme p
LEFT JOIN programme_school ps ON ps.programme_id = p.programme_id
LEFT JOIN school s ON s.school_id = ps.school_id
WHERE $municipality_id IS NULL OR s.municipality_id = $municipality_id OR ps.school_id IS NULL
GROUP BY ALL ORDER BY p.start_year

-- name: composite_window
-- Composite index of every school with data in $first..$last, with its region and municipality.
SELECT c.school_id, c.year, c.composite, c.participants, s.municipality_id, coalesce(m.region, '') AS region
FROM mart_school_composite c
JOIN school s USING (school_id)
JOIN municipality m USING (municipality_id)
WHERE c.year BETWEEN $first AND $last

-- name: region_trend
-- All regions of the warehouse together (one region in a regional deployment).
SELECT year,
       sum(participants * mean_score) / sum(participants)                        AS mean_score,
       sum(participants * share_below_min) / sum(participants) FILTER (WHERE share_below_min IS NOT NULL)
                                                                                  AS share_below_min,
       sum(participants * share_high) / sum(participants) FILTER (WHERE share_high IS NOT NULL)
                                                                                  AS share_high,
       sum(participants)                                                          AS participants,
       sum(n_schools)                                                             AS n_schools,
       any_value(scale)                                                           AS scale
FROM mart_region_year
WHERE assessment = $assessment AND subject = $subject AND grade = $grade
  AND year BETWEEN $first AND $last
GROUP BY year
ORDER BY year

-- name: municipality_trend
SELECT year, mean_score, share_below_min, share_high, participants, n_schools, scale
FROM mart_municipality_year
WHERE municipality_id = $municipality_id
  AND assessment = $assessment AND subject = $subject AND grade = $grade
  AND year BETWEEN $first AND $last
ORDER BY year

-- name: year_notes
SELECT year, comparable, note FROM year_note WHERE assessment = $assessment ORDER BY year

-- name: load_history
SELECT loaded_at, file_name, kind, rows_read, rows_loaded, outcome, message
FROM load_log ORDER BY loaded_at DESC, file_name LIMIT $limit

-- name: school_results
-- One assessment/subject/grade over $first..$last, school by school, with names.
SELECT r.school_id, r.year, r.participants, r.mean_score, r.scale,
       r.n_mark2, r.n_mark3, r.n_mark4, r.n_mark5, r.n_below_min, r.n_high,
       s.name, s.municipality_id, m.name AS municipality
FROM results r
JOIN school s USING (school_id)
JOIN municipality m USING (municipality_id)
WHERE r.assessment = $assessment AND r.subject = $subject AND r.grade = $grade
  AND r.year BETWEEN $first AND $last AND r.participants > 0

-- name: group_trend
-- Yearly results of the schools in the list $ids.
SELECT year,
       sum(participants * mean_score) / sum(participants)                                        AS mean_score,
       sum(n_below_min) / nullif(sum(participants) FILTER (WHERE n_below_min IS NOT NULL), 0)    AS share_below_min,
       sum(n_high) / nullif(sum(participants) FILTER (WHERE n_high IS NOT NULL), 0)              AS share_high,
       sum(participants)                                                                         AS participants,
       count(*)                                                                                  AS n_schools,
       any_value(scale)                                                                          AS scale
FROM results
WHERE assessment = $assessment AND subject = $subject AND grade = $grade
  AND year BETWEEN $first AND $last AND participants > 0
  AND school_id IN (SELECT unnest($ids))
GROUP BY year
ORDER BY year

-- name: school_attributes
SELECT s.school_id, s.name, s.municipality_id, s.urban, y.students
FROM school s LEFT JOIN school_year y ON y.school_id = s.school_id AND y.year = $year
ORDER BY s.municipality_id, s.name

-- name: programme_members
SELECT p.programme_id, p.name, ps.school_id, ps.entry_year, ps.exit_year
FROM programme_school ps JOIN programme p USING (programme_id)
ORDER BY p.start_year, ps.school_id

-- name: composite_panel
SELECT school_id, year, composite AS y FROM mart_school_composite

-- name: subject_panel
-- Participant-weighted mean score of one assessment and subject per school and year (all grades).
SELECT school_id, year, sum(participants * mean_score) / sum(participants) AS y
FROM results
WHERE assessment = $assessment AND subject = $subject AND participants > 0
GROUP BY school_id, year

-- name: programme
SELECT * FROM programme WHERE programme_id = $programme_id

-- name: programme_schools
SELECT * FROM programme_school ORDER BY programme_id, entry_year, school_id

-- name: vpr_higher_share
-- Share of ВПР marks above the journal marks, per school and year (non-objectivity marker).
SELECT school_id, year, sum(higher) / sum(confirmed + lower + higher) AS share_higher
FROM mark_agreement GROUP BY school_id, year

-- name: programme_list
SELECT programme_id, name, level, start_year, end_year, selection_rule, selection_years
FROM programme ORDER BY start_year

-- name: context_year
-- Everything the wellbeing index and the ШФНСУ flags need for one year, per school.
SELECT s.school_id, s.name, s.municipality_id, m.name AS municipality, s.urban, s.lat, s.lon,
       m.centre_lat, m.centre_lon, y.students, y.teachers, y.teacher_vacancies, y.computers, y.internet_mbps,
       c.share_deviant, c.share_low_motivation, c.share_weak_russian, c.share_low_income,
       c.share_parents_higher_edu, c.share_disabled
FROM school s
JOIN municipality m USING (municipality_id)
LEFT JOIN school_year y ON y.school_id = s.school_id AND y.year = $year
LEFT JOIN social_context c ON c.school_id = s.school_id AND c.year = $year
ORDER BY s.school_id

-- name: secondary_indicators
-- Continuation to grade 10 and olympiad participation (regional + final stages) over $first..$last.
WITH cont AS (
    SELECT school_id, sum(continued_grade10)::DOUBLE / nullif(sum(grade9_graduates), 0) AS continuation
    FROM continuation WHERE year BETWEEN $first AND $last GROUP BY school_id),
oly AS (
    SELECT o.school_id, sum(o.participants)::DOUBLE AS olympiad_participants
    FROM olympiad o WHERE o.year BETWEEN $first AND $last AND o.stage IN ('региональный', 'заключительный')
    GROUP BY o.school_id),
stud AS (
    SELECT school_id, sum(students)::DOUBLE AS student_years FROM school_year
    WHERE year BETWEEN $first AND $last GROUP BY school_id)
SELECT s.school_id, cont.continuation,
       coalesce(oly.olympiad_participants, 0) / nullif(stud.student_years, 0) AS olympiad_share
FROM school s LEFT JOIN cont USING (school_id) LEFT JOIN oly USING (school_id) LEFT JOIN stud USING (school_id)

-- name: risk_profiles
SELECT r.school_id, s.name, s.municipality_id, m.name AS municipality, r.year, r.factor, f.name AS factor_name, r.level
FROM risk_profile r
JOIN risk_factor f USING (factor)
JOIN school s USING (school_id)
JOIN municipality m USING (municipality_id)
ORDER BY r.school_id, r.year, r.factor

-- name: school_info
SELECT s.*, m.name AS municipality, y.students, y.teachers, y.teacher_vacancies, y.computers, y.internet_mbps
FROM school s JOIN municipality m USING (municipality_id)
LEFT JOIN school_year y ON y.school_id = s.school_id AND y.year = $year
WHERE s.school_id = $school_id

-- name: school_programmes
SELECT p.name, ps.entry_year, ps.exit_year, ps.selection_score, ps.selection
FROM programme_school ps JOIN programme p USING (programme_id)
WHERE ps.school_id = $school_id ORDER BY ps.entry_year

-- name: results_window
SELECT r.school_id, r.year, r.assessment, r.subject, r.grade, r.participants, r.mean_score,
       s.municipality_id, coalesce(m.region, '') AS region
FROM results r JOIN school s USING (school_id) JOIN municipality m USING (municipality_id)
WHERE r.year BETWEEN $first AND $last

-- name: geo_schools
-- Schools with position, size, municipality centre and the 3-year composite ending in $year.
SELECT s.school_id, s.name, s.municipality_id, m.name AS municipality, coalesce(m.region, '') AS region,
       s.settlement, s.settlement_type, s.lat, s.lon, m.centre_lat, m.centre_lon, y.students, y.internet_mbps,
       (SELECT avg(c.composite) FROM mart_school_composite c
        WHERE c.school_id = s.school_id AND c.year BETWEEN $year - 2 AND $year) AS composite
FROM school s
JOIN municipality m USING (municipality_id)
LEFT JOIN school_year y ON y.school_id = s.school_id AND y.year = $year
WHERE s.lat IS NOT NULL AND s.lon IS NOT NULL
ORDER BY s.school_id

-- name: geo_municipalities
SELECT m.municipality_id, m.name, coalesce(m.region, '') AS region, m.centre_name, m.centre_lat, m.centre_lon,
       m.geometry, (m.kind = 'городской округ') AS is_city,
       (SELECT count(*) FROM school s WHERE s.municipality_id = m.municipality_id) AS n_schools
FROM municipality m ORDER BY m.municipality_id

-- name: school_risks
SELECT r.year, r.factor, f.name AS factor_name, r.level
FROM risk_profile r JOIN risk_factor f USING (factor)
WHERE r.school_id = $school_id ORDER BY r.year, r.factor
