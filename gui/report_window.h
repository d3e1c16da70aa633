/* The report window (the main window's Window menu, "Report..."): every
 * rule's availability over the last 24 hours, 7 days or 30 days, the
 * selected rule's outages, and "Save HTML..." for the file `smtpwatch
 * report --html` writes (docs/reports.md). Thin over model/report_view;
 * its REPORT pages go through the service worker. */
#ifndef SW_REPORT_WINDOW_H
#define SW_REPORT_WINDOW_H

#include <windows.h>

#include "editor.h"

/* Modal to `owner`. */
void sw_report_window_show(HWND owner, struct sw_editor *ed);

#endif
