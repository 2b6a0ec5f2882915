"""Warehouse: schema version, read-only access, atomic build-and-swap, all-or-nothing loads."""
from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from conftest import file_hash

from analytics import warehouse
from analytics.ingest import BatchItem, ImportRejected, frame_sha256, load_batch


def _item(kind, frame, name="test.csv"):
    return BatchItem(kind=kind, frame=frame, file_name=name, sha256=frame_sha256(frame))


def test_schema_version_and_tables(con):
    meta = warehouse.read_meta(con)
    assert meta["schema_version"] == warehouse.SCHEMA_VERSION and meta["source"] == "demo"
    counts = warehouse.table_counts(con)
    assert all(counts[t] > 0 for t in warehouse.DATA_TABLES)


def test_readonly_connection_cannot_write(demo_db):
    c = warehouse.open_readonly(demo_db)
    with pytest.raises(duckdb.Error):
        c.execute("DELETE FROM school")
    c.close()


def test_missing_warehouse_gives_russian_message(tmp_path):
    with pytest.raises(warehouse.WarehouseError, match="не найдено"):
        warehouse.open_readonly(tmp_path / "none.duckdb")


def test_crash_mid_build_leaves_old_warehouse_untouched(demo_copy):
    before = file_hash(demo_copy)
    with pytest.raises(RuntimeError, match="boom"), warehouse.building(demo_copy) as c:
        c.execute("DELETE FROM results")
        c.execute("DELETE FROM school")
        raise RuntimeError("boom")
    assert file_hash(demo_copy) == before
    assert not [p for p in demo_copy.parent.iterdir() if "building" in p.name]
    c = warehouse.open_readonly(demo_copy)
    assert c.execute("SELECT count(*) FROM results").fetchone()[0] > 0
    c.close()


def test_other_schema_version_is_refused(demo_copy):
    with duckdb.connect(str(demo_copy)) as c:
        c.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    with pytest.raises(warehouse.WarehouseError, match="версии 0"), warehouse.building(demo_copy):
        pass


def test_rejected_batch_changes_nothing(demo_copy):
    before = file_hash(demo_copy)
    bad = pd.DataFrame({"school_id": ["1500001", "9999999"], "year": [2024, 2024], "students": [10, 20]})
    with pytest.raises(ImportRejected) as err:
        load_batch(demo_copy, [_item("school_years", bad, "kontingent.csv")])
    text = "\n".join(err.value.lines())
    assert "Файл «kontingent.csv», строка 3, столбец «school_id»: значение «9999999»" in text
    assert "неизвестная школа" in text
    assert file_hash(demo_copy) == before


def test_corrected_file_replaces_rows_and_same_file_twice_changes_nothing(demo_copy):
    c = duckdb.connect(str(demo_copy), read_only=True)
    counts = warehouse.table_counts(c)
    old = c.execute("SELECT students FROM school_year WHERE school_id='1500001' AND year=2024").fetchone()[0]
    c.close()
    fixed = pd.DataFrame({"school_id": ["1500001"], "year": [2024], "students": [old + 7]})
    load_batch(demo_copy, [_item("school_years", fixed)])
    items = load_batch(demo_copy, [_item("school_years", fixed)])
    assert items[0].outcome == "unchanged"
    c = duckdb.connect(str(demo_copy), read_only=True)
    now = c.execute("SELECT students FROM school_year WHERE school_id='1500001' AND year=2024").fetchone()[0]
    assert now == old + 7
    assert warehouse.table_counts(c) == counts
    log = c.execute("SELECT outcome FROM load_log WHERE file_name = 'test.csv' ORDER BY loaded_at").fetchall()
    assert [r[0] for r in log] == ["loaded", "unchanged"]
    c.close()


