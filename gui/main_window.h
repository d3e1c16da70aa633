/* The editor's main window: a resizable dialog with every rule in a
 * virtual ListView (LVS_OWNERDATA) and its live state, the buttons that
 * act on the selected rule, and a status bar with the service connection.
 * It refreshes itself every few seconds through the editor's service
 * worker; the rows are kept and sorted by model/rule_rows. */
#ifndef SW_MAIN_WINDOW_H
#define SW_MAIN_WINDOW_H

#include "editor.h"

/* Creates the main window (modeless, shown) for `ed`; NULL on failure
 * (GetLastError). ed->main is set. UI thread only. */
HWND sw_main_window_create(struct sw_editor *ed, int show);

#endif
