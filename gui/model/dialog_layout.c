/* Dialog layout by DPI (dialog_layout.h). */
#include "dialog_layout.h"

#include <stdint.h>

static unsigned known(unsigned dpi)
{
  return dpi ? dpi : SW_LAYOUT_DPI_DEFAULT;
}

int sw_layout_scale(int px, unsigned to_dpi, unsigned from_dpi)
{
  int64_t num = (int64_t)px * known(to_dpi), den = known(from_dpi);
  /* Half away from zero, as MulDiv rounds. */
  return (int)(num >= 0 ? (num + den / 2) / den : -((-num + den / 2) / den));
}

struct sw_layout_rect sw_layout_scale_rect(struct sw_layout_rect r, unsigned to_dpi,
                                           unsigned from_dpi)
{
  struct sw_layout_rect s = {
      sw_layout_scale(r.left, to_dpi, from_dpi),
      sw_layout_scale(r.top, to_dpi, from_dpi),
      sw_layout_scale(r.right, to_dpi, from_dpi),
      sw_layout_scale(r.bottom, to_dpi, from_dpi),
  };
  return s;
}

struct sw_layout_rect sw_layout_anchor(struct sw_layout_rect base,
                                       enum sw_layout_anchor anchor, int base_cx,
                                       int base_cy, unsigned base_dpi, unsigned dpi,
                                       int cx, int cy)
{
  struct sw_layout_rect r = sw_layout_scale_rect(base, dpi, base_dpi);
  int dx = cx - sw_layout_scale(base_cx, dpi, base_dpi);
  int dy = cy - sw_layout_scale(base_cy, dpi, base_dpi);
  switch (anchor) {
  case SW_LAYOUT_WIDEN:
    r.right += dx;
    break;
  case SW_LAYOUT_GROW:
    r.right += dx;
    r.bottom += dy;
    break;
  case SW_LAYOUT_CORNER:
    r.left += dx;
    r.right += dx;
    r.top += dy;
    r.bottom += dy;
    break;
  case SW_LAYOUT_FIXED:
    break;
  }
  if (r.right < r.left)
    r.right = r.left;
  if (r.bottom < r.top)
    r.bottom = r.top;
  return r;
}

int sw_layout_flow(const struct sw_layout_item *items, size_t n, unsigned base_dpi,
                   unsigned dpi, struct sw_layout_rect *out)
{
  int total = 0;
  for (size_t i = 0; i < n; i++) {
    struct sw_layout_rect r = sw_layout_scale_rect(items[i].base, dpi, base_dpi);
    int shift = 0;
    for (size_t j = 0; j < n; j++)
      if (j != i && items[j].base.top < items[i].base.top)
        shift += items[j].text_h;
    r.top += shift;
    r.bottom = items[i].text_h ? r.top + items[i].text_h : r.bottom + shift;
    out[i] = r;
    total += items[i].text_h;
  }
  return total;
}
