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

/* The energy of the row profile of the dark pixels along lines of slope tan(DEGREES). */
static double
profile_energy (const DarkPixels *d, double degrees, guint32 *rows, int n_rows)
{
  double slope = tan (degrees * G_PI / 180.0);
  int offset = n_rows / 2 - d->height / 2;
  memset (rows, 0, (size_t) n_rows * sizeof *rows);
  const guint16 *xy = (const guint16 *) d->dark->data;
  for (guint i = 0; i + 1 < d->dark->len; i += 2)
    {
      /* the row this pixel lies on once the page is turned back by DEGREES */
      int row = (int) lround (xy[i + 1] - (xy[i] - d->width / 2.0) * slope) + offset;
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
      double best_energy = -1;
      for (double a = -SR_DESKEW_MAX_DEGREES; a <= SR_DESKEW_MAX_DEGREES + 1e-9; a += COARSE_STEP)
        {
          double energy = profile_energy (&d, a, rows, n_rows);
          if (energy > best_energy)
            best_energy = energy, best = a;
        }
      double centre = best;
      for (double a = centre - COARSE_STEP; a <= centre + COARSE_STEP + 1e-9; a += FINE_STEP)
        {
          double energy = profile_energy (&d, a, rows, n_rows);
          if (energy > best_energy)
            best_energy = energy, best = a;
        }
    }
  g_array_unref (d.dark);
  return fabs (best) < 1e-9 ? 0.0 : CLAMP (best, -SR_DESKEW_MAX_DEGREES, SR_DESKEW_MAX_DEGREES);
}

SrGrayImage *
sr_gray_image_rotated (const SrGrayImage *page, double degrees)
{
  SrGrayImage *out = sr_gray_image_new (page->width, page->height);
  double angle = degrees * G_PI / 180.0, c = cos (angle), s = sin (angle);
  double cx = page->width / 2.0, cy = page->height / 2.0;
  for (int y = 0; y < page->height; y++)
    for (int x = 0; x < page->width; x++)
      {
        /* where this straightened pixel comes from on the skewed page: turned by +DEGREES */
        double dx = x - cx, dy = y - cy;
        double sx = cx + dx * c - dy * s, sy = cy + dx * s + dy * c;
        int x0 = (int) floor (sx), y0 = (int) floor (sy);
        double fx = sx - x0, fy = sy - y0, value = 0;
        for (int j = 0; j < 2; j++)
          for (int i = 0; i < 2; i++)
            {
              int px = x0 + i, py = y0 + j;
              double v = px >= 0 && py >= 0 && px < page->width && py < page->height
                           ? page->pixels[(size_t) py * page->width + px] : 255;
              value += v * (i ? fx : 1 - fx) * (j ? fy : 1 - fy);
            }
        out->pixels[(size_t) y * page->width + x] = (guint8) CLAMP (lround (value), 0, 255);
      }
  return out;
}

SrGrayImage *
sr_page_straightened (const SrGrayImage *page, double *skew_degrees)
{
  *skew_degrees = sr_page_skew_degrees (page);
  return fabs (*skew_degrees) >= 0.05 ? sr_gray_image_rotated (page, *skew_degrees) : NULL;
}
