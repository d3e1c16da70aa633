/* smtpwatch-editor.exe: the entry point. It makes the process per-monitor
 * DPI aware (the manifest asks already; the call covers a copy run
 * without it), decides whether the editor may change rules (its command
 * line and its token, editor_rights.h: read-only otherwise), registers
 * the common controls, creates the editor's shared
 * context, the main window and the service worker, and runs the one
 * message loop: the main window's accelerators first, then the dialog
 * keys (Tab, Enter, Esc, mnemonics). Modal dialogs run loops of their
 * own. */
#include <windows.h>
#include <commctrl.h>

#include <stdio.h>
#include <stdlib.h>

#include "editor.h"
#include "editor_rights.h"
#include "main_window.h"
#include "resource.h"
#include "sw_macros.h"

/* Per-monitor v2 where Windows has it (10 1703+), else whatever the
 * manifest gave. Looked up at run time: the function is newer than the
 * oldest Windows the program starts on, and a failure is harmless (the
 * manifest's setting stays, and a second setting is refused anyway). */
static void set_dpi_awareness(void)
{
  typedef BOOL(WINAPI * set_context_fn)(HANDLE);
  HMODULE user32 = GetModuleHandleW(L"user32.dll");
  set_context_fn set_context = user32 ? (set_context_fn)(void *)GetProcAddress(
                                            user32, "SetProcessDpiAwarenessContext")
                                      : NULL;
  if (set_context)
    set_context((HANDLE)(INT_PTR)-4); /* DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2 */
}

static void say_error(const char *what, DWORD err)
{
  char text[512];
  wchar_t *why = NULL;
  FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                     FORMAT_MESSAGE_IGNORE_INSERTS,
                 NULL, err, 0, (wchar_t *)&why, 0, NULL);
  char *why8 = sw_utf8_dup(why ? why : L"");
  snprintf(text, sizeof text, "%s\n\n%s(error %lu)", what, why8 ? why8 : "",
           (unsigned long)err);
  free(why8);
  LocalFree(why);
  sw_editor_message(NULL, text, MB_OK | MB_ICONERROR);
}

int WINAPI wWinMain(HINSTANCE instance, HINSTANCE prev, PWSTR cmd, int show)
{
  (void)prev;
  set_dpi_awareness();
  static struct sw_editor ed;
  char *args = sw_utf8_dup(cmd ? cmd : L"");
  char why[300];
  if (!args || !sw_editor_rights_decide(args, &ed.mode, why, sizeof why)) {
    sw_editor_message(NULL, args ? why : "The editor is out of memory.",
                      MB_OK | MB_ICONERROR);
    free(args);
    return 2;
  }
  free(args);
  INITCOMMONCONTROLSEX icc = {sizeof icc, ICC_LISTVIEW_CLASSES | ICC_BAR_CLASSES |
                                              ICC_STANDARD_CLASSES | ICC_UPDOWN_CLASS |
                                              ICC_DATE_CLASSES};
  if (!InitCommonControlsEx(&icc)) {
    say_error("The editor could not load the Windows common controls.", GetLastError());
    return 1;
  }

  ed.instance = instance;
  /* ed.accel: the window loads the table its mode allows. */
  /* The window first (the worker posts its state to it), then the worker;
   * the window's first refresh is a posted message, so it finds the
   * worker running. */
  if (!sw_main_window_create(&ed, show)) {
    say_error("The editor's main window could not be created.", GetLastError());
    return 1;
  }
  ed.service = sw_service_start(ed.main);
  if (!ed.service) {
    sw_editor_message(ed.main,
                      "The editor could not start its link to the service: this "
                      "computer is out of memory or threads.",
                      MB_OK | MB_ICONERROR);
    DestroyWindow(ed.main);
    return 1;
  }

  MSG msg;
  int got;
  while ((got = GetMessageW(&msg, NULL, 0, 0)) > 0) {
    HWND main = ed.main;
    if (main && (msg.hwnd == main || IsChild(main, msg.hwnd))) {
      /* In the filter box Del, Ins and Ctrl+letters edit the text: only
       * the function keys (F5, F2) stay the window's. */
      bool typing = msg.hwnd == GetDlgItem(main, IDC_MAIN_FILTER) &&
                    msg.message == WM_KEYDOWN &&
                    !(msg.wParam >= VK_F1 && msg.wParam <= VK_F24);
      if (ed.accel && !typing && TranslateAcceleratorW(main, ed.accel, &msg))
        continue;
      if (IsDialogMessageW(main, &msg))
        continue;
    }
    TranslateMessage(&msg);
    DispatchMessageW(&msg);
  }
  if (NEVER(ed.main)) /* the loop ends with the window's PostQuitMessage */
    DestroyWindow(ed.main);
  sw_service_stop(ed.service);
  return got < 0 ? 1 : (int)msg.wParam;
}
