/* Page deskew; see deskew.h. The angle search works on a page shrunk to about 1 000 px wide and thresholded: for each
 * candidate angle the dark pixels are counted along lines of that slope, and the angle whose profile has the most
 * energy (sum of squared counts) wins — a coarse pass every 0.2°, then a fine one every 0.02° around it. */
#include "deskew.h"

#include <math.h>
#include <string.h>

enum { WORK_WIDTH = 1000 };
#define COARSE_STEP 0.2
#define FINE_STEP 0.02

typedef struct {
  int width, height;
  GArray *dark; /* (x, y) pairs of dark pixels, as guint16 */
} DarkPixels;

static DarkPixels
dark_pixels (const SrGrayImage *page)
{
  int step = MAX (1, page->width / WORK_WIDTH);
  DarkPixels d = { page->width / step, page->height / step, g_array_new (FALSE, FALSE, sizeof (guint16)) };
  for (int y = 0; y + step <= page->height && y / step < G_MAXUINT16; y += step)
    for (int x = 0; x + step <= page->width && x / step < G_MAXUINT16; x += step)
      {
        /* dark when the cell's darkest pixel is: thin lines survive the shrinking */
        guint8 darkest = 255;
        for (int dy = 0; dy < step; dy++)
          for (int dx = 0; dx < step; dx++)
            darkest = MIN (darkest, page->pixels[(size_t) (y + dy) * page->width + x + dx]);
        if (darkest < 128)
          {
            guint16 pair[2] = { (guint16) (x / step), (guint16) (y / step) };
            g_array_append_vals (d.dark, pair, 2);
          }
      }
  return d;
}

/* The energy of the row profile of the dark pixels along lines of slope tan(DEGREES). SHIFTS has room for a column
 * each. */
static double
profile_energy (const DarkPixels *d, double degrees, guint32 *rows, int n_rows, int *shifts)
{
  double slope = tan (degrees * G_PI / 180.0);
  int offset = n_rows / 2 - d->height / 2;
  /* A pixel's row once the page is turned back by DEGREES is its own row plus its column's rounded shift (y is whole,
   * so rounding the shift alone rounds the sum): one table a column instead of a rounding a pixel. */
  for (int x = 0; x < d->width; x++)
    shifts[x] = (int) floor (0.5 - (x - d->width / 2.0) * slope) + offset;
  memset (rows, 0, (size_t) n_rows * sizeof *rows);
  const guint16 *xy = (const guint16 *) d->dark->data;
  for (guint i = 0; i + 1 < d->dark->len; i += 2)
    {
      int row = xy[i + 1] + shifts[xy[i]];
      if (row >= 0 && row < n_rows)
        rows[row]++;
    }
  double energy = 0;
  for (int r = 0; r < n_rows; r++)
    energy += (double) rows[r] * rows[r];
  return energy;
}

double
sr_page_skew_degrees (const SrGrayImage *page)
{
  DarkPixels d = dark_pixels (page);
  double best = 0;
  /* a page with less ink than a few staff lines' worth says nothing reliable */
  if (d.dark->len / 2 >= (guint) d.width * 2)
    {
      int n_rows = d.height + d.width / 5 + 2; /* room for ±5° of slope across the width */
      g_autofree guint32 *rows = g_new (guint32, n_rows);
      g_autofree int *shifts = g_new (int, d.width);
      double best_energy = -1;
      for (double a = -SR_DESKEW_MAX_DEGREES; a <= SR_DESKEW_MAX_DEGREES + 1e-9; a += COARSE_STEP)
        {
          double energy = profile_energy (&d, a, rows, n_rows, shifts);
          if (energy > best_energy)
            best_energy = energy, best = a;
        }
      double centre = best;
      for (double a = centre - COARSE_STEP; a <= centre + COARSE_STEP + 1e-9; a += FINE_STEP)
        {
          double energy = profile_energy (&d, a, rows, n_rows, shifts);
          if (energy > best_energy)
            best_energy = energy, best = a;
        }
    }
  g_array_unref (d.dark);
  return fabs (best) < 1e-9 ? 0.0 : CLAMP (best, -SR_DESKEW_MAX_DEGREES, SR_DESKEW_MAX_DEGREES);
}

/* Bilinear interpolation of PAGE at (SX, SY) in 16.16 fixed point, white outside it; rounded to the nearest. */
static inline guint8
bilinear_sample (const SrGrayImage *page, gint64 sx, gint64 sy)
{
  int x0 = (int) (sx >> 16), y0 = (int) (sy >> 16); /* an arithmetic shift: the floor, negative values too */
  guint32 wx = (guint32) (sx & 0xffff) >> 8, wy = (guint32) (sy & 0xffff) >> 8; /* weights in 1/256 */
  guint32 p00, p01, p10, p11;
  if (x0 >= 0 && y0 >= 0 && x0 + 1 < page->width && y0 + 1 < page->height)
    {
      const guint8 *p = page->pixels + (size_t) y0 * page->width + x0;
      p00 = p[0], p01 = p[1], p10 = p[page->width], p11 = p[page->width + 1];
    }
  else
    {
      guint32 v[4];
      for (int j = 0; j < 2; j++)
        for (int i = 0; i < 2; i++)
          {
            int px = x0 + i, py = y0 + j;
            v[2 * j + i] = px >= 0 && py >= 0 && px < page->width && py < page->height
                             ? page->pixels[(size_t) py * page->width + px] : 255;
          }
      p00 = v[0], p01 = v[1], p10 = v[2], p11 = v[3];
    }
  guint32 top = p00 * (256 - wx) + p01 * wx, bottom = p10 * (256 - wx) + p11 * wx;
  return (guint8) ((top * (256 - wy) + bottom * wy + 32768) >> 16);
}

SrGrayImage *
sr_gray_image_rotated (const SrGrayImage *page, double degrees)
{
  SrGrayImage *out = sr_gray_image_new (page->width, page->height);
  double angle = degrees * G_PI / 180.0, c = cos (angle), s = sin (angle);
  double cx = page->width / 2.0, cy = page->height / 2.0;
  /* Fixed point, not doubles: a floor, a rounding and four bounds checks a pixel were most of the page's analysis. */
  gint64 step_x = llround (c * 65536), step_y = llround (s * 65536);
  for (int y = 0; y < page->height; y++)
    {
      /* where this row's straightened pixels come from on the skewed page: turned by +DEGREES */
      double dy = y - cy;
      gint64 sx = llround ((cx - cx * c - dy * s) * 65536), sy = llround ((cy - cx * s + dy * c) * 65536);
      guint8 *line = out->pixels + (size_t) y * page->width;
      for (int x = 0; x < page->width; x++, sx += step_x, sy += step_y)
        line[x] = bilinear_sample (page, sx, sy);
    }
  return out;
}

SrGrayImage *
sr_page_straightened (const SrGrayImage *page, double *skew_degrees)
{
  *skew_degrees = sr_page_skew_degrees (page);
  return fabs (*skew_degrees) >= 0.05 ? sr_gray_image_rotated (page, *skew_degrees) : NULL;
}
