"""A small hand-written knowledge base for entity tests (independent of the curated data)."""

from __future__ import annotations

from functools import lru_cache

from marsad.kb.gazetteer import Gazetteer, build
from marsad.kb.load import build_kb
from marsad.resources import load_yaml

COUNTRIES = [
    {
        "iso3": "IRN",
        "name": "إيران",
        "name_en": "Iran",
        "wikidata": "Q794",
        "nisba": "إيراني",
        "capital": {"name": "طهران", "name_en": "Tehran"},
        "metonyms": ["طهران"],
    },
    {
        "iso3": "TUR",
        "name": "تركيا",
        "name_en": "Turkey",
        "wikidata": "Q43",
        "nisba": "تركي",
        "capital": {"name": "أنقرة", "name_en": "Ankara"},
        "metonyms": ["أنقرة"],
    },
    {
        "iso3": "USA",
        "name": "الولايات المتحدة",
        "name_en": "United States",
        "wikidata": "Q30",
        "aliases": ["أميركا", "أمريكا"],
        "nisba": "أميركي",
        "nisba_variants": ["أمريكي"],
        "capital": {"name": "واشنطن", "name_en": "Washington"},
        "metonyms": ["واشنطن", "البيت الأبيض"],
    },
    {
        "iso3": "ISR",
        "name": "إسرائيل",
        "name_en": "Israel",
        "wikidata": "Q801",
        "nisba": "إسرائيلي",
        "aliases": ["الكيان الصهيوني"],
        "metonyms": ["تل أبيب"],
    },
    {
        "iso3": "SAU",
        "name": "السعودية",
        "name_en": "Saudi Arabia",
        "wikidata": "Q851",
        "aliases": ["المملكة العربية السعودية"],
        "nisba": "سعودي",
    },
    {"iso3": "ETH", "name": "إثيوبيا", "name_en": "Ethiopia", "nisba": "إثيوبي"},
]
PEOPLE = [
    {
        "id": "Q5448931",
        "name": "إبراهيم رئيسي",
        "name_en": "Ebrahim Raisi",
        "country": "IRN",
        "sector": "GOV",
        "aliases": ["ابراهيم رئيسي"],
        "surnames": ["رئيسي"],
        "offices": [{"role": "president", "of": "IRN", "start": "2021-08-03", "end": "2024-05-19"}],
    },
    {
        "id": "mx:masoud-pezeshkian",
        "name": "مسعود بزشكيان",
        "name_en": "Masoud Pezeshkian",
        "country": "IRN",
        "surnames": ["بزشكيان"],
        "offices": [{"role": "president", "of": "IRN", "start": "2024-07-28", "end": None}],
    },
    {
        "id": "Q39259",
        "name": "رجب طيب إردوغان",
        "name_en": "Recep Tayyip Erdogan",
        "country": "TUR",
        "aliases": ["رجب طيب أردوغان"],
        "surnames": ["إردوغان", "أردوغان", "اردوغان"],
        "offices": [{"role": "president", "of": "TUR", "start": "2014-08-28"}],
    },
    {
        "id": "mx:hakan-fidan",
        "name": "هاكان فيدان",
        "name_en": "Hakan Fidan",
        "country": "TUR",
        "surnames": ["فيدان"],
        "offices": [{"role": "foreign_minister", "of": "TUR", "start": "2023-06-04"}],
    },
    {
        "id": "mx:antony-blinken",
        "name": "أنتوني بلينكن",
        "name_en": "Antony Blinken",
        "country": "USA",
        "surnames": ["بلينكن"],
        "offices": [
            {"role": "foreign_minister", "of": "USA", "start": "2021-01-26", "end": "2025-01-20"}
        ],
    },
    {
        "id": "mx:marco-rubio",
        "name": "ماركو روبيو",
        "name_en": "Marco Rubio",
        "country": "USA",
        "surnames": ["روبيو"],
        "offices": [{"role": "foreign_minister", "of": "USA", "start": "2025-01-21"}],
    },
    {
        "id": "mx:benjamin-netanyahu",
        "name": "بنيامين نتنياهو",
        "name_en": "Benjamin Netanyahu",
        "country": "ISR",
        "surnames": ["نتنياهو"],
        "offices": [{"role": "prime_minister", "of": "ISR", "start": "2022-12-29"}],
    },
    {
        "id": "mx:hossein-salami",
        "name": "حسين سلامي",
        "name_en": "Hossein Salami",
        "country": "IRN",
        "sector": "MIL",
        "surnames": ["سلامي"],
        "offices": [
            {"role": "army_chief", "of": "IRN", "start": "2019-04-21", "end": "2025-06-13"}
        ],
    },
    {
        "id": "mx:mahmoud-abbas",
        "name": "محمود عباس",
        "name_en": "Mahmoud Abbas",
        "surnames": ["عباس"],
    },
    {
        "id": "mx:antonio-guterres",
        "name": "أنطونيو غوتيريش",
        "name_en": "António Guterres",
        "surnames": ["غوتيريش"],
        "offices": [{"role": "secretary_general", "of": "mx:un", "start": "2017-01-01"}],
    },
]
ORGS = [
    {
        "id": "mx:us-state-dept",
        "name": "وزارة الخارجية الأميركية",
        "name_en": "US State Department",
        "country": "USA",
        "sector": "GOV",
        "aliases": ["الخارجية الأميركية"],
    },
    {
        "id": "mx:un",
        "name": "الأمم المتحدة",
        "name_en": "United Nations",
        "sector": "IGO",
        "kind": "igo",
    },
    {
        "id": "mx:oic",
        "name": "منظمة التعاون الإسلامي",
        "name_en": "Organisation of Islamic Cooperation",
        "sector": "IGO",
        "kind": "igo",
    },
    {
        "id": "mx:irgc",
        "name": "الحرس الثوري الإيراني",
        "name_en": "Islamic Revolutionary Guard Corps",
        "country": "IRN",
        "sector": "MIL",
        "aliases": ["الحرس الثوري", "حرس الثورة"],
    },
]
PLACES = [
    {
        "id": "gn:285839",
        "type": "GPE",
        "name": "بيان",
        "name_en": "Bayan",
        "country": "KWT",
        "kind": "city",
        "population": 30000,
    },
    {
        "id": "mx:al-aqsa",
        "type": "LOC",
        "name": "المسجد الأقصى",
        "name_en": "Al-Aqsa Mosque",
        "country": "PSE",
        "aliases": ["الأقصى"],
    },
    {
        "id": "mx:gaza-strip",
        "type": "GPE",
        "name": "قطاع غزة",
        "name_en": "Gaza Strip",
        "country": "PSE",
        "aliases": ["غزة"],
        "population": 2100000,
    },
    {
        "id": "mx:ankara",
        "type": "GPE",
        "name": "أنقرة",
        "name_en": "Ankara",
        "country": "TUR",
        "population": 5000000,
    },
    {
        "id": "mx:tehran",
        "type": "GPE",
        "name": "طهران",
        "name_en": "Tehran",
        "country": "IRN",
        "population": 9000000,
    },
]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The test knowledge base, compiled (PSE is added so Gaza's country resolves)."""
    countries = [
        *COUNTRIES,
        {"iso3": "PSE", "name": "فلسطين", "name_en": "Palestine", "nisba": "فلسطيني"},
    ]
    files = [
        ("roles.yaml", load_yaml("kb/data/roles.yaml")),
        ("countries.yaml", countries),
        ("places.yaml", PLACES),
        ("people/test.yaml", PEOPLE),
        ("orgs/test.yaml", ORGS),
    ]
    return build(build_kb(files))
