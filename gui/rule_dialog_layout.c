/* The rule dialog's layout (rule_dialog_layout.h). */
#include "rule_dialog_layout.h"

#include <stdlib.h>
#include <string.h>

#include "resource.h"
#include "alert_form.h"
#include "rule_form.h"

/* Which page of the right column control `id` is on. */
static enum sw_rule_page page_of(int id)
{
  bool alerts =
      (id >= IDC_RULE_ALERT_ERROR && id < IDC_RULE_ALERT_ERROR + SW_ALERT_FIELD_COUNT) ||
      (id >= IDC_RULE_NOTIFY_LABEL && id <= IDC_RULE_DEPENDS);
  if (alerts)
    return SW_RULE_PAGE_ALERTS;
  for (int block = IDC_RULE_FIELD; block <= IDC_RULE_LABEL;
       block += IDC_RULE_ERROR - IDC_RULE_FIELD)
    if (id >= block + SW_RULE_FIELD_ROUND_TRIP && id < block + SW_RULE_FIELD_COUNT)
      return SW_RULE_PAGE_ROUND_TRIP;
  return id == IDC_RULE_ROUND_TRIP_HEADING || id == IDC_RULE_MAILBOX_PASSWORD_NOTE ||
                 id == IDC_RULE_MAILBOX_PASSWORD_REMOVE
             ? SW_RULE_PAGE_ROUND_TRIP
             : SW_RULE_PAGE_ALL;
}

/* Everything is placed from the template's rectangles and the window's
 * current DPI (model/dialog_layout.h) on every change: after a move to a
 * monitor with another scale, a Save or a Test that shows a message keeps
 * the new scale. */
void sw_rule_layout_init(struct sw_rule_layout *d, HWND dialog)
{
  memset(d, 0, sizeof *d);
  d->hwnd = dialog;
  d->page = SW_RULE_PAGE_ALERTS;
  sw_dialog_dpi_init(&d->dpi, d->hwnd);
  RECT client;
  GetClientRect(d->hwnd, &client);
  d->base_client.cx = client.right;
  d->base_client.cy = client.bottom;
  for (HWND c = GetWindow(d->hwnd, GW_CHILD); c && d->placed_count < SW_RULE_PLACED_MAX;
       c = GetWindow(c, GW_HWNDNEXT)) {
    struct sw_rule_placed *p = &d->placed[d->placed_count++];
    int id = GetDlgCtrlID(c);
    p->hwnd = c;
    p->page = page_of(id);
    p->grows =
        id == IDC_RULE_BANNER ||
        (id >= IDC_RULE_ERROR && id < IDC_RULE_ERROR + SW_RULE_FIELD_COUNT) ||
        (id >= IDC_RULE_ALERT_ERROR && id < IDC_RULE_ALERT_ERROR + SW_ALERT_FIELD_COUNT);
    p->combo = id == IDC_RULE_DEPENDS ||
               (id >= IDC_RULE_FIELD && id < IDC_RULE_FIELD + SW_RULE_FIELD_COUNT &&
                sw_rule_form_kind((enum sw_rule_field)(id - IDC_RULE_FIELD)) ==
                    SW_RULE_FORM_CHOICE);
    p->base = sw_dialog_dpi_child_rect(d->hwnd, c);
  }
}

/* The height the static's text takes at its width, in pixels. */
static int text_height(HWND control, int width)
{
  int len = GetWindowTextLengthW(control);
  wchar_t *text = malloc(((size_t)len + 1) * sizeof *text);
  if (!text)
    return 0;
  GetWindowTextW(control, text, len + 1);
  HDC dc = GetDC(control);
  HGDIOBJ old = SelectObject(dc, (HFONT)SendMessageW(control, WM_GETFONT, 0, 0));
  RECT r = {0, 0, width, 0};
  DrawTextW(dc, text, -1, &r, DT_CALCRECT | DT_WORDBREAK | DT_NOPREFIX | DT_EDITCONTROL);
  SelectObject(dc, old);
  ReleaseDC(control, dc);
  free(text);
  return r.bottom;
}

/* A drop-down list's height as SetWindowPos means it: the field and its
 * open list, each item in the font it has now. */
static int combo_height(HWND combo, int field_h)
{
  LRESULT item = SendMessageW(combo, CB_GETITEMHEIGHT, 0, 0);
  LRESULT count = SendMessageW(combo, CB_GETCOUNT, 0, 0);
  return field_h + (item > 0 ? (int)item : field_h) * (count > 0 ? (int)count + 1 : 2);
}

/* Each shown error (and the banner) pushes everything below it down by
 * its height, and the dialog grows by all of them; it is kept on its
 * monitor. */
/* The page not shown hidden; on the page shown, every control but the
 * errors without a text. */
static void show_page_controls(struct sw_rule_layout *d)
{
  for (size_t i = 0; i < d->placed_count; i++) {
    const struct sw_rule_placed *p = &d->placed[i];
    if (p->page == SW_RULE_PAGE_ALL)
      continue;
    bool on = p->page == d->page && (!p->grows || GetWindowTextLengthW(p->hwnd) > 0);
    bool shown = (GetWindowLongW(p->hwnd, GWL_STYLE) & WS_VISIBLE) != 0;
    if (on != shown)
      ShowWindow(p->hwnd, on ? SW_SHOWNA : SW_HIDE);
  }
}

void sw_rule_layout_show_page(struct sw_rule_layout *d, enum sw_rule_page page)
{
  d->page = page;
  CheckRadioButton(d->hwnd, IDC_RULE_PAGE_ALERTS, IDC_RULE_PAGE_ROUND_TRIP,
                   page == SW_RULE_PAGE_ROUND_TRIP ? IDC_RULE_PAGE_ROUND_TRIP
                                                   : IDC_RULE_PAGE_ALERTS);
  sw_rule_layout_flow(d);
}

void sw_rule_layout_flow(struct sw_rule_layout *d)
{
  struct sw_layout_item items[SW_RULE_PLACED_MAX];
  show_page_controls(d);
  struct sw_layout_rect at[SW_RULE_PLACED_MAX];
  UINT base_dpi = d->dpi.base_dpi, dpi = d->dpi.dpi;
  for (size_t i = 0; i < d->placed_count; i++) {
    const struct sw_rule_placed *p = &d->placed[i];
    items[i].base = p->base;
    items[i].text_h = 0;
    /* Its own style, not IsWindowVisible: the dialog itself is hidden
     * until the modal loop first idles, and replies can come before. */
    if (p->grows && (GetWindowLongW(p->hwnd, GWL_STYLE) & WS_VISIBLE))
      items[i].text_h = text_height(
          p->hwnd, sw_layout_scale(p->base.right - p->base.left, dpi, base_dpi));
  }
  int grown = sw_layout_flow(items, d->placed_count, base_dpi, dpi, at);
  HDWP dwp = BeginDeferWindowPos((int)d->placed_count);
  for (size_t i = 0; i < d->placed_count && dwp; i++) {
    int h = at[i].bottom - at[i].top;
    dwp = DeferWindowPos(dwp, d->placed[i].hwnd, NULL, at[i].left, at[i].top,
                         at[i].right - at[i].left,
                         d->placed[i].combo ? combo_height(d->placed[i].hwnd, h) : h,
                         SWP_NOZORDER | SWP_NOACTIVATE);
  }
  if (dwp)
    EndDeferWindowPos(dwp);

  SIZE size = sw_dialog_dpi_window_size(
      &d->dpi, d->hwnd, sw_layout_scale(d->base_client.cx, dpi, base_dpi),
      sw_layout_scale(d->base_client.cy, dpi, base_dpi) + grown);
  RECT w;
  GetWindowRect(d->hwnd, &w);
  int top = w.top;
  MONITORINFO mi = {.cbSize = sizeof mi};
  if (GetMonitorInfoW(MonitorFromWindow(d->hwnd, MONITOR_DEFAULTTONEAREST), &mi) &&
      top + size.cy > mi.rcWork.bottom)
    top = mi.rcWork.bottom - size.cy > mi.rcWork.top ? mi.rcWork.bottom - size.cy
                                                     : mi.rcWork.top;
  SetWindowPos(d->hwnd, NULL, w.left, top, size.cx, size.cy,
               SWP_NOZORDER | SWP_NOACTIVATE);
  InvalidateRect(d->hwnd, NULL, TRUE);
}

/* A move to a monitor with another scale: the template's font at the new
 * DPI, the window where Windows suggests, then the layout again. */
void sw_rule_layout_dpi_changed(struct sw_rule_layout *d, UINT dpi, const RECT *suggested)
{
  sw_dialog_dpi_change(&d->dpi, d->hwnd, dpi, suggested);
  sw_rule_layout_flow(d);
}

void sw_rule_layout_free(struct sw_rule_layout *d)
{
  sw_dialog_dpi_free(&d->dpi);
}
