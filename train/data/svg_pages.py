"""verovio's SVG pages rasterised in this process by librsvg and cairo (through ctypes, as audio.py reaches
FluidSynth), exactly as `rsvg-convert -w WIDTH -b white` draws them — byte for byte the same pixels — without a
program started, a PNG written and a PNG read again for every page."""

import ctypes
import ctypes.util
import math

import numpy as np
from PIL import Image


class _Rectangle(ctypes.Structure):
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_double), ("width", ctypes.c_double),
                ("height", ctypes.c_double)]


class _Error(ctypes.Structure):
    _fields_ = [("domain", ctypes.c_uint32), ("code", ctypes.c_int), ("message", ctypes.c_char_p)]


def _library(name, fallback):
    return ctypes.CDLL(ctypes.util.find_library(name) or fallback)


_rsvg = _library("rsvg-2", "librsvg-2.so.2")
_cairo = _library("cairo", "libcairo.so.2")
_gobject = _library("gobject-2.0", "libgobject-2.0.so.0")
_glib = _library("glib-2.0", "libglib-2.0.so.0")
_error_p = ctypes.POINTER(ctypes.POINTER(_Error))
_rsvg.rsvg_handle_new_from_file.restype = ctypes.c_void_p
_rsvg.rsvg_handle_new_from_file.argtypes = [ctypes.c_char_p, _error_p]
_rsvg.rsvg_handle_get_intrinsic_size_in_pixels.restype = ctypes.c_int
_rsvg.rsvg_handle_get_intrinsic_size_in_pixels.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_double),
                                                           ctypes.POINTER(ctypes.c_double)]
_rsvg.rsvg_handle_render_document.restype = ctypes.c_int
_rsvg.rsvg_handle_render_document.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(_Rectangle), _error_p]
_cairo.cairo_image_surface_create.restype = ctypes.c_void_p
_cairo.cairo_image_surface_create.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
_cairo.cairo_image_surface_get_data.restype = ctypes.c_void_p
_cairo.cairo_image_surface_get_data.argtypes = [ctypes.c_void_p]
_cairo.cairo_image_surface_get_stride.argtypes = [ctypes.c_void_p]
_cairo.cairo_surface_status.argtypes = [ctypes.c_void_p]
_cairo.cairo_create.restype = ctypes.c_void_p
_cairo.cairo_create.argtypes = [ctypes.c_void_p]
_cairo.cairo_set_source_rgb.argtypes = [ctypes.c_void_p, ctypes.c_double, ctypes.c_double, ctypes.c_double]
_cairo.cairo_scale.argtypes = [ctypes.c_void_p, ctypes.c_double, ctypes.c_double]
for _name in ("cairo_paint", "cairo_destroy", "cairo_surface_destroy", "cairo_surface_flush"):
    getattr(_cairo, _name).argtypes = [ctypes.c_void_p]
_gobject.g_object_unref.argtypes = [ctypes.c_void_p]
_glib.g_error_free.argtypes = [ctypes.POINTER(_Error)]
CAIRO_FORMAT_RGB24 = 1


def _raise(error, what):
    message = error.contents.message.decode(errors="replace") if error else "unknown error"
    if error:
        _glib.g_error_free(error)
    raise RuntimeError(f"librsvg: {what}: {message}")


def render_page(svg_path, width_px):
    """The SVG page on white, WIDTH_PX wide (its height in proportion), as a greyscale PIL image."""
    error = ctypes.POINTER(_Error)()
    handle = _rsvg.rsvg_handle_new_from_file(str(svg_path).encode(), ctypes.byref(error))
    if not handle:
        _raise(error, svg_path)
    surface = context = None
    try:
        width, height = ctypes.c_double(), ctypes.c_double()
        if not _rsvg.rsvg_handle_get_intrinsic_size_in_pixels(handle, ctypes.byref(width), ctypes.byref(height)):
            raise RuntimeError(f"librsvg: {svg_path}: the page has no size")
        # rsvg-convert's own arithmetic: the scale from the width, the height rounded up to a whole pixel, the document
        # drawn in its intrinsic size under that scale.
        scale = width_px / width.value
        height_px = math.ceil(height.value * scale)
        surface = _cairo.cairo_image_surface_create(CAIRO_FORMAT_RGB24, width_px, height_px)
        if _cairo.cairo_surface_status(surface) != 0:
            raise RuntimeError(f"cairo: no {width_px} × {height_px} surface for {svg_path}")
        context = _cairo.cairo_create(surface)
        _cairo.cairo_set_source_rgb(context, 1, 1, 1)
        _cairo.cairo_paint(context)
        _cairo.cairo_scale(context, scale, scale)
        viewport = _Rectangle(0, 0, width.value, height.value)
        if not _rsvg.rsvg_handle_render_document(handle, context, ctypes.byref(viewport), ctypes.byref(error)):
            _raise(error, svg_path)
        _cairo.cairo_surface_flush(surface)
        stride = _cairo.cairo_image_surface_get_stride(surface)
        pixels = (ctypes.c_uint8 * (stride * height_px)).from_address(_cairo.cairo_image_surface_get_data(surface))
        bgrx = np.frombuffer(pixels, np.uint8).reshape(height_px, stride // 4, 4)[:, :width_px].astype(np.uint32)
        # PIL's own luma (ITU-R 601-2 in 16-bit fixed point), as Image.convert("L") of rsvg-convert's PNG gave it
        grey = (bgrx[..., 2] * 19595 + bgrx[..., 1] * 38470 + bgrx[..., 0] * 7471 + 0x8000) >> 16
        return Image.fromarray(grey.astype(np.uint8), "L")
    finally:
        if context:
            _cairo.cairo_destroy(context)
        if surface:
            _cairo.cairo_surface_destroy(surface)
        _gobject.g_object_unref(handle)
