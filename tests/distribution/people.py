"""Made-up people with valid ID numbers, for roster tests (no real person's number)."""

from __future__ import annotations

import csv
import io
import random

#: GB 11643 weights and check characters, typed from the standard, not imported from the app.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"

#: Counties of the preloaded area tree, by code.
COUNTIES = ("530129", "530128", "530124")


def id_number(area: str, born: str, serial: int) -> str:
    """An ID number with a correct check character, computed here independently of the app."""
    first = f"{area}{born}{serial:03d}"
    return first + CHECK[sum(int(d) * w for d, w in zip(first, WEIGHTS, strict=True)) % 11]


def people(count: int, seed: int = 1) -> list[dict[str, str]]:
    """``count`` different people spread over three counties and two townships each."""
    rng = random.Random(seed)
    made = []
    for index in range(count):
        county = COUNTIES[index % 3]
        born = f"19{50 + index % 40:02d}{1 + index % 12:02d}{1 + index % 28:02d}"
        made.append(
            {
                "姓名": f"测试人{index:05d}",
                "身份证号": id_number(county, born, index % 1000),
                "联系电话": f"138{rng.randrange(10**8):08d}",
                "县(市、区)": county,
                "乡镇(街道)": f"乡镇{index % 2}",
                "村(社区)": f"村{index % 5}",
                "残疾等级": "三级",
                "残疾类别": "肢体",
            }
        )
    return made


def roster_csv(rows: list[dict[str, str]], encoding: str = "utf-8-sig") -> bytes:
    """The rows as a CSV file."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)
