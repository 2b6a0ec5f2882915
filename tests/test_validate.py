"""Checks of one file: every failure names the file, row, column, value and what was expected."""
from __future__ import annotations

import pandas as pd

from analytics.ingest import KINDS, FileProblems
from analytics.ingest.validate import validate_frame


def check(kind, rows, **kw):
    fp = FileProblems("f.csv")
    out = validate_frame(KINDS[kind], pd.DataFrame(rows, dtype="string"), fp, **kw)
    return out, [p.message() for p in fp.shown], fp


def test_decimal_comma_spaces_and_percent_are_parsed():
    out, msgs, _ = check("social_context", {"school_id": ["1"], "year": ["2024"], "share_deviant": ["3,5"]},
                         percent_columns={"share_deviant"})
    assert msgs == [] and abs(out["share_deviant"].iloc[0] - 0.035) < 1e-12
    out, msgs, _ = check("school_years", {"school_id": ["1"], "year": ["2024"], "students": ["1\u00a0234"]})
    assert msgs == [] and out["students"].iloc[0] == 1234


def test_score_outside_its_scale():
    _, msgs, _ = check("results", {"school_id": ["1", "2"], "year": ["2024", "2024"], "assessment": ["ЕГЭ", "ОГЭ"],
                                   "subject": ["Химия", "Химия"], "grade": ["11", "9"], "participants": ["10", "10"],
                                   "mean_score": ["105", "4,2"]})
    assert msgs == ["Файл «f.csv», строка 2, столбец «mean_score»: значение «105» — средний балл вне шкалы "
                    "test100: ожидалось от 0 до 100"]


def test_marks_must_add_up_and_counts_not_exceed_participants():
    _, msgs, fp = check("results", {
        "school_id": ["1"], "year": ["2024"], "assessment": ["ВПР"], "subject": ["Математика"], "grade": ["5"],
        "participants": ["20"], "mean_score": ["3,5"], "n_mark2": ["25"], "n_mark3": ["5"], "n_mark4": ["5"],
        "n_mark5": ["5"]})
    assert any("столбец «n_mark2»" in m and "не может быть больше числа участников" in m for m in msgs)
    assert any("сумма отметок 2–5 должна равняться числу участников" in m for m in msgs)


def test_wrong_grade_year_1900_negative_count_and_duplicates():
    _, msgs, _ = check("results", {
        "school_id": ["1", "1", "1"], "year": ["1900", "2024", "2024"], "assessment": ["ОГЭ", "ЕГЭ", "ЕГЭ"],
        "subject": ["Математика", "Химия", "Химия"], "grade": ["9", "9", "11"], "participants": ["-3", "5", "5"],
        "mean_score": ["3", "50", "50"]}, headers={"year": "Год", "participants": "Участников", "grade": "Класс"})
    text = "\n".join(msgs)
    assert "строка 2, столбец «Год»: значение «1900» — ожидался год от 2000 до 2100" in text
    assert "строка 2, столбец «Участников»: значение «-3» — ожидалось неотрицательное целое число" in text
    assert "строка 3, столбец «Класс»: значение «9» — класс не подходит к процедуре ЕГЭ: ожидалось 11" in text
    assert "строка 4" not in text or "повторяющийся ключ" not in text  # rows 3 and 4 differ in grade


def test_duplicate_key_and_missing_required_column():
    _, msgs, _ = check("continuation", {"school_id": ["1", "1"], "year": ["2024", "2024"],
                                        "grade9_graduates": ["10", "12"], "continued_grade10": ["5", "6"]})
    assert msgs == ["Файл «f.csv», строка 3, столбец «school_id, year»: значение «1 / 2024» — "
                    "повторяющийся ключ: такая строка уже есть выше в файле"]
    _, msgs, _ = check("continuation", {"school_id": ["1"], "year": ["2024"], "grade9_graduates": ["10"]})
    assert msgs == ["Файл «f.csv», столбец «continued_grade10» — нет обязательного столбца"]


def test_many_problems_are_capped_but_counted():
    n = 120
    _, msgs, fp = check("school_years", {"school_id": ["1"] * n, "year": [str(2000 + i % 50) for i in range(n)],
                                         "students": ["x"] * n})
    assert len(fp.shown) == 50 and fp.total >= n
    assert fp.lines()[-1].startswith("… и ещё")


def test_assessment_aliases_and_risk_level_words():
    out, msgs, _ = check("results", {"school_id": ["1"], "year": ["2024"], "assessment": ["oge"],
                                     "subject": ["Математика"], "grade": ["9"], "participants": ["10"],
                                     "mean_score": ["3,4"]})
    assert msgs == [] and out["assessment"].iloc[0] == "ОГЭ" and out["scale"].iloc[0] == "mark5"
    out, msgs, _ = check("risk_profiles", {"school_id": ["1"], "year": ["2024"], "factor": ["3"],
                                           "level": ["Высокий"]})
    assert msgs == [] and out["level"].iloc[0] == 3
