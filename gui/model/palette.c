/* The editor's colours by theme (palette.h). */
#include "palette.h"

/* The editor's own colours: each readable on the light face (or window)
 * of the normal Windows theme. */
#define ERROR_RGB SW_RGB(192, 0, 0)
#define OK_RGB SW_RGB(0, 128, 0)
#define WARNING_TEXT_RGB SW_RGB(160, 96, 0)
#define UNKNOWN_RGB SW_RGB(96, 96, 96)
#define NOTICE_BACK_RGB SW_RGB(0xff, 0xf4, 0xce) /* pale yellow: the service is gone */
#define NOTICE_TEXT_RGB SW_RGB(0x40, 0x30, 0x00)
#define MODE_BACK_RGB SW_RGB(0xdd, 0xeb, 0xf7) /* pale blue: read-only, by design */
#define MODE_TEXT_RGB SW_RGB(0x10, 0x2a, 0x43)
#define LINE_RGB SW_RGB(0, 102, 204)
#define FAILURE_RGB SW_RGB(204, 0, 0)
#define LANE_RGB SW_RGB(253, 234, 234)
#define WARNING_RGB SW_RGB(230, 140, 0)
#define WARNING_EDGE_RGB SW_RGB(150, 90, 0)
#define GRID_RGB SW_RGB(228, 228, 228)
#define AXIS_RGB SW_RGB(150, 150, 150)
#define SELECTION_RGB SW_RGB(0, 0, 0)

static void normal(const struct sw_system_colours *sys, struct sw_palette *p)
{
  *p = (struct sw_palette){
      .face = sys->face,
      .error_text = ERROR_RGB,
      .status_text[SW_NAGIOS_OK] = OK_RGB,
      .status_text[SW_NAGIOS_WARNING] = WARNING_TEXT_RGB,
      .status_text[SW_NAGIOS_CRITICAL] = ERROR_RGB,
      .status_text[SW_NAGIOS_UNKNOWN] = UNKNOWN_RGB,
      .notice_text = NOTICE_TEXT_RGB,
      .notice_back = NOTICE_BACK_RGB,
      .mode_text = MODE_TEXT_RGB,
      .mode_back = MODE_BACK_RGB,
      .failed_text = ERROR_RGB,
      .warning_text = WARNING_TEXT_RGB,
      .chart_back = sys->window,
      .chart_text = sys->window_text,
      .chart_note = sys->gray_text,
      .chart_frame = sys->shadow,
      .chart_grid = GRID_RGB,
      .chart_axis = AXIS_RGB,
      .chart_line = LINE_RGB,
      .chart_failure = FAILURE_RGB,
      .chart_lane = LANE_RGB,
      .chart_warning = WARNING_RGB,
      .chart_warning_edge = WARNING_EDGE_RGB,
      .chart_selection = SELECTION_RGB,
  };
}

/* Texts on the face in the face's text colour, on the window in the
 * window's; the banners as the window (a box that stands out from the
 * face in the high-contrast themes); the chart's line and warnings in the
 * link colour (which those themes choose for text on the window), everything else in the
 * text colour, the grid in the grey text colour, no lane fill. */
static void high_contrast(const struct sw_system_colours *sys, struct sw_palette *p)
{
  p->face = sys->face;
  p->error_text = sys->face_text;
  for (int s = 0; s < SW_NAGIOS_STATUS_COUNT; s++)
    p->status_text[s] = sys->face_text;
  p->notice_text = p->mode_text = sys->window_text;
  p->notice_back = p->mode_back = sys->window;
  p->failed_text = p->warning_text = sys->window_text;
  p->chart_back = p->chart_lane = sys->window;
  p->chart_text = p->chart_note = p->chart_frame = sys->window_text;
  p->chart_axis = p->chart_failure = p->chart_selection = sys->window_text;
  p->chart_warning_edge = sys->window_text;
  p->chart_grid = sys->gray_text;
  p->chart_line = p->chart_warning = sys->hotlight;
}

void sw_palette_choose(bool on, const struct sw_system_colours *sys,
                       struct sw_palette *out)
{
  if (on)
    high_contrast(sys, out);
  else
    normal(sys, out);
}
