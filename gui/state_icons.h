/* The icons of a rule's state in the editor's lists: one coloured disc
 * per enum sw_rule_icon (green OK, amber WARNING, red CRITICAL, grey
 * UNKNOWN, light grey pending, a hollow ring for disabled), drawn with GDI
 * at run time at the size the window's DPI asks for. */
#ifndef SW_STATE_ICONS_H
#define SW_STATE_ICONS_H

#include <windows.h>
#include <commctrl.h>

/* A new image list of `size` x `size` px icons, one per enum sw_rule_icon
 * in its order; the caller destroys it (ImageList_Destroy). NULL if out
 * of resources. UI thread only. */
HIMAGELIST sw_state_icons_create(int size);

#endif
