"""Scan-like degradations of an engraved page, seeded: what separates a scan from an engraving.

Applied to the whole page before the systems are cut, as a scanner would apply them, so that the crops go through
the same normalisation as real scans. Each effect is drawn independently; a page may get none."""

import io
import random

import numpy as np
from PIL import Image, ImageChops, ImageFilter


def random_degradation(rng: random.Random):
    chance = lambda p: rng.random() < p  # noqa: E731
    return {
        "angle": round(rng.uniform(-1.5, 1.5), 3) if chance(0.7) else 0.0,
        # Thinner (a faint, worn print) or thicker strokes.
        "stroke": rng.choice([-1, 1, 1]) if chance(0.25) else 0,
        "blur": round(rng.uniform(0.3, 1.2), 2) if chance(0.5) else 0.0,  # Gaussian radius, pixels
        "light": round(rng.uniform(0.05, 0.3), 3) if chance(0.5) else 0.0,  # uneven lighting amplitude
        "paper": rng.randint(215, 250) if chance(0.6) else 255,          # paper tone
        "bleed": round(rng.uniform(0.03, 0.12), 3) if chance(0.25) else 0.0,  # mirrored show-through
        "noise": round(rng.uniform(2, 12), 1) if chance(0.6) else 0.0,   # Gaussian noise, grey levels
        "speckles": rng.randint(50, 600) if chance(0.4) else 0,
        "jpeg": rng.randint(25, 85) if chance(0.5) else 0,
        "seed": rng.randrange(2**31),
    }


def degrade(image: Image.Image, d):
    """IMAGE (greyscale) degraded by D; the same D and image always give the same result."""
    np_rng = np.random.default_rng(d["seed"])
    if d["stroke"] > 0:
        # Ink is dark: a minimum filter grows it.
        image = image.filter(ImageFilter.MinFilter(3))
    elif d["stroke"] < 0:
        # A maximum filter thins it, but takes a line of one or two pixels away altogether: a page without staff lines
        # is no scan. What it takes comes back at 55 % of its darkness, as a worn print's hairlines look.
        faint = Image.eval(image, lambda v: 255 - int((255 - v) * 0.55))
        image = ImageChops.darker(image.filter(ImageFilter.MaxFilter(3)), faint)
    if d["angle"]:
        image = image.rotate(d["angle"], resample=Image.BILINEAR, expand=False, fillcolor=255)
    pixels = np.asarray(image, dtype=np.float32)
    if d["bleed"]:
        pixels = np.minimum(pixels, 255 - d["bleed"] * (255 - pixels[:, ::-1]))
    # Paper tone and uneven light scale the white; ink stays dark.
    h, w = pixels.shape
    light = np.ones((h, w), dtype=np.float32)
    if d["light"]:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        cx, cy = np_rng.uniform(0, w), np_rng.uniform(0, h)
        light = 1 - d["light"] * (((xx - cx) / w) ** 2 + ((yy - cy) / h) ** 2)
    pixels = pixels * (d["paper"] / 255.0) * light
    if d["speckles"]:
        ys = np_rng.integers(0, h, d["speckles"])
        xs = np_rng.integers(0, w, d["speckles"])
        pixels[ys, xs] = np_rng.uniform(0, 120, d["speckles"])
    if d["noise"]:
        pixels = pixels + np_rng.normal(0, d["noise"], pixels.shape).astype(np.float32)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    if d["blur"]:
        image = image.filter(ImageFilter.GaussianBlur(d["blur"]))
    if d["jpeg"]:
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=d["jpeg"])
        image = Image.open(io.BytesIO(buffer.getvalue())).convert("L")
    return image


def rotate_box(box, angle, width, height):
    """The page-pixel box that holds BOX after the page turned by ANGLE degrees (counter-clockwise, about its
    centre, as PIL turns it)."""
    if not angle:
        return box
    theta = np.deg2rad(angle)
    cx, cy = width / 2, height / 2
    xs, ys = [], []
    for x in (box["x"], box["x"] + box["width"]):
        for y in (box["y"], box["y"] + box["height"]):
            dx, dy = x - cx, y - cy
            # Image y points down: a counter-clockwise turn on screen.
            xs.append(cx + dx * np.cos(theta) + dy * np.sin(theta))
            ys.append(cy - dx * np.sin(theta) + dy * np.cos(theta))
    x0, y0 = max(min(xs), 0), max(min(ys), 0)
    return box | {"x": float(x0), "y": float(y0), "width": float(min(max(xs), width) - x0),
                  "height": float(min(max(ys), height) - y0)}
