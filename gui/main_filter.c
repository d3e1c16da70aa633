/* The main window's filter box (main_window_internal.h): what is typed
 * there is parsed (model/rule_filter.h says what it means) and the list
 * shows only the rules it lets through, at once, as each key is typed:
 * filtering 100,000 rows is one pass over them, no sort and no request to
 * the service. A filter that cannot be parsed (an unknown state, most
 * often one still being typed) keeps the last good one and says why in
 * the status bar. Enter in the box moves to the list; Esc empties the
 * box. */
#include "main_window_internal.h"

#include <stdio.h>
#include <stdlib.h>

#include "resource.h"
#include "ui_timings.h"

void sw__main_filter_changed(struct sw_main_window *w)
{
  int64_t t0 = sw_ui_timing_start();
  char *typed = sw_editor_get_text(w->hwnd, IDC_MAIN_FILTER);
  struct sw_rule_filter f;
  bool good =
      sw_rule_filter_parse(&f, typed ? typed : "", w->filter_why, sizeof w->filter_why);
  free(typed);
  double model_ms = 0;
  if (good) {
    struct sw_main_marks marks = sw__main_list_marks(w);
    int64_t t_model = sw_ui_timing_start();
    sw_rule_rows_set_filter(&w->rows, &f);
    model_ms = sw_ui_timing_ms(t_model);
    sw__main_list_rows_changed(w, marks, true);
    UpdateWindow(w->list); /* the new rows are painted before we stop timing */
  } else {
    sw__main_update_status(w);
  }
  char detail[32] = "refused";
  if (good)
    snprintf(detail, sizeof detail, "model=%.3f", model_ms);
  sw_ui_timing_log("filter", t0, sw_rule_rows_count(&w->rows),
                   sw_rule_rows_total(&w->rows), detail);
}

bool sw__main_filter_key(struct sw_main_window *w, int id)
{
  HWND box = GetDlgItem(w->hwnd, IDC_MAIN_FILTER);
  if (GetFocus() != box)
    return false;
  if (id == IDOK) { /* Enter: on to the rows found */
    SendMessageW(w->hwnd, WM_NEXTDLGCTL, (WPARAM)w->list, TRUE);
    return true;
  }
  if (id == IDCANCEL && GetWindowTextLengthW(box) > 0) { /* Esc: every rule again */
    SetWindowTextW(box, L"");                            /* EN_CHANGE filters */
    return true;
  }
  return false;
}
