/* Where a dialog's controls go at a given DPI, computed from where the
 * template put them: a per-monitor DPI aware window is told its new DPI
 * (WM_DPICHANGED) and must place everything again. Positions are always
 * derived from the template's rectangles and the current DPI, never from
 * the previous layout, so a move back to the first monitor lands on the
 * same pixels and nothing drifts with rounding.
 *
 * Portable (no <windows.h>): the rule dialog and the check result dialog
 * measure their texts and read their template's rectangles; the sums are
 * here, unit-tested (tests/unit/editor/test_dialog_layout.c). */
#ifndef SW_DIALOG_LAYOUT_H
#define SW_DIALOG_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#define SW_LAYOUT_DPI_DEFAULT 96 /* 100 %: what a DPI of 0 (unknown) means */

/* In client coordinates, as a Windows RECT. */
struct sw_layout_rect {
  int left, top, right, bottom;
};

/* `px`, measured at `from_dpi`, at `to_dpi`: rounded to the nearest pixel
 * (as MulDiv). A DPI of 0 counts as SW_LAYOUT_DPI_DEFAULT. */
int sw_layout_scale(int px, unsigned to_dpi, unsigned from_dpi);
/* Each edge of `r` scaled so. */
struct sw_layout_rect sw_layout_scale_rect(struct sw_layout_rect r, unsigned to_dpi,
                                           unsigned from_dpi);

/* How a control follows a resizable window. */
enum sw_layout_anchor {
  SW_LAYOUT_FIXED,  /* stays where it is, its size */
  SW_LAYOUT_WIDEN,  /* its right edge follows the window's */
  SW_LAYOUT_GROW,   /* its right and bottom edges follow the window's */
  SW_LAYOUT_CORNER, /* moves with the bottom right corner, its size */
};

/* Where a control goes in a client area of cx x cy pixels at `dpi`:
 * `base` is where the template put it in a client area `base_cx` x
 * `base_cy`, both measured at `base_dpi`. The template's margins scale
 * with the DPI; what the window has beyond the template's size goes to
 * the control as `anchor` says. Never inverted: a client area smaller
 * than the template's leaves a growing control empty, not negative. */
struct sw_layout_rect sw_layout_anchor(struct sw_layout_rect base,
                                       enum sw_layout_anchor anchor, int base_cx,
                                       int base_cy, unsigned base_dpi, unsigned dpi,
                                       int cx, int cy);

/* One control of a dialog whose texts make room for themselves. */
struct sw_layout_item {
  struct sw_layout_rect base; /* where the template put it, at base_dpi */
  int text_h;                 /* a shown growing text's height at the current DPI
                                 (measured at the scaled width); 0: hidden, or a
                                 control that does not grow */
};

/* Places `n` items at `dpi` into `out` (n entries): each where the
 * template put it, scaled; an item with a text_h takes that height and
 * pushes every item whose template top is below its own down by it (the
 * rule dialog's error under a field, its banner on top). Returns how much
 * taller the client area must be than the template's, scaled. */
int sw_layout_flow(const struct sw_layout_item *items, size_t n, unsigned base_dpi,
                   unsigned dpi, struct sw_layout_rect *out);

#endif
