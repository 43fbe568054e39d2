"""Writes capitals.tsv (capital, country, population) from the `countryinfo` package.

The table is that library's data (countryinfo 1.0.1, MIT), kept here as a file so that
matching needs no extra package at run time. To refresh it:

    .venv/bin/python -m pip install countryinfo==1.0.1
    .venv/bin/python claims/data/make_capitals.py

claims.aliases decides which rows it uses (see its docstring); this script only copies.
"""

from __future__ import annotations

from pathlib import Path

from countryinfo import all_countries


def main() -> None:
    rows = []
    for country in all_countries():
        info = country.info()
        capital = info.get("capital")
        if isinstance(capital, list):
            capital = capital[0] if len(capital) == 1 else ""
        if capital:
            rows.append((capital, info["name"], info.get("population") or 0))
    rows.sort()
    lines = ["capital\tcountry\tpopulation"]
    lines += [f"{capital}\t{name}\t{population}" for capital, name, population in rows]
    out = Path(__file__).resolve().parent / "capitals.tsv"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{out}: {len(rows)} capitals")


if __name__ == "__main__":
    main()
