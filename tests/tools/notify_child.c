/* notify_child: the program a test of common/win/program_run.c runs, doing
 * what a notifier's program might (tests/unit/win/test_program_run.c).
 *
 *   notify_child env FILE       writes its whole environment block, one
 *                               entry a line, UTF-8, into FILE; exit 0
 *   notify_child exit N         says "exiting with N" on stdout and
 *                               "to stderr" on stderr; exits with N
 *   notify_child spew LINES     writes LINES lines of 100 bytes; exit 0
 *   notify_child sleep MS       sleeps MS milliseconds; exit 0
 *   notify_child tree PIDFILE   starts "notify_child sleep 600000" and
 *                               writes its process id into PIDFILE, then
 *                               sleeps 600 s (a tree to end at a timeout)
 *   notify_child stdin          reads its input to the end; exit 0
 *
 * Exit code 100 with a sentence on stderr when something fails. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static int fail(const char *what)
{
  fprintf(stderr, "notify_child: %s (error %lu)\n", what, GetLastError());
  return 100;
}

static int write_env(const wchar_t *path)
{
  FILE *f = _wfopen(path, L"wb");
  if (!f)
    return fail("cannot write the file");
  wchar_t *block = GetEnvironmentStringsW();
  for (const wchar_t *e = block; *e; e += wcslen(e) + 1) {
    char utf8[65536];
    int n = WideCharToMultiByte(CP_UTF8, 0, e, -1, utf8, sizeof utf8, NULL, NULL);
    if (n > 0)
      fprintf(f, "%s\n", utf8);
  }
  FreeEnvironmentStringsW(block);
  fclose(f);
  return 0;
}

static int tree(const wchar_t *pidfile)
{
  wchar_t self[MAX_PATH], line[MAX_PATH + 32];
  GetModuleFileNameW(NULL, self, MAX_PATH);
  swprintf(line, MAX_PATH + 32, L"\"%ls\" sleep 600000", self);
  STARTUPINFOW si;
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  PROCESS_INFORMATION pi;
  if (!CreateProcessW(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
    return fail("cannot start the grandchild");
  FILE *f = _wfopen(pidfile, L"wb");
  if (!f)
    return fail("cannot write the pid file");
  fprintf(f, "%lu\n", pi.dwProcessId);
  fclose(f);
  Sleep(600000);
  return 0;
}

int wmain(int argc, wchar_t **argv)
{
  if (argc == 3 && !wcscmp(argv[1], L"env"))
    return write_env(argv[2]);
  if (argc == 3 && !wcscmp(argv[1], L"exit")) {
    printf("exiting with %ls\n", argv[2]);
    fflush(stdout);
    fprintf(stderr, "to stderr\n");
    return _wtoi(argv[2]);
  }
  if (argc == 3 && !wcscmp(argv[1], L"spew")) {
    char line[101];
    memset(line, 'x', 99);
    line[99] = '\n';
    line[100] = '\0';
    for (int i = _wtoi(argv[2]); i > 0; i--)
      fputs(line, stdout);
    return 0;
  }
  if (argc == 3 && !wcscmp(argv[1], L"sleep")) {
    Sleep((DWORD)_wtoi(argv[2]));
    return 0;
  }
  if (argc == 3 && !wcscmp(argv[1], L"tree"))
    return tree(argv[2]);
  if (argc == 2 && !wcscmp(argv[1], L"stdin")) {
    char buf[256];
    while (fread(buf, 1, sizeof buf, stdin) > 0)
      ;
    return 0;
  }
  fprintf(stderr, "usage: notify_child env FILE | exit N | spew LINES | sleep MS | "
                  "tree PIDFILE | stdin\n");
  return 100;
}
