"""Varied engraving layouts, and the page-pixel boxes of the systems an engraving produced."""

import random

import numpy as np

FONTS = ["Leipzig", "Bravura", "Gootville", "Leland", "Petaluma"]


def random_layout(rng: random.Random):
    """verovio options for one look: page size, scale, spacing, margins and music font all vary."""
    width = rng.randint(1800, 2600)
    return {
        "pageWidth": width,
        "pageHeight": int(width * rng.uniform(1.3, 1.45)),
        "scale": rng.randint(32, 55),
        "font": rng.choice(FONTS),
        "spacingLinear": round(rng.uniform(0.15, 0.35), 3),
        "spacingNonLinear": round(rng.uniform(0.5, 0.7), 3),
        "spacingStaff": rng.randint(8, 16),
        "spacingSystem": rng.randint(8, 20),
        "pageMarginLeft": rng.randint(40, 160),
        "pageMarginRight": rng.randint(40, 160),
        "pageMarginTop": rng.randint(40, 160),
        "pageMarginBottom": rng.randint(40, 160),
        "justifyVertically": rng.random() < 0.3,
    }


def staff_space(system):
    lines = system["staves"][0]
    return (lines[-1] - lines[0]) / 4 if len(lines) == 5 else None


def system_boxes(layout, page_index, ink, px_per_unit):
    """Boxes (page pixels) of the systems on one page: a band reaching half way to the neighbouring system (at most
    six staff spaces beyond the outer lines), tightened to the ink inside it. INK is the page as a boolean array."""
    systems = [(i, s) for i, s in enumerate(layout["systems"]) if s["page"] == page_index]
    boxes = []
    height, width = ink.shape
    for k, (index, system) in enumerate(systems):
        space = staff_space(system)
        if space is None or any(len(lines) != 5 for lines in system["staves"]):
            continue
        top, bottom = system["staves"][0][0], system["staves"][-1][-1]
        reach = 6 * space
        upper = top - reach
        if k > 0:
            upper = max(upper, (systems[k - 1][1]["staves"][-1][-1] + top) / 2)
        lower = bottom + reach
        if k + 1 < len(systems):
            lower = min(lower, (bottom + systems[k + 1][1]["staves"][0][0]) / 2)
        y0 = max(int(upper * px_per_unit), 0)
        y1 = min(int(np.ceil(lower * px_per_unit)), height)
        band = ink[y0:y1]
        rows = np.flatnonzero(band.any(axis=1))
        columns = np.flatnonzero(band.any(axis=0))
        if rows.size == 0:
            continue
        pad = 2
        box = {
            "page": page_index + 1,
            "x": float(max(columns[0] - pad, 0)),
            "y": float(max(y0 + rows[0] - pad, 0)),
            "width": float(min(columns[-1] + pad + 1, width) - max(columns[0] - pad, 0)),
            "height": float(min(y0 + rows[-1] + pad + 1, height) - max(y0 + rows[0] - pad, 0)),
            "staff_height": (system["staves"][0][-1] - system["staves"][0][0]) * px_per_unit,
        }
        boxes.append((index, box))
    return boxes
