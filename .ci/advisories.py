"""Check the project's installed dependencies against known vulnerabilities.

First pip-audit, against the PyPI advisory service. When that service cannot be reached (pip-audit
then reports every package as "could not be audited"), the same pinned list is checked offline
against the advisory data of the ``safety-db`` package, installed from the package registry like
any dependency. That data is only as new as its release, which this prints, so a pass says "no
advisory known to that data" and nothing more.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT_EXTRAS = {"surveyapp": {"postgres", "redis", "test"}}

#: Advisories read and judged not to apply, each with the reason; reviewed when a dependency's use changes.
NOT_APPLICABLE = {
    "CVE-2020-28463": (
        "reportlab: SSRF through <img> tags in Paragraph markup; the code cards draw plain strings on "
        "the canvas and never parse markup"
    ),
}


def closure() -> dict[str, str]:
    """The installed version of surveyapp's dependencies, its extras included, by canonical name."""
    found: dict[str, str] = {}
    todo = [("surveyapp", frozenset(ROOT_EXTRAS["surveyapp"]))]
    while todo:
        name, extras = todo.pop()
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        key = canonicalize_name(dist.metadata["Name"])
        if key in found and not extras:
            continue
        found[key] = dist.version
        for line in dist.requires or []:
            requirement = Requirement(line)
            wanted = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if requirement.marker and not any(requirement.marker.evaluate(env) for env in wanted):
                continue
            todo.append((requirement.name, frozenset(requirement.extras)))
    found.pop("surveyapp", None)
    return found


def pip_audit(pins: dict[str, str]) -> tuple[int, str]:
    """Run pip-audit on the pinned list; its exit code and report."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("".join(f"{name}=={version}\n" for name, version in sorted(pins.items())))
    command = [
        sys.executable, "-m", "pip_audit", "--progress-spinner", "off", "--strict", "--no-deps",
        "--disable-pip", "--vulnerability-service", "pypi", "--requirement", handle.name,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    Path(handle.name).unlink()
    return done.returncode, done.stdout + done.stderr


def offline(pins: dict[str, str]) -> int:
    """Check against safety-db's data; the number of vulnerable packages found."""
    # The package's own __init__ opens its data by a relative path, so read the file directly.
    path = Path(str(metadata.distribution("safety-db").locate_file("safety_db/insecure_full.json")))
    data = json.loads(path.read_text(encoding="utf-8"))
    print(f"offline advisory data: safety-db {metadata.version('safety-db')}")
    vulnerable = 0
    for name, advisories in data.items():
        if name == "$meta" or canonicalize_name(name) not in pins:
            continue
        version = pins[canonicalize_name(name)]
        hits = [a for a in advisories if SpecifierSet(a["v"]).contains(version, prereleases=True)]
        for advisory in hits:
            reason = NOT_APPLICABLE.get(advisory.get("cve") or "")
            if reason:
                print(f"not applicable: {name} {version} {advisory.get('cve')}: {reason}")
        if any(not NOT_APPLICABLE.get(a.get("cve") or "") for a in hits):
            vulnerable += 1
            ids = ", ".join(f"{a.get('cve') or a.get('id')} ({a['v']})" for a in hits)
            print(f"VULNERABLE {name} {version}: {ids}")
    print(f"{len(pins)} dependencies checked offline, {vulnerable} with a known advisory")
    return vulnerable


def main() -> int:
    """Exit 0 when no dependency has a known advisory."""
    pins = closure()
    print(f"{len(pins)} installed dependencies of surveyapp[postgres,redis,test]")
    code, report = pip_audit(pins)
    unreachable = re.search(r"could not be audited|Connection|Max retries|NameResolution", report)
    if code == 0:
        print(report.strip() or "pip-audit: no known vulnerabilities")
        return 0
    if not unreachable or ("Found " in report and " known vulnerabilit" in report):
        print(report)
        return 1
    print("pip-audit could not reach its advisory service; checking offline instead")
    return 1 if offline(pins) else 0


if __name__ == "__main__":
    sys.exit(main())
