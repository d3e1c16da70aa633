#include "program_run.h"

#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_result.h" /* sw__escape_text */
#include "program_env.h"
#include "sw_macros.h"
#include "sw_utf8.h"
#include "win_error.h"
#include "win_text.h"

/* How long, once the program has ended, what it wrote may take to drain
 * from the pipe; and how long an ended tree may take to go. */
#define OUTPUT_GRACE_MS 3000u
#define END_WAIT_MS 5000u

/* What is kept of the output: the first lines, up to a number of bytes. */
struct capture {
  char raw[SW_PROGRAM_OUTPUT_BYTES];
  size_t len;
  unsigned lines;
  bool full, cut;
};

static void keep(struct capture *c, const char *data, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (c->full) {
      c->cut = true; /* read, so that the program never blocks, and dropped */
      return;
    }
    c->raw[c->len++] = data[i];
    if (data[i] == '\n' && ++c->lines == SW_PROGRAM_OUTPUT_LINES)
      c->full = true;
    if (c->len == sizeof c->raw)
      c->full = true;
  }
}

/* The program's name for a sentence: the line's first word (quoted or
 * not), cut short. The rest of the line is the administrator's
 * arguments, which need not go into every log line. */
static void program_name(const char *line, char *out, size_t size)
{
  while (*line == ' ' || *line == '\t')
    line++;
  const char *end;
  if (*line == '"') {
    line++;
    end = strchr(line, '"');
  } else {
    end = line + strcspn(line, " \t");
  }
  size_t len = end ? (size_t)(end - line) : strlen(line);
  if (len > 120)
    len = sw_utf8_fit(line, len, 120);
  snprintf(out, size, "%.*s", (int)len, line);
}

static DWORD ms_left(ULONGLONG deadline)
{
  ULONGLONG now = GetTickCount64();
  return now >= deadline ? 0 : (DWORD)(deadline - now);
}

/* A pipe for the program's output: our end overlapped (so that one thread
 * can wait for output, the program's end and the time limit at once), the
 * program's end inheritable. Named after this process, thread and time:
 * unique among the runs in progress, each on its own thread. */
static bool make_pipe(HANDLE *rd, HANDLE *wr, char *why, size_t why_size)
{
  wchar_t name[96];
  swprintf(name, SW_COUNTOF(name), L"\\\\.\\pipe\\SmtpWatch.program.%lu.%lu.%llu",
           GetCurrentProcessId(), GetCurrentThreadId(), GetTickCount64());
  *wr = INVALID_HANDLE_VALUE;
  *rd = CreateNamedPipeW(
      name, PIPE_ACCESS_INBOUND | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
      PIPE_TYPE_BYTE | PIPE_READMODE_BYTE | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS, 1, 0,
      64 * 1024, 0, NULL);
  if (*rd == INVALID_HANDLE_VALUE) {
    sw_win_error_sentence(why, why_size, GetLastError(),
                          "could not make a pipe for the program's output");
    return false;
  }
  SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
  *wr = CreateFileW(name, GENERIC_WRITE, 0, &sa, OPEN_EXISTING, 0, NULL);
  if (*wr == INVALID_HANDLE_VALUE) {
    /* Someone else connected first: refuse rather than read a stranger. */
    sw_win_error_sentence(why, why_size, GetLastError(),
                          "could not open the pipe for the program's output");
    CloseHandle(*rd);
    *rd = INVALID_HANDLE_VALUE;
    return false;
  }
  return true;
}

/* A job that ends every process in it when its last handle closes, and
 * lets none of them wait on a crash dialog that nobody would see. */
static HANDLE make_job(char *why, size_t why_size)
{
  HANDLE job = CreateJobObjectW(NULL, NULL);
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION li;
  memset(&li, 0, sizeof li);
  li.BasicLimitInformation.LimitFlags =
      JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
  if (!job ||
      !SetInformationJobObject(job, JobObjectExtendedLimitInformation, &li, sizeof li)) {
    sw_win_error_sentence(why, why_size, GetLastError(),
                          "could not make a job object for the program");
    if (job)
      CloseHandle(job);
    return NULL;
  }
  return job;
}

/* Starts the program suspended, puts it into `job` before it can start
 * anything of its own, then lets it run. Only `nul` and `wr` are
 * inherited. */
static bool start_process(wchar_t *line, wchar_t *env, HANDLE nul, HANDLE wr, HANDLE job,
                          PROCESS_INFORMATION *pi, const char *name, char *why,
                          size_t why_size)
{
  SIZE_T attr_size = 0;
  InitializeProcThreadAttributeList(NULL, 1, 0, &attr_size);
  LPPROC_THREAD_ATTRIBUTE_LIST attrs = malloc(attr_size);
  HANDLE inherit[2] = {nul, wr};
  if (!attrs || !InitializeProcThreadAttributeList(attrs, 1, 0, &attr_size)) {
    sw_win_error_sentence(why, why_size, attrs ? GetLastError() : ERROR_NOT_ENOUGH_MEMORY,
                          "could not prepare to start \"%s\"", name);
    free(attrs);
    return false;
  }
  bool ok = UpdateProcThreadAttribute(attrs, 0, PROC_THREAD_ATTRIBUTE_HANDLE_LIST,
                                      inherit, sizeof inherit, NULL, NULL);
  STARTUPINFOEXW si;
  memset(&si, 0, sizeof si);
  si.StartupInfo.cb = sizeof si;
  si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
  si.StartupInfo.hStdInput = nul;
  si.StartupInfo.hStdOutput = wr;
  si.StartupInfo.hStdError = wr;
  si.lpAttributeList = attrs;
  DWORD flags = CREATE_NO_WINDOW | CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT |
                EXTENDED_STARTUPINFO_PRESENT;
  ok = ok && CreateProcessW(NULL, line, NULL, NULL, TRUE, flags, env, NULL,
                            &si.StartupInfo, pi);
  if (!ok) {
    sw_win_error_sentence(why, why_size, GetLastError(), "could not start \"%s\"", name);
  } else if (!AssignProcessToJobObject(job, pi->hProcess)) {
    sw_win_error_sentence(why, why_size, GetLastError(),
                          "could not put \"%s\" into its job object", name);
    TerminateProcess(pi->hProcess, SW_PROGRAM_KILLED_EXIT_CODE);
    CloseHandle(pi->hThread);
    CloseHandle(pi->hProcess);
    ok = false;
  } else {
    ResumeThread(pi->hThread);
    CloseHandle(pi->hThread);
  }
  DeleteProcThreadAttributeList(attrs);
  free(attrs);
  return ok;
}

/* Reads the output until every writer has gone, while waiting for the
 * program to end; at the time limit ends the whole tree. Once the program
 * has ended, whatever it left running is ended too, and what is still in
 * the pipe is read for at most OUTPUT_GRACE_MS. */
static void pump(HANDLE rd, HANDLE process, HANDLE job, uint32_t timeout_ms,
                 struct capture *cap, struct sw_program_result *out)
{
  OVERLAPPED ov;
  memset(&ov, 0, sizeof ov);
  ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
  char buf[4096];
  ULONGLONG deadline = GetTickCount64() + timeout_ms;
  bool pending = false, eof = ov.hEvent == NULL, ended = false;
  for (;;) {
    if (!pending && !eof) {
      ResetEvent(ov.hEvent);
      if (ReadFile(rd, buf, sizeof buf, NULL, &ov) || GetLastError() == ERROR_IO_PENDING)
        pending = true; /* the event says when, even if it is done already */
      else
        eof = true; /* ERROR_BROKEN_PIPE: every writer has gone */
    }
    if (eof && ended)
      break;
    HANDLE waits[2];
    DWORD n = 0;
    if (pending)
      waits[n++] = ov.hEvent; /* first: output before the end */
    if (!ended)
      waits[n++] = process;
    DWORD w =
        n ? WaitForMultipleObjects(n, waits, FALSE, ms_left(deadline)) : WAIT_FAILED;
    if (w == WAIT_OBJECT_0 && pending) {
      DWORD got = 0;
      pending = false;
      if (GetOverlappedResult(rd, &ov, &got, FALSE))
        keep(cap, buf, got);
      else
        eof = true;
    } else if (w < WAIT_OBJECT_0 + n) { /* the program ended */
      ended = true;
      TerminateJobObject(job, SW_PROGRAM_KILLED_EXIT_CODE); /* what it left */
      deadline = GetTickCount64() + OUTPUT_GRACE_MS;
    } else if (w == WAIT_TIMEOUT && !ended) {
      out->timed_out = true;
      TerminateJobObject(job, SW_PROGRAM_KILLED_EXIT_CODE);
      WaitForSingleObject(process, END_WAIT_MS);
      ended = true;
      deadline = GetTickCount64() + OUTPUT_GRACE_MS;
    } else {
      break; /* a writer outside the job still holds the pipe, or NEVER: failed */
    }
  }
  if (pending && CancelIoEx(rd, &ov)) {
    DWORD got;
    GetOverlappedResult(rd, &ov, &got, TRUE); /* the buffer is ours again */
  }
  if (ov.hEvent)
    CloseHandle(ov.hEvent);
}

/* The kept output as printable UTF-8 lines: UTF-8 as it is, else from
 * the OEM code page (what console programs write to a pipe); CRLF as LF,
 * no final line break. */
static void render_output(const struct capture *c, struct sw_program_result *out)
{
  size_t len = c->cut ? sw_utf8_fit(c->raw, c->len, c->len) : c->len;
  char *text = NULL;
  if (!sw_utf8_valid(c->raw, len)) {
    wchar_t wide[SW_PROGRAM_OUTPUT_BYTES + 1];
    int n = MultiByteToWideChar(CP_OEMCP, 0, c->raw, (int)c->len, wide,
                                (int)SW_COUNTOF(wide) - 1);
    wide[n > 0 ? n : 0] = L'\0';
    text = sw_utf8_dup(wide);
  }
  const char *src = text ? text : c->raw;
  if (text)
    len = strlen(text);
  char lines[4 * SW_PROGRAM_OUTPUT_BYTES];
  size_t k = 0;
  for (size_t i = 0; i < len && k < sizeof lines; i++)
    if (!(src[i] == '\r' && i + 1 < len && src[i + 1] == '\n'))
      lines[k++] = src[i];
  while (k > 0 && (lines[k - 1] == '\n' || lines[k - 1] == '\r'))
    k--;
  sw__escape_text(out->output, sizeof out->output, lines, k, true);
  free(text);
}

static void describe_end(const struct sw_program_request *req, const char *name,
                         struct sw_program_result *out)
{
  if (out->timed_out) {
    snprintf(out->error, sizeof out->error,
             "\"%s\" was still running after %.1f s and was ended, with every program "
             "it started",
             name, req->timeout_ms / 1000.0);
  } else if (out->exit_code > 0xFFFF) { /* an NTSTATUS, such as a crash */
    snprintf(out->error, sizeof out->error, "\"%s\" exited with code 0x%08lX", name,
             out->exit_code);
  } else if (out->exit_code != 0) {
    snprintf(out->error, sizeof out->error, "\"%s\" exited with code %lu", name,
             out->exit_code);
  }
}

bool sw_program_run(const struct sw_program_request *req, struct sw_program_result *out)
{
  memset(out, 0, sizeof *out);
  char name[128];
  program_name(req->command_line, name, sizeof name);
  uint32_t timeout_ms = ALWAYS(req->timeout_ms > 0) ? req->timeout_ms : 1;
  size_t cap = strlen(req->command_line) + 1;
  wchar_t *line = malloc(cap * sizeof *line);
  if (!line || !sw_wide_from_utf8(req->command_line, line, cap)) {
    snprintf(out->error, sizeof out->error,
             "the command line of \"%s\" is not valid UTF-8", name);
    free(line);
    return false;
  }
  wchar_t *base = GetEnvironmentStringsW();
  wchar_t *env =
      sw_program_env_block(base, req->env, req->env_count, out->error, sizeof out->error);
  if (base)
    FreeEnvironmentStringsW(base);
  HANDLE rd = INVALID_HANDLE_VALUE, wr = INVALID_HANDLE_VALUE, job = NULL;
  SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
  HANDLE nul = env ? CreateFileW(L"NUL", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                 &sa, OPEN_EXISTING, 0, NULL)
                   : INVALID_HANDLE_VALUE;
  if (env && nul == INVALID_HANDLE_VALUE)
    sw_win_error_sentence(out->error, sizeof out->error, GetLastError(),
                          "could not open the NUL device for the program's input");
  PROCESS_INFORMATION pi;
  bool ok =
      nul != INVALID_HANDLE_VALUE && make_pipe(&rd, &wr, out->error, sizeof out->error) &&
      (job = make_job(out->error, sizeof out->error)) != NULL &&
      start_process(line, env, nul, wr, job, &pi, name, out->error, sizeof out->error);
  if (wr != INVALID_HANDLE_VALUE)
    CloseHandle(wr); /* the program's copy is the only writer left */
  if (ok) {
    out->started = true;
    struct capture c;
    memset(&c, 0, sizeof c);
    pump(rd, pi.hProcess, job, timeout_ms, &c, out);
    DWORD code = SW_PROGRAM_KILLED_EXIT_CODE;
    if (!out->timed_out)
      GetExitCodeProcess(pi.hProcess, &code);
    out->exit_code = code;
    CloseHandle(pi.hProcess);
    render_output(&c, out);
    out->output_cut = c.cut;
    describe_end(req, name, out);
  }
  if (job)
    CloseHandle(job);
  if (rd != INVALID_HANDLE_VALUE)
    CloseHandle(rd);
  if (nul != INVALID_HANDLE_VALUE)
    CloseHandle(nul);
  free(env);
  free(line);
  return ok && out->error[0] == '\0';
}
