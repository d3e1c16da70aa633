/* service_handle: holds a service open, as the Services console
 * (services.msc) does while it shows the service, for tests of what an
 * installation does when the service it removes is only marked for
 * deletion (tests/integration/test_msi.py).
 *
 *   service_handle NAME
 *
 * Opens NAME with SERVICE_QUERY_STATUS (what any user may do), prints
 * "holding NAME" and keeps the handle until its standard input ends or the
 * process is ended. While it is held, DeleteService only marks the
 * service for deletion (Microsoft's DeleteService page), and creating a
 * service of that name fails with ERROR_SERVICE_MARKED_FOR_DELETE.
 * Exit codes: 0 the handle was held and closed, 1 the service could not
 * be opened, 2 usage. */
#include <windows.h>

#include <stdio.h>

int wmain(int argc, wchar_t **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: service_handle NAME\n");
    return 2;
  }
  SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_CONNECT);
  if (!scm) {
    fprintf(stderr, "service_handle: OpenSCManagerW: error %lu\n", GetLastError());
    return 1;
  }
  SC_HANDLE svc = OpenServiceW(scm, argv[1], SERVICE_QUERY_STATUS);
  if (!svc) {
    fprintf(stderr, "service_handle: OpenServiceW: error %lu\n", GetLastError());
    CloseServiceHandle(scm);
    return 1;
  }
  printf("holding %ls\n", argv[1]);
  fflush(stdout);
  char buf[64];
  while (fgets(buf, sizeof buf, stdin))
    ; /* until the test closes our input */
  CloseServiceHandle(svc);
  CloseServiceHandle(scm);
  return 0;
}
