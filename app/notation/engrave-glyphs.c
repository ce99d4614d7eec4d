/* The music font: Noto Music (Unicode's Musical Symbols block), found through fontconfig and drawn through cairo.
 * A Unicode font says nothing about staff spaces, so every glyph is placed by its ink: drawn to a height in spaces
 * with a chosen point of its ink (bottom … top) on a given line. Noteheads, stems, flags and beams are drawn shapes
 * (engrave-draw.c): they must meet exactly. */
#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>
#include <glib/gi18n.h>
#include <string.h>

#include "engrave-private.h"

#define MUSIC_FAMILY "Noto Music"
#define TEXT_FAMILY "DejaVu Serif"

static const gunichar codepoints[SR_N_GLYPHS] = {
  [SR_GLYPH_G_CLEF] = 0x1D11E,       [SR_GLYPH_F_CLEF] = 0x1D122,        [SR_GLYPH_C_CLEF] = 0x1D121,
  [SR_GLYPH_PERCUSSION_CLEF] = 0x1D125, [SR_GLYPH_SHARP] = 0x266F,       [SR_GLYPH_FLAT] = 0x266D,
  [SR_GLYPH_NATURAL] = 0x266E,       [SR_GLYPH_DOUBLE_SHARP] = 0x1D12A,  [SR_GLYPH_DOUBLE_FLAT] = 0x1D12B,
  [SR_GLYPH_QUARTER_REST] = 0x1D13D, [SR_GLYPH_EIGHTH_REST] = 0x1D13E,   [SR_GLYPH_16TH_REST] = 0x1D13F,
  [SR_GLYPH_32ND_REST] = 0x1D140,    [SR_GLYPH_64TH_REST] = 0x1D141,     [SR_GLYPH_FERMATA] = 0x1D110,
  [SR_GLYPH_BRACE] = 0x1D114,        [SR_GLYPH_COMMON_TIME] = 0x1D134,   [SR_GLYPH_CUT_TIME] = 0x1D135,
};

typedef struct {
  cairo_font_face_t *face;           /* NULL when the font is missing */
  cairo_text_extents_t ink[SR_N_GLYPHS]; /* at size 1 */
  char utf8[SR_N_GLYPHS][8];
} MusicFont;

static gpointer
load_font (gpointer unused)
{
  (void) unused;
  MusicFont *font = g_new0 (MusicFont, 1);
  FcPattern *pattern = FcNameParse ((const FcChar8 *) MUSIC_FAMILY);
  FcConfigSubstitute (NULL, pattern, FcMatchPattern);
  FcDefaultSubstitute (pattern);
  FcResult result;
  FcPattern *match = FcFontMatch (NULL, pattern, &result);
  FcPatternDestroy (pattern);
  FcChar8 *family = NULL;
  /* fontconfig always finds some font: only the music font itself will do. */
  if (match != NULL && FcPatternGetString (match, FC_FAMILY, 0, &family) == FcResultMatch
      && g_ascii_strcasecmp ((const char *) family, MUSIC_FAMILY) == 0)
    font->face = cairo_ft_font_face_create_for_pattern (match);
  if (match != NULL)
    FcPatternDestroy (match);
  if (font->face == NULL)
    return font;

  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, 1, 1);
  cairo_t *cr = cairo_create (surface);
  cairo_set_font_face (cr, font->face);
  cairo_set_font_size (cr, 1000);
  for (int g = 0; g < SR_N_GLYPHS; g++)
    {
      font->utf8[g][g_unichar_to_utf8 (codepoints[g], font->utf8[g])] = '\0';
      cairo_text_extents (cr, font->utf8[g], &font->ink[g]);
      font->ink[g].x_bearing /= 1000;
      font->ink[g].y_bearing /= 1000;
      font->ink[g].width /= 1000;
      font->ink[g].height /= 1000;
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return font;
}

static const MusicFont *
music_font (void)
{
  static GOnce once = G_ONCE_INIT;
  return g_once (&once, load_font, NULL);
}

gboolean
sr_engrave_font_available (GError **error)
{
  const MusicFont *font = music_font ();
  if (font->face != NULL && font->ink[SR_GLYPH_G_CLEF].height > 0)
    return TRUE;
  g_set_error (error, SR_ENGRAVE_ERROR, SR_ENGRAVE_ERROR_NO_FONT,
               _("the music font %s is not installed (Debian package fonts-noto-core)"), MUSIC_FAMILY);
  return FALSE;
}

static void
draw_scaled (cairo_t *cr, SrGlyph glyph, double x, double y, double height, double anchor, double x_scale)
{
  const MusicFont *font = music_font ();
  const cairo_text_extents_t *ink = &font->ink[glyph];
  if (font->face == NULL || ink->height <= 0)
    return;
  double size = height / ink->height;
  cairo_save (cr);
  cairo_set_font_face (cr, font->face);
  cairo_matrix_t matrix;
  cairo_matrix_init_scale (&matrix, size * x_scale, size);
  cairo_set_font_matrix (cr, &matrix);
  double ink_bottom = y + anchor * height;
  cairo_move_to (cr, x - ink->x_bearing * size * x_scale, ink_bottom - (ink->y_bearing + ink->height) * size);
  cairo_show_text (cr, font->utf8[glyph]);
  cairo_new_path (cr); /* text leaves a current point, which the next arc would join with a line */
  cairo_restore (cr);
}

void
sr_engrave_glyph (cairo_t *cr, SrGlyph glyph, double x, double y, double height, double anchor)
{
  draw_scaled (cr, glyph, x, y, height, anchor, 1.0);
}

void
sr_engrave_brace (cairo_t *cr, double x, double top, double bottom, double width)
{
  const MusicFont *font = music_font ();
  const cairo_text_extents_t *ink = &font->ink[SR_GLYPH_BRACE];
  if (ink->height <= 0 || ink->width <= 0)
    return;
  double height = bottom - top;
  double natural_width = ink->width * height / ink->height;
  draw_scaled (cr, SR_GLYPH_BRACE, x, bottom, height, 0.0, width / natural_width);
}

double
sr_engrave_glyph_width (SrGlyph glyph, double height)
{
  const cairo_text_extents_t *ink = &music_font ()->ink[glyph];
  return ink->height > 0 ? ink->width * height / ink->height : 0;
}

void
sr_engrave_text (cairo_t *cr, const char *text, double x, double y, double size, gboolean bold)
{
  cairo_save (cr);
  cairo_select_font_face (cr, TEXT_FAMILY, CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
  cairo_text_extents_t extents;
  cairo_text_extents (cr, text, &extents);
  cairo_move_to (cr, x - extents.x_bearing - extents.width / 2, y);
  cairo_show_text (cr, text);
  cairo_new_path (cr);
  cairo_restore (cr);
}
