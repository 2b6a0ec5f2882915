-- Composite result index (methodology v1.0; formula in analytics/indices.py).
-- Input relation `composite_input`: school_id, year, assessment, subject, grade,
-- participants, mean_score, region. One row per school and year out.
WITH cells AS (
    SELECT *,
           avg(mean_score)         OVER w AS cell_mean,
           stddev_samp(mean_score) OVER w AS cell_sd,
           count(*)                OVER w AS cell_schools
    FROM composite_input
    WHERE participants > 0
    WINDOW w AS (PARTITION BY region, year, assessment, subject, grade)
)
SELECT school_id,
       year,
       sum(participants * (mean_score - cell_mean) / cell_sd) / sum(participants) AS composite,
       count(*)::INTEGER          AS n_cells,
       sum(participants)::BIGINT  AS participants
FROM cells
WHERE cell_schools >= 3 AND cell_sd > 0
GROUP BY school_id, year
ORDER BY school_id, year
