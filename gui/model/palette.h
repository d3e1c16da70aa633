/* The editor's colours, chosen from the theme: its own colours (red error
 * texts, a green/amber/red headline, the chart's blue line and red
 * crosses, pale banners) in the normal theme, and only the system's
 * colours when high contrast is on. A user who turns high contrast on
 * picked colours they can read (white on black, black on white, yellow on
 * black...): dark red on the button face, or a pale yellow banner, can be
 * unreadable there, so every text and mark then takes a system colour
 * whose contrast with its background the theme guarantees. What a mark
 * means stays in its shape (a cross for a failure, a dot for a warning)
 * and in the texts, which always say the status in words.
 *
 * Portable (no <windows.h>): the Win32 side reads the system colours and
 * the SPI_GETHIGHCONTRAST flag (gui/editor_palette.c) and paints with the
 * result; the choice itself is unit-tested
 * (tests/unit/editor/test_palette.c). */
#ifndef SW_PALETTE_H
#define SW_PALETTE_H

#include <stdbool.h>
#include <stdint.h>

#include "nagios_report.h"

/* 0x00BBGGRR, the layout of a Windows COLORREF. */
typedef uint32_t sw_colour;
#define SW_RGB(r, g, b)                                                                  \
  ((sw_colour)(((uint32_t)(b) << 16) | ((uint32_t)(g) << 8) | (uint32_t)(r)))

/* The theme's colours, as GetSysColor gives them. */
struct sw_system_colours {
  sw_colour window;      /* COLOR_WINDOW: behind lists, edits, the chart */
  sw_colour window_text; /* COLOR_WINDOWTEXT */
  sw_colour face;        /* COLOR_BTNFACE: behind a dialog's labels */
  sw_colour face_text;   /* COLOR_BTNTEXT */
  sw_colour gray_text;   /* COLOR_GRAYTEXT */
  sw_colour hotlight;    /* COLOR_HOTLIGHT: a link, coloured for the window */
  sw_colour shadow;      /* COLOR_3DSHADOW: a frame */
};

struct sw_palette {
  /* On a dialog's face. */
  sw_colour face;                                /* the background of the texts below */
  sw_colour error_text;                          /* a field's error, an error banner */
  sw_colour status_text[SW_NAGIOS_STATUS_COUNT]; /* a test result's headline */
  sw_colour notice_text, notice_back; /* main window: the service cannot be reached */
  sw_colour mode_text, mode_back;     /* main window: read-only */
  /* On the window colour: the history table and chart. */
  sw_colour failed_text, warning_text; /* a row's status */
  sw_colour chart_back, chart_text, chart_note, chart_frame;
  sw_colour chart_grid, chart_axis;
  sw_colour chart_line;    /* the response time line, its dots and labels */
  sw_colour chart_failure; /* the failure crosses and "failed" */
  sw_colour chart_lane;    /* behind the failures */
  sw_colour chart_warning, chart_warning_edge;
  sw_colour chart_selection; /* the ring around the selected sample */
};

/* Fills `out` for the theme `sys`, with high contrast on or off. Every
 * colour `out` holds with high contrast on is one of `sys`'s. */
void sw_palette_choose(bool high_contrast, const struct sw_system_colours *sys,
                       struct sw_palette *out);

#endif
