/* The main window's rule list (main_window_internal.h): a virtual
 * ListView (LVS_OWNERDATA) that holds no rows and asks for the cells it
 * paints, so 10,000 rules cost what one screenful costs; what a row shows
 * and how the list sorts is model/rule_rows. This file gives the ListView
 * its columns and cells, sorts on a column click (with the header's
 * arrow), finds a row by the typed prefix, draws a stale list grey, and
 * keeps the selection and the focus on their rules when the rows change.
 *
 * ListView column 0 can carry an image without reserving icon space in
 * another column, so the state (text and icon) is ListView column 0 and
 * LVM_SETCOLUMNORDERARRAY shows it third, after the name and the server. */
#include "main_window_internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "resource.h"
#include "ui_timings.h"

/* ListView column -> model column, and their widths at 96 DPI. */
static const enum sw_rule_column lv_columns[SW_RULE_COL_COUNT] = {
    SW_RULE_COL_STATE,      SW_RULE_COL_NAME,    SW_RULE_COL_SERVER, SW_RULE_COL_RESPONSE,
    SW_RULE_COL_LAST_CHECK, SW_RULE_COL_MESSAGE, SW_RULE_COL_UP_DAY, SW_RULE_COL_UP_WEEK,
};
static const wchar_t *const lv_titles[SW_RULE_COL_COUNT] = {
    L"State",      L"Name",         L"Server", L"Response",
    L"Last check", L"Last message", L"24 h",   L"7 d",
};
/* State fits "CRITICAL, acknowledged, maintenance". */
/* The availability columns (24 h, 7 d) show after the state. */
static const int lv_widths[SW_RULE_COL_COUNT] = {200, 150, 160, 70, 130, 340, 64, 64};
static const int lv_order[SW_RULE_COL_COUNT] = {1, 2, 0, 6, 7, 3, 4, 5};

/* The selected rule's row, or -1. */
static int selected_row(const struct sw_main_window *w)
{
  return (int)SendMessageW(w->list, LVM_GETNEXTITEM, (WPARAM)-1, LVNI_SELECTED);
}

const struct sw_rule_row *sw__main_selected(const struct sw_main_window *w)
{
  int row = selected_row(w);
  return row < 0 ? NULL : sw_rule_rows_at(&w->rows, (size_t)row);
}

/* The state icons for the current DPI. */
static int64_t row_id(const struct sw_main_window *w, int row)
{
  const struct sw_rule_row *s = row < 0 ? NULL : sw_rule_rows_at(&w->rows, (size_t)row);
  return s ? s->rule_id : 0;
}

static void show_sort_arrow(struct sw_main_window *w)
{
  HWND header = (HWND)SendMessageW(w->list, LVM_GETHEADER, 0, 0);
  for (int i = 0; i < SW_RULE_COL_COUNT; i++) {
    HDITEMW item = {.mask = HDI_FORMAT};
    if (!SendMessageW(header, HDM_GETITEMW, (WPARAM)i, (LPARAM)&item))
      continue;
    item.fmt &= ~(HDF_SORTUP | HDF_SORTDOWN);
    if (lv_columns[i] == w->rows.sort_column)
      item.fmt |= w->rows.descending ? HDF_SORTDOWN : HDF_SORTUP;
    SendMessageW(header, HDM_SETITEMW, (WPARAM)i, (LPARAM)&item);
  }
}

/* ---- the rows changed: selection and focus follow their rules ------------ */

static void set_row_state(HWND list, int row, UINT state, UINT mask)
{
  LVITEMW item = {.state = state, .stateMask = mask};
  SendMessageW(list, LVM_SETITEMSTATE, (WPARAM)row, (LPARAM)&item);
}

void sw__main_list_rows_changed(struct sw_main_window *w, struct sw_main_marks marks,
                                bool scroll_to_selection)
{
  int64_t selected_id = marks.selected, focused_id = marks.focused;
  int old_sel = selected_row(w);
  int old_focus = (int)SendMessageW(w->list, LVM_GETNEXTITEM, (WPARAM)-1, LVNI_FOCUSED);
  size_t n = sw_rule_rows_count(&w->rows);
  if ((size_t)SendMessageW(w->list, LVM_GETITEMCOUNT, 0, 0) != n)
    SendMessageW(w->list, LVM_SETITEMCOUNT, (WPARAM)n, LVSICF_NOSCROLL);
  size_t row;
  int sel = -1, focus = -1;
  if (selected_id && sw_rule_rows_find(&w->rows, selected_id, &row)) {
    sel = (int)row;
  } else if (selected_id && old_sel >= 0 && n > 0) {
    /* The selected rule is gone (deleted here or elsewhere): its
     * neighbour takes its place, so that Del, Del deletes the next. */
    sel = (size_t)old_sel < n ? old_sel : (int)n - 1;
    focused_id = sw_rule_rows_at(&w->rows, (size_t)sel)->rule_id;
  }
  if (focused_id && sw_rule_rows_find(&w->rows, focused_id, &row))
    focus = (int)row;
  /* Only the rows whose state changes are touched: clearing every row's
   * state costs a pass over all of them in some ListViews. */
  if (old_sel >= 0 && old_sel != sel && (size_t)old_sel < n)
    set_row_state(w->list, old_sel, 0, LVIS_SELECTED);
  if (old_focus >= 0 && focus < 0 && (size_t)old_focus < n)
    set_row_state(w->list, old_focus, 0, LVIS_FOCUSED);
  if (focus >= 0)
    set_row_state(w->list, focus, LVIS_FOCUSED, LVIS_FOCUSED);
  if (sel >= 0) {
    set_row_state(w->list, sel, LVIS_SELECTED, LVIS_SELECTED);
    SendMessageW(w->list, LVM_SETSELECTIONMARK, 0, (LPARAM)sel);
    if (scroll_to_selection)
      SendMessageW(w->list, LVM_ENSUREVISIBLE, (WPARAM)sel, FALSE);
  }
  InvalidateRect(w->list, NULL, FALSE);
  sw__main_update_buttons(w);
  sw__main_update_status(w);
}

struct sw_main_marks sw__main_list_marks(const struct sw_main_window *w)
{
  return (struct sw_main_marks){
      row_id(w, selected_row(w)),
      row_id(w, (int)SendMessageW(w->list, LVM_GETNEXTITEM, (WPARAM)-1, LVNI_FOCUSED)),
  };
}

static void sort_by(struct sw_main_window *w, enum sw_rule_column column)
{
  int64_t t0 = sw_ui_timing_start();
  struct sw_main_marks marks = sw__main_list_marks(w);
  bool descending = column == w->rows.sort_column ? !w->rows.descending : false;
  int64_t t_model = sw_ui_timing_start();
  sw_rule_rows_sort(&w->rows, column, descending);
  double model_ms = sw_ui_timing_ms(t_model);
  show_sort_arrow(w);
  sw__main_list_rows_changed(w, marks, true);
  UpdateWindow(w->list); /* the new order is painted before we stop timing */
  char detail[64];
  snprintf(detail, sizeof detail, "model=%.3f column=%d%s", model_ms, (int)column,
           descending ? " descending" : "");
  sw_ui_timing_log("sort", t0, sw_rule_rows_count(&w->rows), sw_rule_rows_total(&w->rows),
                   detail);
}

/* ---- the list's notifications --------------------------------------------- */

static void get_cell(struct sw_main_window *w, NMLVDISPINFOW *di)
{
  LVITEMW *item = &di->item;
  if (item->iItem < 0 || item->iSubItem < 0 || item->iSubItem >= SW_RULE_COL_COUNT)
    return;
  size_t row = (size_t)item->iItem;
  if ((item->mask & LVIF_IMAGE) && item->iSubItem == 0)
    item->iImage = (int)sw_rule_rows_icon(&w->rows, row);
  if ((item->mask & LVIF_TEXT) && item->pszText && item->cchTextMax > 0) {
    char text[2048];
    sw_rule_rows_cell(&w->rows, row, lv_columns[item->iSubItem], text, sizeof text);
    sw_wide_show(text, item->pszText, (size_t)item->cchTextMax);
  }
}

/* Type-ahead: the ListView asks which row begins with what was typed. */
static LRESULT find_item(struct sw_main_window *w, const NMLVFINDITEMW *fi)
{
  if (!(fi->lvfi.flags & (LVFI_STRING | LVFI_PARTIAL)) || !fi->lvfi.psz)
    return -1;
  char *prefix = sw_utf8_dup(fi->lvfi.psz);
  size_t row = 0;
  bool found =
      prefix && sw_rule_rows_find_prefix(&w->rows, prefix,
                                         fi->iStart < 0 ? 0 : (size_t)fi->iStart, &row);
  free(prefix);
  return found ? (LRESULT)row : -1;
}

LRESULT sw__main_list_notify(struct sw_main_window *w, NMHDR *h)
{
  switch (h->code) {
  case LVN_GETDISPINFOW:
    get_cell(w, (NMLVDISPINFOW *)h);
    return 0;
  case LVN_ODFINDITEMW:
    return find_item(w, (NMLVFINDITEMW *)h);
  case LVN_COLUMNCLICK: {
    int col = ((NMLISTVIEW *)h)->iSubItem;
    if (col >= 0 && col < SW_RULE_COL_COUNT)
      sort_by(w, lv_columns[col]);
    return 0;
  }
  case LVN_ITEMCHANGED:
    sw__main_update_buttons(w);
    return 0;
  case NM_DBLCLK:
    if (((NMITEMACTIVATE *)h)->iItem >= 0)
      sw__main_command(w, IDC_MAIN_EDIT);
    return 0;
  case NM_CUSTOMDRAW: {
    /* A stale list is drawn grey: the rows are what the service said
     * last, not what it says now. */
    NMLVCUSTOMDRAW *cd = (NMLVCUSTOMDRAW *)h;
    if (cd->nmcd.dwDrawStage == CDDS_PREPAINT)
      return w->stale ? CDRF_NOTIFYITEMDRAW : CDRF_DODEFAULT;
    if (cd->nmcd.dwDrawStage == CDDS_ITEMPREPAINT) {
      cd->clrText = GetSysColor(COLOR_GRAYTEXT);
      return CDRF_NEWFONT;
    }
    return CDRF_DODEFAULT;
  }
  default:
    return 0;
  }
}

/* ---- scrolling, timed (ui_timings.h) -------------------------------------- */

/* With timings on, the list is subclassed: a key, scroll bar or wheel
 * message that scrolls it is timed up to the end of the repaint it
 * caused. */
static LRESULT CALLBACK timed_scroll(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp,
                                     UINT_PTR id, DWORD_PTR data)
{
  (void)id;
  bool scrolls =
      msg == WM_VSCROLL || msg == WM_MOUSEWHEEL ||
      (msg == WM_KEYDOWN && (wp == VK_NEXT || wp == VK_PRIOR || wp == VK_HOME ||
                             wp == VK_END || wp == VK_DOWN || wp == VK_UP));
  if (msg == WM_NCDESTROY)
    RemoveWindowSubclass(hwnd, timed_scroll, 1);
  if (!scrolls)
    return DefSubclassProc(hwnd, msg, wp, lp);
  const struct sw_main_window *w = (const struct sw_main_window *)data;
  int64_t t0 = sw_ui_timing_start();
  LRESULT r = DefSubclassProc(hwnd, msg, wp, lp);
  UpdateWindow(hwnd);
  char detail[48];
  snprintf(detail, sizeof detail, "top=%d",
           (int)SendMessageW(hwnd, LVM_GETTOPINDEX, 0, 0));
  sw_ui_timing_log("scroll", t0, sw_rule_rows_count(&w->rows),
                   sw_rule_rows_total(&w->rows), detail);
  return r;
}

/* ---- the columns ------------------------------------------------------------ */

void sw__main_list_init(struct sw_main_window *w)
{
  for (int i = 0; i < SW_RULE_COL_COUNT; i++) {
    LVCOLUMNW col = {.mask = LVCF_TEXT | LVCF_WIDTH | LVCF_FMT | LVCF_SUBITEM};
    col.fmt = lv_columns[i] == SW_RULE_COL_RESPONSE || lv_columns[i] >= SW_RULE_COL_UP_DAY
                  ? LVCFMT_RIGHT
                  : LVCFMT_LEFT;
    col.cx = MulDiv(lv_widths[i], (int)w->dpi, 96);
    col.pszText = (wchar_t *)lv_titles[i];
    col.iSubItem = i;
    SendMessageW(w->list, LVM_INSERTCOLUMNW, (WPARAM)i, (LPARAM)&col);
  }
  SendMessageW(w->list, LVM_SETCOLUMNORDERARRAY, SW_RULE_COL_COUNT, (LPARAM)lv_order);
  show_sort_arrow(w);
  if (sw_ui_timings_on())
    SetWindowSubclass(w->list, timed_scroll, 1, (DWORD_PTR)w);
}
