/* The notifier dialog: adds a notifier (NOTIFIER_ADD) or changes one
 * (NOTIFIER_UPDATE), with the kind's fields; secrets in password edits,
 * a stored one shown only as "set". Thin over model/notifier_form. */
#ifndef SW_NOTIFIER_DIALOG_H
#define SW_NOTIFIER_DIALOG_H

#include <windows.h>

#include <stdbool.h>

#include "editor.h"
#include "pipe_notifier.h"

/* Modal to `owner`. `stored` is the notifier to change (as NOTIFIER_LIST
 * showed it), or NULL for a new one. True if the service stored it. */
bool sw_notifier_dialog_show(HWND owner, struct sw_editor *ed,
                             const struct sw_pipe_notifier *stored);

#endif
