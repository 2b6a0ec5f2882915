-- Pre-aggregated marts, rebuilt inside every warehouse build (before the swap),
-- so that pages read small tables instead of scanning raw result rows per rerun.

-- Region x year x assessment x subject x grade: participant-weighted means and shares.
CREATE OR REPLACE TABLE mart_region_year AS
SELECT
    m.region,
    r.year, r.assessment, r.subject, r.grade, r.scale,
    count(*)                                             AS n_schools,
    sum(r.participants)                                  AS participants,
    sum(r.participants * r.mean_score) / sum(r.participants) AS mean_score,
    sum(r.n_below_min) / nullif(sum(CASE WHEN r.n_below_min IS NOT NULL THEN r.participants END), 0)
                                                         AS share_below_min,
    sum(r.n_high) / nullif(sum(CASE WHEN r.n_high IS NOT NULL THEN r.participants END), 0)
                                                         AS share_high
FROM results r
JOIN school s USING (school_id)
JOIN municipality m USING (municipality_id)
WHERE r.participants > 0
GROUP BY ALL;

-- Municipality x year x assessment x subject x grade.
CREATE OR REPLACE TABLE mart_municipality_year AS
SELECT
    s.municipality_id,
    r.year, r.assessment, r.subject, r.grade, r.scale,
    count(*)                                             AS n_schools,
    sum(r.participants)                                  AS participants,
    sum(r.participants * r.mean_score) / sum(r.participants) AS mean_score,
    sum(r.n_below_min) / nullif(sum(CASE WHEN r.n_below_min IS NOT NULL THEN r.participants END), 0)
                                                         AS share_below_min,
    sum(r.n_high) / nullif(sum(CASE WHEN r.n_high IS NOT NULL THEN r.participants END), 0)
                                                         AS share_high
FROM results r
JOIN school s USING (school_id)
WHERE r.participants > 0
GROUP BY ALL;
