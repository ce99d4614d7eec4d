/* Fuzz target: any bytes as the JSON boxes of `sightread crop`. Reading fails with a message or gives sane boxes,
 * each of which cuts a crop from a small page (or misses it) without harm. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "system-image.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) boxes = sr_system_boxes_from_json ((const char *) data, (gssize) size, 3, &error);
  if (boxes == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  g_autoptr(SrGrayImage) page = sr_gray_image_new (64, 48);
  memset (page->pixels, 200, 64 * 48);
  for (guint i = 0; i < boxes->len; i++)
    {
      const SrSystemBox *box = &g_array_index (boxes, SrSystemBox, i);
      g_assert_cmpuint (box->page_index, <, 3);
      g_assert_true (isfinite (box->staff_height) && box->staff_height >= 1);
      /* Only small crops: a box may ask for a 1e6-pixel page, but this page is 64 × 48. */
      g_autoptr(SrGrayImage) crop = sr_system_image_normalize (page, &box->box, box->staff_height, NULL, NULL);
      if (crop != NULL)
        g_assert_true (crop->width <= SR_SYSTEM_MAX_WIDTH && crop->height <= SR_SYSTEM_MAX_HEIGHT);
    }
  return 0;
}
