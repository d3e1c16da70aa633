/* Where the rule dialog's controls go: every control where the template
 * put it, scaled to the window's DPI, with room made under a field for its
 * error text and above the form for the banner; the dialog grows by what
 * they need and stays on its monitor. Everything is placed again from the
 * template's rectangles on every change (model/dialog_layout.h does the
 * arithmetic, dialog_dpi.h the fonts). UI thread only. */
#ifndef SW_RULE_DIALOG_LAYOUT_H
#define SW_RULE_DIALOG_LAYOUT_H

#include <windows.h>

#include <stdbool.h>
#include <stddef.h>

#include "dialog_dpi.h"

#define SW_RULE_PLACED_MAX                                                               \
  220 /* three columns and the round trip, every field with its error */

/* The right column's pages: a control is on every page or on one. */
enum sw_rule_page { SW_RULE_PAGE_ALL, SW_RULE_PAGE_ALERTS, SW_RULE_PAGE_ROUND_TRIP };

/* A control where the template put it; error texts and the banner grow. */
struct sw_rule_placed {
  HWND hwnd;
  struct sw_layout_rect base; /* client coordinates at the template's DPI */
  enum sw_rule_page page;
  bool grows;
  bool combo; /* its height is the open list's: the field's own follows the font */
};

struct sw_rule_layout {
  HWND hwnd; /* the dialog */
  size_t placed_count;
  struct sw_rule_placed placed[SW_RULE_PLACED_MAX];
  SIZE base_client;         /* the client area as the template made it */
  struct sw_dialog_dpi dpi; /* the template's DPI and the window's */
  enum sw_rule_page page;   /* the right column's page shown */
};

/* At WM_INITDIALOG: notes every control's rectangle and the DPI. */
void sw_rule_layout_init(struct sw_rule_layout *d, HWND dialog);
/* Places every control again (after an error text or the banner was
 * shown, hidden or changed); an error or banner counts while its
 * WS_VISIBLE style is set. The controls of the page not shown are hidden
 * first, and an error of the page shown is shown if it has a text. */
void sw_rule_layout_flow(struct sw_rule_layout *d);
/* Shows the right column's page `page` (its radio button checked), then
 * sw_rule_layout_flow. */
void sw_rule_layout_show_page(struct sw_rule_layout *d, enum sw_rule_page page);
/* At WM_DPICHANGED: the template's font at `dpi`, the window at
 * `suggested`, then sw_rule_layout_flow. */
void sw_rule_layout_dpi_changed(struct sw_rule_layout *d, UINT dpi,
                                const RECT *suggested);
/* Frees what the layout made (fonts for another DPI). */
void sw_rule_layout_free(struct sw_rule_layout *d);

#endif
