/* window_text: prints the texts a top-level window shows, read from another
 * process the way accessibility tools do, for tests that must see what a
 * user sees (tests/integration/test_msi.py: the editor's rules and status
 * bar, msiexec's message box).
 *
 *   window_text TITLE [--timeout-ms N]
 *
 * Waits up to N ms (default 10000) for a visible top-level window whose
 * title contains TITLE, then prints, in UTF-8:
 *   window: <title>
 *   text: <a child's own text>          (static text, buttons, edits: WM_GETTEXT)
 *   button: <its text> | enabled        (or "| disabled": what a user can press;
 *                                        after the button's text: line)
 *   status: <part 0> | <part 1> | ...   (a status bar, part by part)
 *   row: <cell> | <cell> | ...          (each row of a list view)
 * Exit codes: 0 found, 1 no such window in time, 2 usage, 3 the window's
 * process could not be read.
 *
 * Status bar parts and list view cells are not marshalled between
 * processes (only WM_GETTEXT is): the request and its buffer are placed in
 * the window's process with VirtualAllocEx/WriteProcessMemory, and the
 * answer read back with ReadProcessMemory. Both processes are x64. */
#include <windows.h>
#include <commctrl.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#define TEXT_CAP 1024        /* characters of one cell or part */
#define SEND_TIMEOUT_MS 5000 /* a hung window must not hang the test */

struct find {
  const wchar_t *title;
  HWND found;
};

static BOOL CALLBACK match_top(HWND hwnd, LPARAM lp)
{
  struct find *f = (struct find *)lp;
  wchar_t title[512];
  if (IsWindowVisible(hwnd) && GetWindowTextW(hwnd, title, 512) > 0 &&
      wcsstr(title, f->title)) {
    f->found = hwnd;
    return FALSE;
  }
  return TRUE;
}

static void print_utf8(const char *prefix, const wchar_t *text)
{
  char out[TEXT_CAP * 4];
  if (WideCharToMultiByte(CP_UTF8, 0, text, -1, out, (int)sizeof out, NULL, NULL) <= 0)
    out[0] = '\0';
  printf("%s%s", prefix, out);
}

/* Memory in the window's process: one request struct and one text buffer. */
struct remote {
  HANDLE process;
  BYTE *base; /* in the other process */
};

static bool remote_open(struct remote *r, HWND hwnd)
{
  DWORD pid = 0;
  GetWindowThreadProcessId(hwnd, &pid);
  r->process =
      OpenProcess(PROCESS_VM_OPERATION | PROCESS_VM_READ | PROCESS_VM_WRITE, FALSE, pid);
  r->base = r->process
                ? VirtualAllocEx(r->process, NULL, 4096 + TEXT_CAP * sizeof(wchar_t),
                                 MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE)
                : NULL;
  return r->base != NULL;
}

static void remote_close(struct remote *r)
{
  if (r->base)
    VirtualFreeEx(r->process, r->base, 0, MEM_RELEASE);
  if (r->process)
    CloseHandle(r->process);
}

/* Sends `msg` with wParam and a remote text buffer as lParam (after
 * copying `request`, if any, to the start of the remote block, whose text
 * buffer it must point at); reads the text back into `out`. */
static void remote_text(struct remote *r, HWND hwnd, UINT msg, WPARAM wp,
                        const void *request, size_t request_size, wchar_t *out)
{
  wchar_t *text = (wchar_t *)(r->base + 4096);
  out[0] = L'\0';
  if (request && !WriteProcessMemory(r->process, r->base, request, request_size, NULL))
    return;
  DWORD_PTR result;
  static const wchar_t empty = L'\0';
  WriteProcessMemory(r->process, text, &empty, sizeof empty, NULL);
  if (!SendMessageTimeoutW(hwnd, msg, wp, (LPARAM)(request ? (void *)r->base : text),
                           SMTO_ABORTIFHUNG, SEND_TIMEOUT_MS, &result))
    return;
  SIZE_T got = 0;
  ReadProcessMemory(r->process, text, out, TEXT_CAP * sizeof(wchar_t), &got);
  out[TEXT_CAP - 1] = L'\0';
}

static void print_status_bar(struct remote *r, HWND bar)
{
  DWORD_PTR parts = 0;
  SendMessageTimeoutW(bar, SB_GETPARTS, 0, 0, SMTO_ABORTIFHUNG, SEND_TIMEOUT_MS, &parts);
  printf("status: ");
  for (WPARAM i = 0; i < parts && i < 256; i++) {
    wchar_t text[TEXT_CAP];
    remote_text(r, bar, SB_GETTEXTW, i, NULL, 0, text);
    print_utf8(i ? " | " : "", text);
  }
  printf("\n");
}

static void print_list_view(struct remote *r, HWND list)
{
  DWORD_PTR rows = 0, columns = 0, header = 0;
  SendMessageTimeoutW(list, LVM_GETITEMCOUNT, 0, 0, SMTO_ABORTIFHUNG, SEND_TIMEOUT_MS,
                      &rows);
  SendMessageTimeoutW(list, LVM_GETHEADER, 0, 0, SMTO_ABORTIFHUNG, SEND_TIMEOUT_MS,
                      &header);
  if (header)
    SendMessageTimeoutW((HWND)header, HDM_GETITEMCOUNT, 0, 0, SMTO_ABORTIFHUNG,
                        SEND_TIMEOUT_MS, &columns);
  if (columns == 0)
    columns = 1;
  for (DWORD_PTR row = 0; row < rows && row < 10000; row++) {
    printf("row: ");
    for (DWORD_PTR col = 0; col < columns && col < 64; col++) {
      LVITEMW item = {.iSubItem = (int)col,
                      .pszText = (wchar_t *)(r->base + 4096),
                      .cchTextMax = TEXT_CAP};
      wchar_t text[TEXT_CAP];
      remote_text(r, list, LVM_GETITEMTEXTW, row, &item, sizeof item, text);
      print_utf8(col ? " | " : "", text);
    }
    printf("\n");
  }
}

struct dump {
  struct remote *r;
};

static BOOL CALLBACK dump_child(HWND hwnd, LPARAM lp)
{
  struct dump *d = (struct dump *)lp;
  if (!IsWindowVisible(hwnd))
    return TRUE;
  wchar_t cls[64];
  GetClassNameW(hwnd, cls, 64);
  if (!_wcsicmp(cls, STATUSCLASSNAMEW)) {
    print_status_bar(d->r, hwnd);
  } else if (!_wcsicmp(cls, WC_LISTVIEWW)) {
    print_list_view(d->r, hwnd);
  } else if (_wcsicmp(cls, WC_HEADERW)) {
    wchar_t text[TEXT_CAP];
    DWORD_PTR n = 0;
    if (SendMessageTimeoutW(hwnd, WM_GETTEXT, TEXT_CAP, (LPARAM)text, SMTO_ABORTIFHUNG,
                            SEND_TIMEOUT_MS, &n) &&
        n > 0) {
      text[TEXT_CAP - 1] = L'\0';
      print_utf8("text: ", text);
      printf("\n");
      if (!_wcsicmp(cls, WC_BUTTONW)) {
        print_utf8("button: ", text);
        printf(" | %s\n", IsWindowEnabled(hwnd) ? "enabled" : "disabled");
      }
    }
  }
  return TRUE;
}

int wmain(int argc, wchar_t **argv)
{
  DWORD timeout_ms = 10000;
  if (argc == 4 && !wcscmp(argv[2], L"--timeout-ms"))
    timeout_ms = wcstoul(argv[3], NULL, 10);
  else if (argc != 2) {
    fprintf(stderr, "usage: window_text TITLE [--timeout-ms N]\n");
    return 2;
  }
  struct find f = {.title = argv[1]};
  DWORD start = GetTickCount();
  for (;;) {
    EnumWindows(match_top, (LPARAM)&f);
    if (f.found || GetTickCount() - start >= timeout_ms)
      break;
    Sleep(100);
  }
  if (!f.found) {
    fprintf(stderr,
            "window_text: no window whose title contains the text appeared "
            "within %lu ms.\n",
            (unsigned long)timeout_ms);
    return 1;
  }
  wchar_t title[512];
  GetWindowTextW(f.found, title, 512);
  print_utf8("window: ", title);
  printf("\n");
  struct remote r = {0};
  if (!remote_open(&r, f.found)) {
    fprintf(stderr, "window_text: the window's process cannot be read (error %lu).\n",
            (unsigned long)GetLastError());
    remote_close(&r);
    return 3;
  }
  struct dump d = {.r = &r};
  EnumChildWindows(f.found, dump_child, (LPARAM)&d);
  remote_close(&r);
  fflush(stdout);
  return 0;
}
