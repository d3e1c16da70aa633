/* What the main window's three files share: main_window.c (the window,
 * its layout, the status bar and the list's refresh), main_list.c (the
 * rule list's ListView) and main_actions.c (what the commands do: the
 * dialogs they open, the requests they send and what their answers
 * change). Internal to the main window. */
#ifndef SW_MAIN_WINDOW_INTERNAL_H
#define SW_MAIN_WINDOW_INTERNAL_H

#include <windows.h>
#include <commctrl.h>

#include <stdbool.h>
#include <stdint.h>

#include "editor.h"
#include "main_text.h"
#include "editor_live.h"
#include "rule_rows.h"
#include "rule_uptime.h"

/* The tag of the list's STATUS job; every other tag is a struct
 * sw_main_pending. */
#define SW_MAIN_TAG_STATUS ((WPARAM)1)

/* The availability columns' REPORT jobs (main_uptime.c): tag 2 + period. */
#define SW_MAIN_TAG_UPTIME ((WPARAM)2)
#define SW_MAIN_TAG_UPTIME_END (SW_MAIN_TAG_UPTIME + SW_UPTIME_PERIOD_COUNT)

/* An action on a rule waiting for the service's answer; the window owns
 * the list (freed at WM_DESTROY even if the answer never comes). */
struct sw_main_pending {
  struct sw_main_pending *next;
  enum sw_main_action kind;
  int64_t rule_id;
  char name[256];
};

/* The main window's state, kept on the window (DWLP_USER). */
struct sw_main_window {
  struct sw_editor *ed;
  HWND hwnd, list, status, banner;
  HWND mode_banner; /* why the editor is read-only, shown while it is */
  struct sw_rule_rows rows;
  HIMAGELIST icons;
  HICON big_icon, small_icon;
  UINT dpi;
  bool refreshing;    /* a STATUS job is in flight */
  bool refresh_again; /* and something changed since it left */
  bool stale;         /* the last refresh failed: rows greyed, banner shown */
  char stale_why[512];
  char updated_at[16]; /* local time of the last good refresh, or "" */
  unsigned tests_running;
  char testing[256]; /* the last rule sent to test */
  struct sw_main_pending *actions;
  struct sw_live *live; /* the subscription (editor_live.h); NULL: none */
  bool live_on;         /* subscribed: pushes keep the rows current, no 5 s
                           refresh */
  char filter_why[256]; /* why the filter box's text is refused, or "" */
  /* The availability columns' fetch (main_uptime.c). */
  struct {
    int64_t from_ms[SW_UPTIME_PERIOD_COUNT], until_ms[SW_UPTIME_PERIOD_COUNT];
    bool busy[SW_UPTIME_PERIOD_COUNT]; /* a page is in flight */
    bool started;                      /* fetched once, after the first load */
  } uptime;
};

/* Which rules the selection and the focus are on (0: none). */
struct sw_main_marks {
  int64_t selected, focused;
};

/* main_window.c. Asks for every rule's status; `now`: the user or an
 * action asked, so a refresh already out is followed by another (it may
 * have left before the change); the timer's tick is skipped instead. */
void sw__main_refresh(struct sw_main_window *w, bool now);
/* Puts the connection, the summary and the last update in the status bar
 * (and the reason in the banner while the list is stale). */
void sw__main_update_status(struct sw_main_window *w);

/* Shows the editor's mode (w->ed->mode): the read-only banner, the Edit
 * button as View, the buttons and keys that change rules off, "Read-only"
 * in the status bar; or none of that. Called at start and whenever the
 * mode changes (a refusal from the service). */
void sw__main_apply_mode(struct sw_main_window *w);

/* Turns on the buttons the selection and the mode allow (off the others,
 * moving the focus off a button being turned off). */
void sw__main_update_buttons(struct sw_main_window *w);

/* main_list.c. Gives the list its columns (in their shown order) and the
 * sort arrow; at WM_INITDIALOG, once w->dpi is known. */
void sw__main_list_init(struct sw_main_window *w);
/* Answers the list's WM_NOTIFY: cells, type-ahead, column clicks (sort),
 * selection changes (buttons), double-click (edit), grey rows while
 * stale. Returns the notification's result. */
LRESULT sw__main_list_notify(struct sw_main_window *w, NMHDR *h);
/* The selected rule's row (borrowed until the rows change), or NULL. */
const struct sw_rule_row *sw__main_selected(const struct sw_main_window *w);
/* Which rules are selected and focused now: take it before the rows
 * change, give it to sw__main_list_rows_changed after. */
struct sw_main_marks sw__main_list_marks(const struct sw_main_window *w);
/* The rows changed (a refresh or a sort): tells the list, and puts the
 * selection and the focus back on the rules of `marks` (a deleted rule's
 * neighbour takes its selection); scrolls to the selection if asked. Then
 * the buttons and the status bar follow. */
void sw__main_list_rows_changed(struct sw_main_window *w, struct sw_main_marks marks,
                                bool scroll_to_selection);

/* main_actions.c. Whether the editor's mode lets command `id` (IDC_MAIN_*,
 * IDOK) run; its button is greyed, and its key does nothing, if not. */
bool sw__main_allowed(const struct sw_main_window *w, int id);
/* Carries out a button's, key's or accelerator's command
 * `id` (IDC_MAIN_*, IDOK for Enter in the list) on the selected rule. */
void sw__main_command(struct sw_main_window *w, int id);
/* Handles the answer to an action's job (any tag but
 * SW_MAIN_TAG_STATUS); the caller frees the job. */
void sw__main_action_done(struct sw_main_window *w, struct sw_service_job *job);
/* Frees the actions still waiting for an answer (at WM_DESTROY). */
void sw__main_actions_free(struct sw_main_window *w);

/* main_live.c: a WM_SW_LIVE message (editor_live.h): a push applied to
 * the rows, or the subscription begun (everything read once) or ended (the
 * 5 s refresh again). Frees the push. */
void sw__main_live_event(struct sw_main_window *w, WPARAM wp, LPARAM lp);
/* main_filter.c. The filter box's text changed (EN_CHANGE): the list
 * shows the rules it lets through, or the status bar says why it cannot. */
void sw__main_filter_changed(struct sw_main_window *w);
/* Enter (IDOK) or Esc (IDCANCEL) while the filter box has the focus:
 * Enter moves to the list, Esc empties the box. True if the key was the
 * box's (the caller does nothing else with it). */
bool sw__main_filter_key(struct sw_main_window *w, int id);
/* main_uptime.c. Asks the service for the 24 h and 7 d figures of every
 * rule (REPORT pages, protocol version 4), unless they are being fetched:
 * after the first load and every SW_MAIN_UPTIME_S. */
#define SW_MAIN_UPTIME_S 300u
void sw__main_uptime_fetch(struct sw_main_window *w);
/* Handles the answer to one of its pages (tag SW_MAIN_TAG_UPTIME...):
 * puts the figures into the rows and asks for the next page. An older
 * service (unknown_message) or an error leaves the columns as they are
 * until the next fetch. The caller frees the job. */
void sw__main_uptime_done(struct sw_main_window *w, struct sw_service_job *job);

#endif
