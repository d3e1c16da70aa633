/* What every window of the rule editor shares: one instance of it lives in
 * editor_main.c for the life of the process and is passed to each dialog
 * (its lParam at WM_INITDIALOG) and kept on the window. */
#ifndef SW_EDITOR_H
#define SW_EDITOR_H

#include <windows.h>

#include <stdbool.h>
#include <stdint.h>

#include "access_mode.h"
#include "editor_service.h"
#include "win_text.h"

struct sw_editor {
  HINSTANCE instance;
  struct sw_service *service;
  HWND main;    /* the main window, once created */
  HACCEL accel; /* the main window's accelerators (none that change in read-only mode) */
  struct sw_access_mode mode; /* read-only, or allowed to change rules */
};

/* The text of a control as new UTF-8 (free() it); NULL if out of memory. */
char *sw_editor_get_text(HWND dlg, int id);
/* Sets a control's text from UTF-8. */
void sw_editor_set_text(HWND dlg, int id, const char *utf8);
/* A dialog's context struct, kept on the window (DWLP_USER): at
 * WM_INITDIALOG it is `lp` (DialogBoxParam's), which is stored; later the
 * stored one; NULL before WM_INITDIALOG. For the top of a dialog
 * procedure. */
void *sw_editor_dialog_context(HWND dlg, UINT msg, LPARAM lp);
/* The end of a dialog procedure that sends requests: at WM_DESTROY the
 * replies still queued are dropped (sw_service_drain), a change of theme
 * or contrast repaints (sw_editor_palette_follow). Returns FALSE (not
 * handled). */
INT_PTR sw_editor_dialog_default(HWND dlg, UINT msg, WPARAM wp);
/* A message box with UTF-8 text, owned by `owner`; returns its answer. */
int sw_editor_message(HWND owner, const char *utf8, UINT flags);

#endif
