/* The Notifications window (the main window's Window menu, Ctrl+N): the
 * service's notifiers (Add, Edit, Delete, Test) and its outbox, newest
 * first, a page at a time. Thin over model/outbox_rows and
 * model/alert_replies; every request goes through the service worker. */
#ifndef SW_NOTIFICATIONS_WINDOW_H
#define SW_NOTIFICATIONS_WINDOW_H

#include <windows.h>

#include "editor.h"

/* Modal to `owner`. */
void sw_notifications_window_show(HWND owner, struct sw_editor *ed);

#endif
