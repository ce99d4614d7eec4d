/* Staves and systems on a page; see system-detect.h. */
#include "system-detect.h"

#include <math.h>
#include <string.h>

#define INK 128 /* darker than this is ink (for the boxes: the data factory tightens its boxes to the same) */
#define DRIFT 2 /* rows a staff line may wander across the page */

typedef struct {
  double centre;
  double thickness;
} Line;

#define STRIPS 8 /* a scanned line drifts across the page; within an eighth of it, hardly */

static gboolean
is_ink (const SrGrayImage *page, int x, int y)
{
  return page->pixels[(gsize) y * page->width + x] < INK;
}

/* What makes a staff line's pixel on this page. A thin line drawn with anti-aliasing (an engraving rendered at a
 * small staff) or printed faintly is only a little darker than the paper, and a line that falls between two pixel
 * rows is spread over both, each light grey. So a pixel counts when it and the one below it are together darker
 * than the paper by a third of the way from the paper (the page's median) to the ink (its darkest 1 %). */
typedef struct {
  int paper;
  int darkness; /* the two pixels' darkness below the paper, summed, at least this */
} LineInk;

static LineInk
line_ink_of (const SrGrayImage *page)
{
  guint64 histogram[256] = { 0 }, count = 0;
  gsize n = (gsize) page->width * page->height;
  for (gsize i = 0; i < n; i += 7)
    histogram[page->pixels[i]]++, count++;
  int paper = 255, ink = 0;
  guint64 seen = 0;
  gboolean ink_found = FALSE;
  for (int v = 0; v < 256; v++)
    {
      seen += histogram[v];
      if (!ink_found && seen * 100 >= count)
        ink = v, ink_found = TRUE;
      if (seen * 2 >= count)
        {
          paper = v;
          break;
        }
    }
  return (LineInk) { paper, MAX ((paper - ink) / 3, 16) };
}

static gboolean
is_line_ink (const SrGrayImage *page, const LineInk *line, int x, int y)
{
  const guint8 *column = page->pixels + (gsize) y * page->width + x;
  int here = MAX (line->paper - column[0], 0);
  int below = y + 1 < page->height ? MAX (line->paper - column[page->width], 0) : 0;
  return here + below >= line->darkness;
}

/* Lines within one vertical strip: rows at least half ink across the strip, merged. */
static GArray *
strip_lines (const SrGrayImage *page, const LineInk *line, int x0, int x1)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (Line));
  int threshold = (x1 - x0) / 2;
  for (int y = 0; y < page->height;)
    {
      int count = 0;
      for (int x = x0; x < x1; x++)
        count += is_line_ink (page, line, x, y);
      if (count < threshold)
        {
          y++;
          continue;
        }
      double weighted = 0, weight = 0;
      int start = y;
      while (y < page->height)
        {
          count = 0;
          for (int x = x0; x < x1; x++)
            count += is_line_ink (page, line, x, y);
          if (count < threshold)
            break;
          weighted += (double) y * count;
          weight += count;
          y++;
        }
      Line line = { weighted / weight, y - start };
      g_array_append_val (lines, line);
    }
  return lines;
}

/* A staff as one strip sees it. */
typedef struct {
  double lines[5];
  double thickness;
  int strip;
} Piece;

static void
strip_staves (GArray *lines, int strip, GArray *pieces)
{
  for (guint i = 0; i + 5 <= lines->len;)
    {
      const Line *l = &g_array_index (lines, Line, i);
      double space = l[1].centre - l[0].centre;
      gboolean even = space >= 3;
      for (int k = 1; k < 4 && even; k++)
        even = fabs ((l[k + 1].centre - l[k].centre) - space) <= MAX (0.2 * space, 1.5);
      /* A line much thicker than the space is a beam, not a staff line. */
      for (int k = 0; k < 5 && even; k++)
        even = l[k].thickness < 0.5 * space;
      if (!even)
        {
          i++;
          continue;
        }
      Piece piece = { { l[0].centre, l[1].centre, l[2].centre, l[3].centre, l[4].centre }, 0, strip };
      for (int k = 0; k < 5; k++)
        piece.thickness += l[k].thickness / 5;
      g_array_append_val (pieces, piece);
      i += 5;
    }
}

static int
compare_pieces (gconstpointer a, gconstpointer b)
{
  const Piece *x = a, *y = b;
  double cx = x->lines[2], cy = y->lines[2];
  return cx < cy ? -1 : cx > cy ? 1 : x->strip - y->strip;
}

/* Where a staff's lines run: from the strip pieces' lines, walk left and right while at least three of the five
 * lines (within the drift) are ink. */
static void
staff_extent (const SrGrayImage *page, const LineInk *line, const Piece *left_piece, const Piece *right_piece,
              double *left, double *right)
{
  for (int direction = -1; direction <= 1; direction += 2)
    {
      const Piece *piece = direction < 0 ? left_piece : right_piece;
      int strip_width = page->width / STRIPS;
      int x = direction < 0 ? piece->strip * strip_width + strip_width / 2 : piece->strip * strip_width + strip_width / 2;
      /* Scanned lines break here and there: a gap shorter than half a space does not end them. */
      double space = (piece->lines[4] - piece->lines[0]) / 4;
      int last = x, misses = 0, allowed = MAX ((int) (space / 2), 3);
      /* Each line is followed as it drifts: its height moves a little towards the ink found near it. */
      double heights[5];
      for (int k = 0; k < 5; k++)
        heights[k] = piece->lines[k];
      while (x >= 0 && x < page->width && misses <= allowed)
        {
          int inked = 0;
          for (int k = 0; k < 5; k++)
            {
              int y = (int) lround (heights[k]);
              int found = G_MAXINT;
              for (int dy = 0; dy <= DRIFT && found == G_MAXINT; dy++)
                for (int sign = -1; sign <= 1 && found == G_MAXINT; sign += 2)
                  if (y + sign * dy >= 0 && y + sign * dy < page->height
                      && is_line_ink (page, line, x, y + sign * dy))
                    found = sign * dy;
              if (found != G_MAXINT)
                {
                  inked++;
                  heights[k] += 0.05 * found;
                }
            }
          if (inked >= 3)
            last = x, misses = 0;
          else
            misses++;
          x += direction;
        }
      if (direction < 0)
        *left = last;
      else
        *right = last;
    }
}

GArray *
sr_detect_staves (const SrGrayImage *page)
{
  g_autoptr(GArray) pieces = g_array_new (FALSE, FALSE, sizeof (Piece));
  int strip_width = page->width / STRIPS;
  LineInk line = line_ink_of (page);
  for (int strip = 0; strip < STRIPS && strip_width > 0; strip++)
    {
      g_autoptr(GArray) lines = strip_lines (page, &line, strip * strip_width, (strip + 1) * strip_width);
      strip_staves (lines, strip, pieces);
    }
  g_array_sort (pieces, compare_pieces);

  /* Pieces of one staff lie within a space of each other; a staff is real where a quarter of the strips see it (the
   * last system of a piece may be a bar or two wide). */
  GArray *staves = g_array_new (FALSE, FALSE, sizeof (SrStaff));
  for (guint i = 0; i < pieces->len;)
    {
      const Piece *first = &g_array_index (pieces, Piece, i);
      double space = (first->lines[4] - first->lines[0]) / 4;
      guint end = i + 1;
      while (end < pieces->len &&
             g_array_index (pieces, Piece, end).lines[2] - g_array_index (pieces, Piece, end - 1).lines[2] < space)
        end++;
      guint strips = 0, seen = 0;
      double top = 0, bottom = 0, thickness = 0;
      const Piece *leftmost = first, *rightmost = first;
      for (guint k = i; k < end; k++)
        {
          const Piece *piece = &g_array_index (pieces, Piece, k);
          if (!(seen & (1u << piece->strip)))
            strips++;
          seen |= 1u << piece->strip;
          top += piece->lines[0];
          bottom += piece->lines[4];
          thickness += piece->thickness;
          if (piece->strip < leftmost->strip)
            leftmost = piece;
          if (piece->strip > rightmost->strip)
            rightmost = piece;
        }
      if (strips * 4 >= STRIPS)
        {
          guint n = end - i;
          SrStaff staff = { top / n, bottom / n, 0, 0, (bottom - top) / n / 4, thickness / n };
          staff_extent (page, &line, leftmost, rightmost, &staff.left, &staff.right);
          g_array_append_val (staves, staff);
        }
      i = end;
    }
  return staves;
}

/* The dark edge of a scan or a frame: a line of ink down the whole page, never music. The page is cut into bands;
 * in each, the columns that are ink on nearly every row are candidates; an edge is a chain of candidates through
 * every band, moving at most as far from band to band as a page straightened by up to 5 degrees lets a straight
 * edge of the scan lean. (A system's barline, however tall the score, leaves the page's top or bottom margin.)
 * The result marks, per band, the edge's columns and MARGIN to either side, for the ragged edge of a shadow. */
#define EDGE_BANDS 8

static gboolean *
page_edges (const SrGrayImage *page, int margin)
{
  int width = page->width, band_height = MAX (page->height / EDGE_BANDS, 1);
  gboolean *edge = g_new0 (gboolean, (gsize) EDGE_BANDS * width);
  g_autofree gboolean *full = g_new0 (gboolean, (gsize) EDGE_BANDS * width);
  g_autofree int *inked = g_new0 (int, width);
  for (int band = 0; band < EDGE_BANDS; band++)
    {
      memset (inked, 0, sizeof (int) * width);
      int rows = 0;
      for (int y = band * band_height; y < MIN ((band + 1) * band_height, page->height); y += 2, rows++)
        for (int x = 0; x < width; x++)
          inked[x] += is_ink (page, x, y);
      for (int x = 0; x < width; x++)
        full[band * width + x] = rows > 0 && inked[x] >= 0.97 * rows;
    }
  int lean = (int) ceil (band_height * tan (5 * G_PI / 180)) + 2;
  for (int start = 0; start < width; start++)
    {
      if (!full[start])
        continue;
      int path[EDGE_BANDS] = { start }, band = 1;
      for (; band < EDGE_BANDS; band++)
        {
          int found = -1;
          for (int d = 0; d <= lean && found < 0; d++)
            for (int sign = -1; sign <= 1 && found < 0; sign += 2)
              {
                int x = path[band - 1] + sign * d;
                if (x >= 0 && x < width && full[band * width + x])
                  found = x;
              }
          if (found < 0)
            break;
          path[band] = found;
        }
      if (band < EDGE_BANDS)
        continue;
      for (int b = 0; b < EDGE_BANDS; b++)
        for (int x = MAX (path[b] - margin - lean, 0); x <= MIN (path[b] + margin + lean, width - 1); x++)
          edge[b * width + x] = TRUE;
    }
  return edge;
}

static gboolean
on_edge (const SrGrayImage *page, const gboolean *edge, int x, int y0, int y1)
{
  int band_height = MAX (page->height / EDGE_BANDS, 1);
  for (int band = MIN (y0 / band_height, EDGE_BANDS - 1); band <= MIN (y1 / band_height, EDGE_BANDS - 1); band++)
    if (edge[band * page->width + x])
      return TRUE;
  return FALSE;
}

/* Whether a line runs down from staff A to staff B near their left edge: some column within two spaces of it,
 * not on the page's edge, is ink (as a staff line's pixels are: a faint barline counts) on all but a few of the rows
 * between them. */
static gboolean
joined (const SrGrayImage *page, const LineInk *line, const gboolean *edge, const SrStaff *a, const SrStaff *b)
{
  int y0 = (int) lround (a->bottom), y1 = (int) lround (b->top);
  if (y1 <= y0)
    return TRUE;
  double left = MIN (a->left, b->left);
  int x0 = MAX ((int) (left - 3 * a->space), 0), x1 = MIN ((int) (left + 2 * a->space), page->width - 1);
  for (int x = x0; x <= x1; x++)
    {
      if (on_edge (page, edge, x, y0, y1))
        continue;
      int inked = 0;
      for (int y = y0; y <= y1; y++)
        {
          gboolean any = FALSE;
          for (int dx = -DRIFT; dx <= DRIFT && !any; dx++)
            any = x + dx >= 0 && x + dx < page->width && is_line_ink (page, line, x + dx, y);
          inked += any;
        }
      if (inked >= 0.8 * (y1 - y0 + 1))
        return TRUE;
    }
  return FALSE;
}

GArray *
sr_detect_systems (const SrGrayImage *page, const GArray *staves)
{
  GArray *systems = g_array_new (FALSE, FALSE, sizeof (SrDetectedSystem));
  double space = staves->len > 0 ? g_array_index (staves, SrStaff, 0).space : 0;
  g_autofree gboolean *edge = page_edges (page, DRIFT + (int) (space / 4));
  LineInk line = line_ink_of (page);
  for (guint i = 0; i < staves->len;)
    {
      guint end = i + 1;
      while (end < staves->len && joined (page, &line, edge, &g_array_index (staves, SrStaff, end - 1),
                                          &g_array_index (staves, SrStaff, end)))
        end++;
      const SrStaff *first = &g_array_index (staves, SrStaff, i), *last = &g_array_index (staves, SrStaff, end - 1);
      SrDetectedSystem system = { { 0 }, first->bottom - first->top, i, end - i };
      double upper = first->top - 6 * first->space, lower = last->bottom + 6 * last->space;
      if (i > 0)
        upper = MAX (upper, (g_array_index (staves, SrStaff, i - 1).bottom + first->top) / 2);
      if (end < staves->len)
        lower = MIN (lower, (last->bottom + g_array_index (staves, SrStaff, end).top) / 2);
      system.box = (SrPageBox) { 0, MAX (upper, 0), page->width, MIN (lower, page->height) - MAX (upper, 0) };
      g_array_append_val (systems, system);
      i = end;
    }

  /* Tighten each band to its ink, as the data factory's engraved crops are. */
  for (guint s = 0; s < systems->len; s++)
    {
      SrDetectedSystem *system = &g_array_index (systems, SrDetectedSystem, s);
      int y0 = (int) system->box.y, y1 = (int) (system->box.y + system->box.height);
      int top = -1, bottom = -1, left = page->width, right = -1;
      for (int y = y0; y < y1; y++)
        for (int x = 0; x < page->width; x++)
          if (is_ink (page, x, y))
            {
              if (top < 0)
                top = y;
              bottom = y;
              left = MIN (left, x);
              right = MAX (right, x);
            }
      if (top < 0)
        continue;
      const int pad = 2;
      int bx = MAX (left - pad, 0), by = MAX (top - pad, 0);
      system->box = (SrPageBox) { bx, by, MIN (right + pad + 1, page->width) - bx,
                                  MIN (bottom + pad + 1, page->height) - by };
    }
  return systems;
}
