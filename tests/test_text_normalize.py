"""The matching normalisation and its map back to canonical offsets."""

from __future__ import annotations

import pytest

from marsad.text.normalize import norm, normalize


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("إيران", "ايران"),
        ("أردوغان", "اردوغان"),
        ("مصطفى", "مصطفي"),
        ("منظمة", "منظمه"),
        ("مسؤول", "مسوول"),
        ("رئيس", "رءيس".replace("ء", "ئ")),
        ("٢٠٢٣", "2023"),
        ("۱۴۰۲", "1402"),
        ("شدّدَ", "شدد"),
        ("بـإسرائيل", "بإسرائيل"),
        ("NATO", "nato"),
    ],
)
def test_normalize_folds_variants(a: str, b: str) -> None:
    assert norm(a) == norm(b)


def test_normalize_maps_spans_back_through_diacritics() -> None:
    text = "قالَ الرئيسُ الإيرانيُّ إنّ بلادَه"
    n = normalize(text)
    s, e = n.find(norm("الإيراني"))
    os_, oe = n.span_to_orig(s, e)
    assert text[os_:oe] == "الإيرانيُّ"


def test_normalize_span_end_excludes_following_tatweel() -> None:
    text = "بـإسرائيل"
    n = normalize(text)
    s, e = n.find("ب")
    assert n.span_to_orig(s, e) == (0, 1)


def test_normalize_identity_map_without_deletions() -> None:
    text = "الرئيس التركي"
    n = normalize(text)
    assert all(n.to_orig(i) == i for i in range(len(text)))


def test_normalize_every_offset_maps_to_same_letter() -> None:
    text = "وَقَالَ ـــ المُتَحَدِّثُ: «لَا تَعْلِيقَ» ٢٠٢٤"
    n = normalize(text)
    for i, ch in enumerate(n.text):
        assert norm(text[n.to_orig(i)]) == ch
