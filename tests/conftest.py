"""Shared fixtures: a demo warehouse built once per test session, and the real boundary files."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from analytics.demo import build_demo

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REAL = SHARED / "data" / "real"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo region (seed 7) in a warehouse file; tests must not modify it."""
    path = tmp_path_factory.mktemp("wh") / "demo.duckdb"
    build_demo(path, seed=7)
    return path


@pytest.fixture()
def demo_copy(demo_db, tmp_path) -> Path:
    """A private copy of the demo warehouse that a test may change."""
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, path)
    return path


@pytest.fixture(scope="session")
def con(demo_db):
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="session")
def real_dir() -> Path:
    if not REAL.exists():
        pytest.fail(f"нет каталога с реальными данными {REAL}: тесты ожидают ../shared рядом с репозиторием")
    return REAL


def file_hash(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
