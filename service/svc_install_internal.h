/* What --install-config (svc_install.c) and --show-config
 * (svc_show_config.c) share: text for printing, opening the service, and
 * the walk through the data folder that never follows a link. */
#ifndef SW_SVC_INSTALL_INTERNAL_H
#define SW_SVC_INSTALL_INTERNAL_H

#include <windows.h>

#include <stdbool.h>

#include "svc.h"

/* How deep the walk looks into the data folder (the service keeps its
 * files at the top; deeper trees are not its). */
#define SW__DATA_WALK_DEPTH 8

/* UTF-16 to UTF-8 in `buf` for printing; "?" if it does not convert.
 * Returns `buf`. */
const char *sw__install_u8(const wchar_t *w, char *buf, int cap);

/* Opens the SCM and our service with `access` (`change`: access to change
 * it, which needs administrator rights); on failure says why on stderr and
 * in the Application log (event 1004) and returns the error, with *scm and
 * *svc NULL. */
DWORD sw__install_open_service(DWORD access, bool change, SC_HANDLE *scm, SC_HANDLE *svc);

/* A walk through the data folder: `visit` is called for each file and
 * folder, a folder before what is in it; `parent` is what the visit of
 * the folder it is in left in *below (the walk's start: its argument),
 * and is freed (LocalFree) after that folder's walk. A visit returns 0 or
 * the error that ends the walk (having said why). `unlisted` is called,
 * and its result returned, if a folder cannot be listed. */
struct sw__data_walk;
typedef DWORD sw__data_walk_visit(struct sw__data_walk *w, const wchar_t *path,
                                  const WIN32_FIND_DATAW *fd, PSECURITY_DESCRIPTOR parent,
                                  PSECURITY_DESCRIPTOR *below);
struct sw__data_walk {
  sw__data_walk_visit *visit;
  DWORD (*unlisted)(struct sw__data_walk *w, const wchar_t *dir, DWORD err);
  const struct sw_svc_config *cfg;
  unsigned count; /* files and folders visited */
};

/* Walks `dir`, `depth` levels below at most; never into a reparse point
 * (junction, symbolic link, mount point). Returns 0, or what a visit or
 * w->unlisted returned. */
DWORD sw__data_walk(struct sw__data_walk *w, const wchar_t *dir, int depth,
                    PSECURITY_DESCRIPTOR parent);

#endif
