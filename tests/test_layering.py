"""The package seams: domain code imports neither the composition root nor the WeCom adapter.

kernel/ imports no package of ours; org/, fans/, tasks/, rewards/, leaderboards/, contests/, benchmarks/, pushes/ and digests/
import neither config/ nor bot/, and only their views.py touches aiohttp; only bot/ knows wechatpy.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = ["org", "fans", "tasks", "rewards", "leaderboards", "contests", "benchmarks", "pushes", "digests", "staff"]
OURS = {"config", "kernel", "bot", *DOMAIN}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", DOMAIN)
def test_a_domain_package_imports_neither_config_nor_bot(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & {"config", "bot"}) for path in modules(package)
    }

    assert {path: names for path, names in offenders.items() if names} == {}


@pytest.mark.parametrize("package", DOMAIN)
def test_only_a_domain_packages_views_touch_aiohttp(package):
    offenders = [
        str(path.relative_to(ROOT))
        for path in modules(package)
        if path.name != "views.py" and "aiohttp" in imported_packages(path)
    ]

    assert offenders == []


def test_the_kernel_imports_no_package_of_ours():
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & (OURS - {"kernel"})) for path in modules("kernel")
    }

    assert {path: names for path, names in offenders.items() if names} == {}


def test_only_the_bot_knows_wechatpy():
    offenders = [
        str(path.relative_to(ROOT))
        for package in OURS - {"bot"}
        if (ROOT / package).is_dir()
        for path in modules(package)
        if "wechatpy" in imported_packages(path)
    ]

    assert offenders == []
