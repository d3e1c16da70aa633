/* Who may do what with the control pipe: its security descriptor, built
 * for the identity the server runs as. */
#ifndef SW_PIPE_SECURITY_H
#define SW_PIPE_SECURITY_H

#include <windows.h>

#include <stdbool.h>
#include <stddef.h>

/* The pipe's DACL (docs/security.md has the whole matrix, and
 * unit.test_pipe_server evaluates the live descriptor against it):
 * - network logons: nothing, whoever they are (an explicit deny first;
 *   PIPE_REJECT_REMOTE_CLIENTS refuses remote clients as well);
 * - SYSTEM and Administrators: full control;
 * - the service's own identity (%ls: its per-service SID NT SERVICE\SmtpWatch,
 *   or its account where the service has no SID type): read, write and
 *   FILE_CREATE_PIPE_INSTANCE, which CreateNamedPipe checks for every
 *   instance after the first (0x12019f = FILE_GENERIC_READ|FILE_GENERIC_WRITE);
 * - interactive users: FILE_GENERIC_READ | FILE_WRITE_DATA |
 *   FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA (0x12019b), to ask for status;
 *   never FILE_CREATE_PIPE_INSTANCE (= FILE_APPEND_DATA, 0x4), with which any
 *   of them could add a server end of SmtpWatch and receive an
 *   administrator's requests. Mutations are also checked against the
 *   caller's token (sw_pipe_conn_is_admin). Clients open the pipe with
 *   GENERIC_READ | FILE_WRITE_DATA accordingly (pipe_client.c);
 * - everyone else (other services, batch logons, anonymous): nothing. */
#define SW_PIPE_SDDL_FORMAT                                                              \
  L"D:P(D;;FA;;;NU)(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x12019f;;;%ls)(A;;0x12019b;;;IU)"

/* Fills `out` with SW_PIPE_SDDL_FORMAT for the identity `self_sid` (a SID
 * in string form, "S-1-5-80-..."). Returns false if it does not fit. */
bool sw_pipe_sddl_for(const wchar_t *self_sid, wchar_t *out, size_t cap);

/* Fills `out` with the pipe's SDDL for the identity this process serves
 * the pipe as: the per-service SID NT SERVICE\<service_name> when this
 * process's token holds it as an enabled group (a service configured with
 * SERVICE_SID_TYPE_UNRESTRICTED, as --install-config does), else the
 * token's user (LocalService for the installed service without a SID
 * type, the developer for --console). service_name NULL: the user.
 * Returns 0 or a Win32 error code. */
unsigned long sw_pipe_security_sddl(const wchar_t *service_name, wchar_t *out,
                                    size_t cap);

#endif
