"""The kinds of import file (shared/DATA_CONTRACT.md): columns, Russian aliases, types, keys.

One :class:`Kind` per file kind. Column types:
``str``, ``int`` (non-negative count unless ``min`` says otherwise), ``float``,
``share`` (a fraction 0..1; a ``_pct`` column or a Russian header with «%» is divided by 100),
``year`` (2000..2100), ``date``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

ASSESSMENTS = ("ЕГЭ", "ОГЭ", "ВПР")
ASSESSMENT_ALIASES = {"ege": "ЕГЭ", "егэ": "ЕГЭ", "oge": "ОГЭ", "огэ": "ОГЭ", "vpr": "ВПР", "впр": "ВПР"}
SCALES = ("test100", "mark5", "primary")
DEFAULT_SCALE = {"ЕГЭ": "test100", "ОГЭ": "mark5", "ВПР": "mark5"}
GRADES = {"ЕГЭ": (11,), "ОГЭ": (9,), "ВПР": (4, 5, 6, 7, 8, 10, 11)}
OLYMPIAD_STAGES = ("школьный", "муниципальный", "региональный", "заключительный")
SETTLEMENT_TYPES = ("город", "пгт", "село", "станица", "посёлок", "деревня", "хутор", "аул")
URBAN_SETTLEMENT_TYPES = ("город", "пгт")
PROGRAMME_LEVELS = ("федеральный", "региональный", "муниципальный")
RISK_LEVELS = {"нет": 0, "низкий": 1, "средний": 2, "высокий": 3}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Kind:
    name: str
    title: str                      # Russian, for reports
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    parents: dict[str, str] = field(default_factory=dict)  # column -> parent table

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def C(name, type_, required=False, *aliases, **kw) -> Column:  # noqa: N802 - a compact constructor
    return Column(name, type_, required, tuple(aliases), **kw)


SCHOOL_ID = C("school_id", "str", True, "Код ОО", "Код школы", "Логин ОО", "ID ОО")
YEAR = C("year", "year", True, "Год", "Учебный год")
SHARE = dict(min=0.0, max=1.0)

KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("municipalities", "муниципалитеты", "municipality", (
        C("municipality_id", "str", True, "Код МО", "Код муниципалитета", "ОКТМО"),
        C("name", "str", True, "Муниципалитет", "Наименование МО", "Муниципальное образование"),
        C("kind", "str", False, "Тип", "Тип МО"),
        C("centre_name", "str", False, "Центр", "Административный центр"),
        C("centre_lat", "float", False, "Широта центра", min=-90, max=90),
        C("centre_lon", "float", False, "Долгота центра", min=-180, max=180),
        C("region", "str", False, "Регион", "Субъект РФ"),
    ), key=("municipality_id",)),
    Kind("schools", "школы", "school", (
        SCHOOL_ID,
        C("name", "str", True, "Наименование ОО", "Наименование", "Школа"),
        C("municipality_id", "str", True, "Код МО", "Муниципалитет"),
        C("settlement", "str", False, "Населённый пункт", "Населенный пункт"),
        C("settlement_type", "str", False, "Тип поселения", choices=SETTLEMENT_TYPES),
        C("lat", "float", False, "Широта", min=-90, max=90),
        C("lon", "float", False, "Долгота", min=-180, max=180),
        C("founded", "year", False, "Год открытия", min=1700),
        C("closed", "year", False, "Год закрытия", min=1700),
    ), key=("school_id",), parents={"municipality_id": "municipality"}),
    Kind("school_years", "ресурсы школ по годам", "school_year", (
        SCHOOL_ID, YEAR,
        C("students", "int", True, "Число обучающихся", "Обучающихся", "Контингент"),
        C("teachers", "int", False, "Число педагогов", "Педагогов"),
        C("teacher_vacancies", "int", False, "Вакансии", "Вакансии педагогов"),
        C("computers", "int", False, "Компьютеры", "Число компьютеров"),
        C("internet_mbps", "float", False, "Скорость интернета", "Скорость интернета, Мбит/с", min=0),
    ), key=("school_id", "year"), parents={"school_id": "school"}),
    Kind("social_context", "социальный контекст", "social_context", (
        SCHOOL_ID, YEAR,
        C("share_deviant", "share", False, "Доля с девиантным поведением", **SHARE),
        C("share_low_motivation", "share", False, "Доля с низкой учебной мотивацией", **SHARE),
        C("share_weak_russian", "share", False, "Доля со слабым знанием русского языка", **SHARE),
        C("share_low_income", "share", False, "Доля из малообеспеченных семей", **SHARE),
        C("share_parents_higher_edu", "share", False, "Доля родителей с высшим образованием", **SHARE),
        C("share_disabled", "share", False, "Доля обучающихся с ОВЗ", **SHARE),
    ), key=("school_id", "year"), parents={"school_id": "school"}),
    Kind("results", "результаты оценочных процедур", "results", (
        SCHOOL_ID, YEAR,
        C("assessment", "str", True, "Процедура", "Оценочная процедура", choices=ASSESSMENTS),
        C("subject", "str", True, "Предмет"),
        C("grade", "int", True, "Класс", min=1, max=11),
        C("participants", "int", True, "Участников", "Число участников"),
        C("mean_score", "float", True, "Средний балл"),
        C("scale", "str", False, "Шкала", choices=SCALES),
        C("n_below_min", "int", False, "Не преодолели минимум", "Ниже минимума"),
        C("n_high", "int", False, "Высокобалльники", "Высокобалльников"),
        C("n_mark2", "int", False, "Отметка 2", "Отметка «2»", "Двоек"),
        C("n_mark3", "int", False, "Отметка 3", "Отметка «3»", "Троек"),
        C("n_mark4", "int", False, "Отметка 4", "Отметка «4»", "Четвёрок"),
        C("n_mark5", "int", False, "Отметка 5", "Отметка «5»", "Пятёрок"),
    ), key=("school_id", "year", "assessment", "subject", "grade"), parents={"school_id": "school"}),
    Kind("continuation", "продолжение обучения", "continuation", (
        SCHOOL_ID, YEAR,
        C("grade9_graduates", "int", True, "Выпускников 9 класса"),
        C("continued_grade10", "int", True, "Продолжили обучение в 10 классе"),
    ), key=("school_id", "year"), parents={"school_id": "school"}),
    Kind("olympiad", "олимпиады", "olympiad", (
        SCHOOL_ID, YEAR,
        C("stage", "str", True, "Этап", choices=OLYMPIAD_STAGES),
        C("participants", "int", True, "Участников"),
        C("winners", "int", False, "Победителей и призёров", "Победителей и призеров"),
    ), key=("school_id", "year", "stage"), parents={"school_id": "school"}),
    Kind("programmes", "программы поддержки", "programme", (
        C("programme_id", "str", True, "Код программы"),
        C("name", "str", True, "Программа", "Наименование программы"),
        C("level", "str", False, "Уровень", choices=PROGRAMME_LEVELS),
        C("start_year", "year", True, "Год начала"),
        C("end_year", "year", False, "Год окончания"),
        C("selection_rule", "str", False, "Правило отбора"),
        C("selection_years", "int", False, "Окно отбора, лет", min=1, max=10),
    ), key=("programme_id",)),
    Kind("programme_schools", "школы программ", "programme_school", (
        C("programme_id", "str", True, "Код программы"),
        SCHOOL_ID,
        C("entry_year", "year", True, "Год включения"),
        C("exit_year", "year", False, "Год выхода"),
        C("selection_score", "float", False, "Балл отбора", min=-1e9),
        C("selection", "str", False, "Основание", choices=("rule", "manual")),
        C("selection_cutoff", "float", False, "Порог отбора", min=-1e9),
    ), key=("programme_id", "school_id"), parents={"programme_id": "programme", "school_id": "school"}),
    Kind("risk_profiles", "профили рисков", "risk_profile", (
        SCHOOL_ID, YEAR,
        C("factor", "int", True, "Фактор риска", min=1, max=10),
        C("level", "int", True, "Уровень", "Уровень риска", max=3),
    ), key=("school_id", "year", "factor"), parents={"school_id": "school"}),
    Kind("mark_agreement", "соответствие отметок ВПР", "mark_agreement", (
        SCHOOL_ID, YEAR,
        C("subject", "str", True, "Предмет"),
        C("grade", "int", True, "Класс", min=1, max=11),
        C("confirmed", "int", True, "Подтвердили"),
        C("lower", "int", True, "Понизили"),
        C("higher", "int", True, "Повысили"),
    ), key=("school_id", "year", "subject", "grade"), parents={"school_id": "school"}),
    Kind("kpi", "целевые показатели", "kpi", (
        C("indicator", "str", True, "Показатель"),
        YEAR,
        C("plan", "float", False, "План", min=-1e12),
        C("fact", "float", False, "Факт", min=-1e12),
        C("unit", "str", False, "Ед. изм.", "Единица измерения"),
    ), key=("indicator", "year")),
    Kind("roadmap", "дорожная карта", "roadmap_activity", (
        C("roadmap", "str", False, "Дорожная карта", "Документ"),
        C("item", "str", True, "№ п/п", "Номер"),
        C("title", "str", True, "Мероприятие", "Наименование мероприятия"),
        C("deadline", "str", False, "Срок", "Сроки"),
        C("responsible", "str", False, "Ответственный", "Ответственные"),
        C("expected_result", "str", False, "Ожидаемый результат", "Результат"),
        C("status", "str", False, "Статус"),
        C("done_on", "date", False, "Дата исполнения"),
    ), key=("roadmap", "item")),
)}

#: Load order inside a batch: parents before the facts that reference them.
LOAD_ORDER = ("municipalities", "boundaries", "schools", "programmes", "school_years", "social_context",
              "results", "continuation", "olympiad", "programme_schools", "risk_profiles",
              "mark_agreement", "kpi", "roadmap")


def normalise_header(text: str) -> str:
    """Header comparison form: lower case, ё -> е, no spaces or punctuation (DATA_CONTRACT)."""
    text = str(text).strip().lower().replace("ё", "е").replace("\ufeff", "")
    return re.sub(r"[\W_]+", "", text)
