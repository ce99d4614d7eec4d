/* Files the tests make for themselves: good scores of each format and the bad inputs users will hand us. */
#pragma once

#include <cairo.h>
#include <glib.h>

/* Keeps the user's own folders out of a UI test (recent files, settings, autosaves): HOME and the XDG data, config,
 * cache and state folders point into a fresh temporary folder. The system's folders stay: GTK finds its MIME database
 * and image loaders there, so G_TEST_OPTION_ISOLATE_DIRS would hide too much. */
void sr_test_isolate_home (void);

/* A file of the bundled sample score (resources/samples), from $SIGHTREAD_SAMPLES. */
char *sr_test_sample_path (const char *name);

/* Every file under ROOT (recursively) whose name ends in one of the NULL-terminated SUFFIXES, sorted. */
GPtrArray *sr_test_find_files (const char *root, const char *const *suffixes);

/* The RMS of mono SAMPLES (FRAMES of them at RATE) from FROM_S to TO_S seconds. */
double sr_test_rms (const float *samples, gsize frames, int rate, double from_s, double to_s);

/* How many of the MusicXML files at PATHS validate against the MusicXML 4.0 schema in ../shared/data/schema
 * (xmllint offline, through the schema's catalog; one run per batch, the schema loaded once). What xmllint says
 * of the others is passed on as test messages. */
guint sr_test_count_valid_musicxml (GPtrArray *paths);

/* Writes DATA to DIR/NAME and returns the path. */
char *sr_test_write_file (const char *dir, const char *name, const void *data, gsize length);

/* The first FRACTION of SOURCE, as DIR/NAME. */
char *sr_test_write_truncated_copy (const char *dir, const char *name, const char *source, double fraction);

/* A PDF of N_PAGES pages of WIDTH_PT × HEIGHT_PT, each with a grand staff of notes drawn with cairo. */
char *sr_test_write_pdf (const char *dir, const char *name, int n_pages, double width_pt, double height_pt);

/* An image of staff lines and notes in FORMAT ("png", "jpeg", "tiff") at DPI, through gdk-pixbuf. */
char *sr_test_write_image (const char *dir, const char *name, const char *format, int width, int height, int dpi);

/* A page of a TIFF written by sr_test_write_tiff_pages: white, with a black square at (X, Y) as the page is seen
 * (upright), stored as ORIENTATION says (libtiff's ORIENTATION_*) at DPI (0: no resolution in the file). */
typedef struct {
  int width, height, dpi, orientation;
  int square_x, square_y, square_size;
} SrTestTiffPage;
/* A multi-page TIFF (one directory a page, as scanners write books), 8-bit grey, LZW. */
char *sr_test_write_tiff_pages (const char *dir, const char *name, const SrTestTiffPage *pages, int n_pages);

/* A PNG whose header says WIDTH × HEIGHT and whose pixel data is one short, valid zlib stream. */
char *sr_test_write_png_claiming_size (const char *dir, const char *name, guint32 width, guint32 height);

/* A PNG with a correct signature whose IHDR chunk is garbled (its checksum no longer matches). */
char *sr_test_write_png_with_garbled_header (const char *dir, const char *name);

/* The share of pixels darker than mid-grey inside the given rectangle of an ARGB32/RGB24 surface. */
double sr_test_dark_share (cairo_surface_t *surface, int x, int y, int width, int height);
