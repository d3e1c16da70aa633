/* A notifier's program: a command line run as the calling account (the
 * service's), with the notification in its environment, its output kept
 * in part, and a time limit after which it and everything it started are
 * ended. One synchronous call with its own bound: the service runs it on
 * a thread-pool work item, so the checks never wait for it. */
#ifndef SW_PROGRAM_RUN_H
#define SW_PROGRAM_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SW_PROGRAM_OUTPUT_LINES 20   /* of output kept, at the most */
#define SW_PROGRAM_OUTPUT_BYTES 2048 /* of output kept, at the most */
#define SW_PROGRAM_ERROR_MAX 320
/* The exit code given to a program ended at its time limit. */
#define SW_PROGRAM_KILLED_EXIT_CODE 1460u /* ERROR_TIMEOUT */

struct sw_program_request {
  const char *command_line; /* UTF-8, as the administrator wrote it */
  const char *const *env;   /* "NAME=value" (UTF-8), added to the service's own */
  size_t env_count;
  uint32_t timeout_ms; /* > 0 */
};

struct sw_program_result {
  bool started;            /* the process was created */
  bool timed_out;          /* it ran past timeout_ms and was ended */
  unsigned long exit_code; /* when started (SW_PROGRAM_KILLED_EXIT_CODE if timed out) */
  /* The first lines of what it wrote to stdout and stderr (one pipe, in
   * the order written), "\n" between lines, printable: a byte that is not
   * well-formed UTF-8 after decoding (UTF-8, else the OEM code page, as
   * console programs write) shows as \xNN. */
  char output[4 * SW_PROGRAM_OUTPUT_BYTES + 4];
  bool output_cut; /* it wrote more than was kept (read to its end and dropped) */
  /* "" when it ran and exited with 0; else what went wrong, as a sentence:
   * not started (and why), timed out, or the exit code. */
  char error[SW_PROGRAM_ERROR_MAX];
};

/* Runs req->command_line with CreateProcessW: no shell unless the line
 * names one (cmd.exe /c ...), the program found as CreateProcess finds it,
 * no window (CREATE_NO_WINDOW), standard input the NUL device, stdout and
 * stderr into one pipe that is read to its end so the program never
 * blocks on it. The program and everything it starts share a job object
 * (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE): past timeout_ms the whole tree is
 * ended, and when the program ends, whatever it left running is ended with
 * it. Returns true when the program ran and exited with 0; else false with
 * the sentence in out->error. `out` is filled either way. Thread-safe: no
 * shared state, and the pipe's handles are inherited by this program only
 * (PROC_THREAD_ATTRIBUTE_HANDLE_LIST), so programs started at the same
 * time on other threads never hold each other's output open. Takes at
 * most timeout_ms plus a few seconds (ending the tree, reading what is
 * left in the pipe). */
bool sw_program_run(const struct sw_program_request *req, struct sw_program_result *out);

#endif
