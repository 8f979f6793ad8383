"""Packaging: the lxml/xmlsec pair, the contracts and py.typed inside the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_lxml_and_xmlsec_import_together_on_the_same_libxml2() -> None:
    # xmlsec refuses to work when its libxml2 differs from lxml's; the pins in
    # pyproject.toml keep them a pair. Import both in a fresh interpreter, in
    # both orders, and compare the libxml2 versions they were built with.
    for first, second in (("lxml.etree", "xmlsec"), ("xmlsec", "lxml.etree")):
        code = (
            f"import {first}, {second}, lxml.etree as e, xmlsec;"
            "print(sorted({tuple(e.LIBXML_VERSION), tuple(e.LIBXML_COMPILED_VERSION),"
            " tuple(xmlsec.get_libxml_version()), tuple(xmlsec.get_libxml_compiled_version())}))"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout.strip()
        assert out.count("(") == 1, f"libxml2 versions differ: {out}"


def test_dependencies_pin_lxml_and_xmlsec_exactly() -> None:
    import tomllib

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(d.startswith("lxml==") for d in deps)
    assert any(d.startswith("xmlsec==") for d in deps)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(out)],
        check=True, capture_output=True,
    )
    return next(out.glob("ksz_client-*.whl"))


def test_the_wheel_ships_the_contracts_and_py_typed(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ksz_client/py.typed" in names
    for path in (ROOT / "wsdl").rglob("*"):
        if path.is_file():
            assert f"ksz_client/wsdl/{path.relative_to(ROOT / 'wsdl').as_posix()}" in names


def test_the_wheel_declares_the_console_script(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    entry = next(n for n in archive.namelist() if n.endswith("entry_points.txt"))
    assert "ksz = ksz_client.cli:console_main" in archive.read(entry).decode()
