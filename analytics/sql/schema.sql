-- Warehouse schema. School-level aggregates only: no personal data, no per-student rows.
-- Natural keys are primary keys; the loader replaces rows by key (see analytics/ingest).

CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS municipality (
    municipality_id VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    kind            VARCHAR,            -- район | городской округ
    centre_name     VARCHAR,
    centre_lat      DOUBLE,
    centre_lon      DOUBLE,
    region          VARCHAR,            -- subject of the federation (country-scale data)
    geometry        VARCHAR             -- GeoJSON geometry (WGS84), NULL until boundaries are loaded
);

CREATE TABLE IF NOT EXISTS school (
    school_id       VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    municipality_id VARCHAR NOT NULL,
    settlement      VARCHAR,
    settlement_type VARCHAR,            -- город | пгт | село | станица | посёлок ...
    urban           BOOLEAN,            -- город or пгт
    lat             DOUBLE,
    lon             DOUBLE,
    founded         INTEGER,
    closed          INTEGER
);

CREATE TABLE IF NOT EXISTS school_year (
    school_id         VARCHAR NOT NULL,
    year              INTEGER NOT NULL,
    students          INTEGER NOT NULL,
    teachers          INTEGER,
    teacher_vacancies INTEGER,
    computers         INTEGER,
    internet_mbps     DOUBLE,
    PRIMARY KEY (school_id, year)
);

CREATE TABLE IF NOT EXISTS social_context (
    school_id                VARCHAR NOT NULL,
    year                     INTEGER NOT NULL,
    share_deviant            DOUBLE,
    share_low_motivation     DOUBLE,
    share_weak_russian       DOUBLE,
    share_low_income         DOUBLE,
    share_parents_higher_edu DOUBLE,
    share_disabled           DOUBLE,
    PRIMARY KEY (school_id, year)
);

CREATE TABLE IF NOT EXISTS results (
    school_id   VARCHAR NOT NULL,
    year        INTEGER NOT NULL,
    assessment  VARCHAR NOT NULL,       -- ЕГЭ | ОГЭ | ВПР
    subject     VARCHAR NOT NULL,
    grade       INTEGER NOT NULL,
    participants INTEGER NOT NULL,
    mean_score  DOUBLE NOT NULL,
    scale       VARCHAR NOT NULL,       -- test100 | mark5 | primary
    n_below_min INTEGER,
    n_high      INTEGER,
    n_mark2     INTEGER,
    n_mark3     INTEGER,
    n_mark4     INTEGER,
    n_mark5     INTEGER,
    PRIMARY KEY (school_id, year, assessment, subject, grade)
);

CREATE TABLE IF NOT EXISTS continuation (
    school_id         VARCHAR NOT NULL,
    year              INTEGER NOT NULL,
    grade9_graduates  INTEGER NOT NULL,
    continued_grade10 INTEGER NOT NULL,
    PRIMARY KEY (school_id, year)
);

CREATE TABLE IF NOT EXISTS olympiad (
    school_id    VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    stage        VARCHAR NOT NULL,      -- школьный | муниципальный | региональный | заключительный
    participants INTEGER NOT NULL,
    winners      INTEGER,
    PRIMARY KEY (school_id, year, stage)
);

CREATE TABLE IF NOT EXISTS programme (
    programme_id   VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,
    level          VARCHAR,             -- федеральный | региональный | муниципальный
    start_year     INTEGER NOT NULL,
    end_year       INTEGER,
    selection_rule VARCHAR,             -- the documented selection rule, in words
    selection_years INTEGER             -- length of the selection window before entry (default 3)
);

CREATE TABLE IF NOT EXISTS programme_school (
    programme_id    VARCHAR NOT NULL,
    school_id       VARCHAR NOT NULL,
    entry_year      INTEGER NOT NULL,
    exit_year       INTEGER,
    selection_score DOUBLE,
    selection       VARCHAR,            -- rule | manual
    selection_cutoff DOUBLE,            -- the sharp cut-off of the school's selection round, if any
    PRIMARY KEY (programme_id, school_id)
);

CREATE TABLE IF NOT EXISTS risk_profile (
    school_id VARCHAR NOT NULL,
    year      INTEGER NOT NULL,
    factor    INTEGER NOT NULL,         -- 1..10, see risk_factor
    level     INTEGER NOT NULL,         -- 0 нет, 1 низкий, 2 средний, 3 высокий
    PRIMARY KEY (school_id, year, factor)
);

CREATE TABLE IF NOT EXISTS mark_agreement (
    school_id VARCHAR NOT NULL,
    year      INTEGER NOT NULL,
    subject   VARCHAR NOT NULL,
    grade     INTEGER NOT NULL,
    confirmed INTEGER NOT NULL,
    lower     INTEGER NOT NULL,
    higher    INTEGER NOT NULL,
    PRIMARY KEY (school_id, year, subject, grade)
);

CREATE TABLE IF NOT EXISTS roadmap_activity (
    roadmap         VARCHAR NOT NULL,   -- which roadmap document
    item            VARCHAR NOT NULL,   -- № п/п
    title           VARCHAR NOT NULL,
    deadline        VARCHAR,
    responsible     VARCHAR,
    expected_result VARCHAR,
    status          VARCHAR,
    done_on         DATE,
    PRIMARY KEY (roadmap, item)
);

CREATE TABLE IF NOT EXISTS kpi (
    indicator VARCHAR NOT NULL,
    year      INTEGER NOT NULL,
    plan      DOUBLE,
    fact      DOUBLE,
    unit      VARCHAR,
    PRIMARY KEY (indicator, year)
);

CREATE TABLE IF NOT EXISTS load_log (
    batch_id    VARCHAR NOT NULL,
    file_name   VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    rows_read   INTEGER NOT NULL,
    rows_loaded INTEGER NOT NULL,
    loaded_at   TIMESTAMP NOT NULL,
    outcome     VARCHAR NOT NULL,       -- loaded | unchanged | rejected
    message     VARCHAR
);

-- Known answers planted by the demo generator; only tests (and the benchmark) read it.
CREATE TABLE IF NOT EXISTS demo_truth (
    kind         VARCHAR NOT NULL,      -- programme_effect | nonobjective_vpr | resilient | school_quality
    programme_id VARCHAR,
    school_id    VARCHAR,
    year         INTEGER,
    event_time   INTEGER,
    value        DOUBLE,
    note         VARCHAR
);
