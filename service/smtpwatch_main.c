/* smtpwatch.exe: the command-line companion of the SMTP Watch service.
 * Converts the UTF-16 command line to UTF-8 and dispatches to a subcommand. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "Usage: smtpwatch <command> [arguments]\n"
    "\n"
    "Commands:\n"
    "  check HOST [options]   check one SMTP server now (Nagios plugin conventions;\n"
    "                         'smtpwatch check --help' lists the options)\n"
    "  version                print the version\n";

/* UTF-16 argv -> UTF-8 argv (a single allocation the process keeps). */
static char **utf8_argv(int argc, wchar_t **wargv)
{
  size_t total = 0;
  for (int i = 0; i < argc; i++)
    total += (size_t)WideCharToMultiByte(CP_UTF8, 0, wargv[i], -1, NULL, 0, NULL, NULL);
  char **argv = malloc((size_t)(argc + 1) * sizeof *argv + total);
  if (!argv)
    return NULL;
  char *p = (char *)(argv + argc + 1);
  for (int i = 0; i < argc; i++) {
    int n = WideCharToMultiByte(CP_UTF8, 0, wargv[i], -1, p, (int)total, NULL, NULL);
    argv[i] = p;
    p += n;
    total -= (size_t)n;
  }
  argv[argc] = NULL;
  return argv;
}

int wmain(int argc, wchar_t **wargv)
{
  SetConsoleOutputCP(CP_UTF8);
  char **argv = utf8_argv(argc, wargv);
  if (!argv) {
    fputs("smtpwatch: out of memory\n", stderr);
    return SW_EXIT_UNKNOWN;
  }
  if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
      !strcmp(argv[1], "-h")) {
    fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? SW_EXIT_UNKNOWN : SW_EXIT_OK;
  }
  if (!strcmp(argv[1], "check"))
    return sw_cli_check(argc - 1, argv + 1);
  if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
    printf("smtpwatch %s\n", SW_VERSION_TEXT);
    return SW_EXIT_OK;
  }
  fprintf(stderr, "smtpwatch: '%s' is not a command.\n\n%s", argv[1], usage);
  return SW_EXIT_UNKNOWN;
}
