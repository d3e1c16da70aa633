/* The history chart's window (history_chart_view.h): it keeps a copy of
 * the samples and lays them out again (model/history_chart) for every
 * paint, so the size, the DPI, the theme's colours (editor_palette.h:
 * the system's only, in high contrast) and the data never disagree. */
#include "history_chart_view.h"

#include <windowsx.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "editor.h"
#include "editor_palette.h"
#include "history_rows.h"
#include "sw_macros.h"

#define OFF_SCALE_LABELS_MAX 8 /* more would cover the chart */

struct view {
  struct sw_history_sample *samples; /* owned */
  size_t count;
  sw_history_time_fn local_time;
  wchar_t *note;   /* owned; NULL for none */
  HFONT font;      /* the parent's (WM_SETFONT); not owned */
  size_t selected; /* SIZE_MAX: none */
  size_t picked;
  struct sw_history_chart chart; /* as last painted, for clicks */
  /* The legend's words for the line and the failures (static strings):
   * "Response time", "Failed check" unless sw_history_chart_view_legend
   * says otherwise (the round trip's delivery chart). */
  const wchar_t *value_name, *failed_name;
};

/* One paint: the DC, the scale factor and what was measured. */
struct paint {
  HDC dc;
  UINT dpi;
  int line_h; /* the font's line height */
  RECT client;
  RECT frame; /* the axes' box, lane included */
  struct sw_history_layout layout;
  struct sw_palette colours; /* the theme's, read for this paint */
};

static struct view *view_of(HWND hwnd)
{
  return (struct view *)GetWindowLongPtrW(hwnd, GWLP_USERDATA);
}

static int sc(const struct paint *p, int px)
{
  return MulDiv(px, (int)p->dpi, 96);
}

static int text_width(HDC dc, const wchar_t *text)
{
  SIZE size = {0, 0};
  GetTextExtentPoint32W(dc, text, (int)wcslen(text), &size);
  return size.cx;
}

/* Text with its left, centre or right at x, vertically centred on y. */
static void text_at(const struct paint *p, const wchar_t *text, int x, int y, int align)
{
  int w = text_width(p->dc, text);
  int left = align < 0 ? x : align == 0 ? x - w / 2 : x - w;
  /* keep labels inside the window */
  if (left + w > p->client.right - 1)
    left = p->client.right - 1 - w;
  if (left < p->client.left + 1)
    left = p->client.left + 1;
  TextOutW(p->dc, left, y - p->line_h / 2, text, (int)wcslen(text));
}

static void fill(HDC dc, const RECT *r, COLORREF colour)
{
  SetDCBrushColor(dc, colour);
  FillRect(dc, r, GetStockObject(DC_BRUSH));
}

static void line(HDC dc, int x1, int y1, int x2, int y2)
{
  MoveToEx(dc, x1, y1, NULL);
  LineTo(dc, x2, y2);
}

static HPEN solid_pen(const struct paint *p, int width, COLORREF color)
{
  LOGBRUSH brush = {BS_SOLID, color, 0};
  int w = sc(p, width) < 1 ? 1 : sc(p, width);
  return ExtCreatePen(PS_GEOMETRIC | PS_SOLID | PS_ENDCAP_ROUND | PS_JOIN_ROUND, (DWORD)w,
                      &brush, 0, NULL);
}

/* ---- markers ----------------------------------------------------------- */

static void cross(const struct paint *p, int x, int y, HPEN pen)
{
  int r = sc(p, 4);
  HGDIOBJ old = SelectObject(p->dc, pen);
  line(p->dc, x - r, y - r, x + r, y + r);
  line(p->dc, x - r, y + r, x + r, y - r);
  SelectObject(p->dc, old);
}

static void dot(const struct paint *p, int x, int y, int radius, COLORREF fill,
                COLORREF edge)
{
  int r = sc(p, radius) < 1 ? 1 : sc(p, radius);
  HBRUSH brush = CreateSolidBrush(fill);
  HPEN pen = CreatePen(PS_SOLID, 1, edge);
  HGDIOBJ old_brush = SelectObject(p->dc, brush), old_pen = SelectObject(p->dc, pen);
  Ellipse(p->dc, x - r, y - r, x + r + 1, y + r + 1);
  SelectObject(p->dc, old_brush);
  SelectObject(p->dc, old_pen);
  DeleteObject(brush);
  DeleteObject(pen);
}

/* An upward triangle: a success slower than the scale shows. */
static void arrow(const struct paint *p, int x, int y)
{
  int r = sc(p, 5);
  POINT tri[3] = {{x, y - r}, {x - r, y + r / 2}, {x + r, y + r / 2}};
  HBRUSH brush = CreateSolidBrush(p->colours.chart_line);
  HGDIOBJ old_brush = SelectObject(p->dc, brush);
  HGDIOBJ old_pen = SelectObject(p->dc, GetStockObject(NULL_PEN));
  Polygon(p->dc, tri, 3);
  SelectObject(p->dc, old_brush);
  SelectObject(p->dc, old_pen);
  DeleteObject(brush);
}

/* ---- the parts --------------------------------------------------------- */

/* Lays the chart out in the client area, leaving room for the y labels
 * (measured after a first try, since the scale decides them). */
static enum sw_error lay_out(struct view *v, struct paint *p)
{
  int pad = sc(p, 8);
  int left_w = text_width(p->dc, L"000 ms");
  wchar_t widest[] = L"06-02 00:00";
  for (int pass = 0; pass < 2; pass++) {
    p->frame.left = p->client.left + pad + left_w + sc(p, 6);
    p->frame.right = p->client.right - pad - sc(p, 10);
    p->frame.top = p->client.top + pad + p->line_h + sc(p, 6);
    p->frame.bottom = p->client.bottom - pad - p->line_h - sc(p, 4);
    int lane = p->line_h + sc(p, 12); /* "failed" clear of the top label */
    struct sw_history_layout *l = &p->layout;
    l->plot.left = p->frame.left + sc(p, 7);
    l->plot.right = p->frame.right - sc(p, 7);
    l->plot.top = p->frame.top + lane;
    l->plot.bottom = p->frame.bottom;
    l->lane_px = lane;
    l->y_gap_px = p->line_h * 2;
    l->x_gap_px = text_width(p->dc, widest) + sc(p, 16);
    l->local_time = v->local_time;
    sw_history_chart_free(&v->chart);
    enum sw_error err = sw_history_chart_build(&v->chart, v->samples, v->count, l);
    if (err)
      return err;
    int need = 0;
    for (size_t i = 0; i < v->chart.y_tick_count; i++) {
      wchar_t label[SW_HISTORY_LABEL_MAX];
      sw_wide_show(v->chart.y_ticks[i].label, label, SW_HISTORY_LABEL_MAX);
      int w = text_width(p->dc, label);
      need = w > need ? w : need;
    }
    if (need <= left_w)
      break;
    left_w = need;
  }
  return SW_E_OK;
}

static void draw_grid(const struct view *v, const struct paint *p)
{
  const struct sw_history_chart *c = &v->chart;
  HDC dc = p->dc;
  if (c->failures > 0) {
    RECT lane = {p->frame.left + 1, p->frame.top, p->frame.right,
                 p->layout.plot.top - sc(p, 5)};
    HBRUSH brush = CreateSolidBrush(p->colours.chart_lane);
    FillRect(dc, &lane, brush);
    DeleteObject(brush);
  }
  HPEN grid = CreatePen(PS_SOLID, 1, p->colours.chart_grid);
  HPEN axis = CreatePen(PS_SOLID, sc(p, 1), p->colours.chart_axis);
  HGDIOBJ old = SelectObject(dc, grid);
  SetTextColor(dc, p->colours.chart_text);
  for (size_t i = 0; i < c->y_tick_count; i++) {
    wchar_t label[SW_HISTORY_LABEL_MAX];
    sw_wide_show(c->y_ticks[i].label, label, SW_HISTORY_LABEL_MAX);
    line(dc, p->frame.left, c->y_ticks[i].pos, p->frame.right, c->y_ticks[i].pos);
    text_at(p, label, p->frame.left - sc(p, 5), c->y_ticks[i].pos, 1);
  }
  for (size_t i = 0; i < c->x_tick_count; i++) {
    wchar_t label[SW_HISTORY_LABEL_MAX];
    sw_wide_show(c->x_ticks[i].label, label, SW_HISTORY_LABEL_MAX);
    line(dc, c->x_ticks[i].pos, p->layout.plot.top, c->x_ticks[i].pos, p->frame.bottom);
    SelectObject(dc, axis);
    line(dc, c->x_ticks[i].pos, p->frame.bottom, c->x_ticks[i].pos,
         p->frame.bottom + sc(p, 3));
    SelectObject(dc, grid);
    text_at(p, label, c->x_ticks[i].pos, p->frame.bottom + sc(p, 5) + p->line_h / 2, 0);
  }
  if (c->failures > 0) {
    SetTextColor(dc, p->colours.chart_failure);
    text_at(p, L"failed", p->frame.left - sc(p, 5),
            p->layout.plot.top - p->layout.lane_px / 2, 1);
  }
  SelectObject(dc, axis);
  line(dc, p->frame.left, p->frame.top, p->frame.left, p->frame.bottom);
  line(dc, p->frame.left, p->frame.bottom, p->frame.right, p->frame.bottom);
  SelectObject(dc, old);
  DeleteObject(grid);
  DeleteObject(axis);
}

/* "386 ms" beside a point above the scale: what the axis cannot say. */
static void value_label(const struct view *v, const struct paint *p,
                        const struct sw_history_point *pt)
{
  char text[32];
  wchar_t wide[32];
  sw_history_duration_text(v->samples[pt->sample].response_us, text, sizeof text);
  sw_wide_show(text, wide, 32);
  SetTextColor(p->dc, p->colours.chart_line);
  text_at(p, wide, pt->x + sc(p, 7), pt->y + p->line_h / 2 + sc(p, 1), -1);
}

static void draw_points(const struct view *v, const struct paint *p)
{
  const struct sw_history_chart *c = &v->chart;
  int plot_w = p->layout.plot.right - p->layout.plot.left;
  bool dots = c->point_count > 0 && plot_w / (int)c->point_count >= sc(p, 8);
  HPEN pen = solid_pen(p, 2, p->colours.chart_line);
  HGDIOBJ old = SelectObject(p->dc, pen);
  for (size_t r = 0; r < c->run_count; r++) {
    const struct sw_history_run *run = &c->runs[r];
    POINT stack[64];
    POINT *pts =
        run->count <= SW_COUNTOF(stack) ? stack : malloc(run->count * sizeof *pts);
    if (!pts)
      continue; /* out of memory: this run is not drawn, the rest is */
    for (size_t i = 0; i < run->count; i++) {
      pts[i].x = c->points[run->first + i].x;
      pts[i].y = c->points[run->first + i].y;
    }
    if (run->count > 1)
      Polyline(p->dc, pts, (int)run->count);
    if (pts != stack)
      free(pts);
  }
  SelectObject(p->dc, old);
  DeleteObject(pen);
  HPEN red = solid_pen(p, 2, p->colours.chart_failure);
  for (size_t i = 0; i < c->point_count; i++) {
    const struct sw_history_point *pt = &c->points[i];
    bool alone = false;
    if (pt->mark != SW_HISTORY_MARK_FAILURE) {
      bool left_gap = i == 0 || c->points[i - 1].mark == SW_HISTORY_MARK_FAILURE;
      bool right_gap =
          i + 1 == c->point_count || c->points[i + 1].mark == SW_HISTORY_MARK_FAILURE;
      alone = left_gap && right_gap;
    }
    switch (pt->mark) {
    case SW_HISTORY_MARK_FAILURE:
      cross(p, pt->x, pt->y, red);
      break;
    case SW_HISTORY_MARK_OFF_SCALE:
      arrow(p, pt->x, pt->y);
      if (c->off_scale <= OFF_SCALE_LABELS_MAX)
        value_label(v, p, pt);
      break;
    case SW_HISTORY_MARK_WARNING:
      dot(p, pt->x, pt->y, 3, p->colours.chart_warning, p->colours.chart_warning_edge);
      break;
    case SW_HISTORY_MARK_LINE:
      if (dots || alone)
        dot(p, pt->x, pt->y, 2, p->colours.chart_line, p->colours.chart_line);
      break;
    }
    if (pt->sample == v->selected) {
      int r = sc(p, 7);
      HGDIOBJ old_brush = SelectObject(p->dc, GetStockObject(NULL_BRUSH));
      HPEN ring = CreatePen(PS_SOLID, 1, p->colours.chart_selection);
      HGDIOBJ old_pen = SelectObject(p->dc, ring);
      Ellipse(p->dc, pt->x - r, pt->y - r, pt->x + r + 1, pt->y + r + 1);
      SelectObject(p->dc, old_brush);
      SelectObject(p->dc, old_pen);
      DeleteObject(ring);
    }
  }
  DeleteObject(red);
}

/* The legend above the chart: what each mark means (only the marks that
 * are drawn, besides the line and failures). */
static void draw_legend(const struct view *v, const struct paint *p)
{
  int x = p->frame.left, y = p->client.top + sc(p, 8) + p->line_h / 2;
  int gap = sc(p, 16), sym = sc(p, 18);
  bool warnings = false;
  for (size_t i = 0; i < v->chart.point_count; i++)
    warnings |= v->chart.points[i].mark == SW_HISTORY_MARK_WARNING;
  SetTextColor(p->dc, p->colours.chart_text);

  HPEN pen = solid_pen(p, 2, p->colours.chart_line);
  HGDIOBJ old = SelectObject(p->dc, pen);
  line(p->dc, x, y, x + sym, y);
  SelectObject(p->dc, old);
  DeleteObject(pen);
  const wchar_t *value_name = v->value_name ? v->value_name : L"Response time";
  const wchar_t *failed_name = v->failed_name ? v->failed_name : L"Failed check";
  text_at(p, value_name, x + sym + sc(p, 5), y, -1);
  x += sym + sc(p, 5) + text_width(p->dc, value_name) + gap;

  HPEN red = solid_pen(p, 2, p->colours.chart_failure);
  cross(p, x + sym / 2, y, red);
  DeleteObject(red);
  text_at(p, failed_name, x + sym + sc(p, 2), y, -1);
  x += sym + sc(p, 2) + text_width(p->dc, failed_name) + gap;

  if (warnings) {
    dot(p, x + sym / 2, y, 3, p->colours.chart_warning, p->colours.chart_warning_edge);
    text_at(p, L"Warning", x + sym + sc(p, 2), y, -1);
    x += sym + sc(p, 2) + text_width(p->dc, L"Warning") + gap;
  }
  if (v->chart.off_scale > 0) {
    arrow(p, x + sym / 2, y);
    text_at(p, L"Slower than the scale", x + sym + sc(p, 2), y, -1);
  }
}

static void draw_note(const struct view *v, const struct paint *p)
{
  if (!v->note || v->count > 0)
    return;
  RECT r = p->client;
  InflateRect(&r, -sc(p, 24), 0);
  RECT measure = r;
  SetTextColor(p->dc, p->colours.chart_note);
  DrawTextW(p->dc, v->note, -1, &measure, DT_CALCRECT | DT_WORDBREAK | DT_NOPREFIX);
  int h = measure.bottom - measure.top;
  r.top = (p->client.top + p->client.bottom - h) / 2;
  r.bottom = r.top + h;
  /* a clear box behind it, so that no grid line runs through the words */
  int w = measure.right - measure.left, pad = sc(p, 6);
  RECT box = {(r.left + r.right - w) / 2 - pad, r.top - pad,
              (r.left + r.right + w) / 2 + pad, r.bottom + pad};
  fill(p->dc, &box, p->colours.chart_back);
  DrawTextW(p->dc, v->note, -1, &r, DT_CENTER | DT_WORDBREAK | DT_NOPREFIX);
}

static void draw(struct view *v, HWND hwnd, HDC dc, RECT client)
{
  struct paint p = {.dc = dc, .dpi = GetDpiForWindow(hwnd), .client = client};
  if (p.dpi == 0)
    p.dpi = 96;
  sw_editor_palette(&p.colours);
  fill(dc, &client, p.colours.chart_back);
  HGDIOBJ old_font =
      SelectObject(dc, v->font ? (HGDIOBJ)v->font : GetStockObject(DEFAULT_GUI_FONT));
  SetBkMode(dc, TRANSPARENT);
  TEXTMETRICW tm;
  GetTextMetricsW(dc, &tm);
  p.line_h = tm.tmHeight;
  if (lay_out(v, &p) == SW_E_OK) {
    draw_grid(v, &p);
    draw_points(v, &p);
    draw_legend(v, &p);
  }
  draw_note(v, &p);
  HBRUSH frame = CreateSolidBrush(p.colours.chart_frame);
  if (frame) {
    FrameRect(dc, &client, frame);
    DeleteObject(frame);
  }
  SelectObject(dc, old_font);
}

/* Paints into a bitmap first and copies it in one go: no flicker. */
static void paint(struct view *v, HWND hwnd)
{
  PAINTSTRUCT ps;
  HDC dc = BeginPaint(hwnd, &ps);
  RECT client;
  GetClientRect(hwnd, &client);
  int w = client.right - client.left, h = client.bottom - client.top;
  HDC mem = w > 0 && h > 0 ? CreateCompatibleDC(dc) : NULL;
  HBITMAP bitmap = mem ? CreateCompatibleBitmap(dc, w, h) : NULL;
  if (bitmap) {
    HGDIOBJ old = SelectObject(mem, bitmap);
    draw(v, hwnd, mem, client);
    BitBlt(dc, 0, 0, w, h, mem, 0, 0, SRCCOPY);
    SelectObject(mem, old);
  } else if (w > 0 && h > 0) {
    draw(v, hwnd, dc, client); /* no memory for a bitmap: flicker, but drawn */
  }
  if (bitmap)
    DeleteObject(bitmap);
  if (mem)
    DeleteDC(mem);
  EndPaint(hwnd, &ps);
}

static void click(struct view *v, HWND hwnd, int x, int y)
{
  UINT dpi = GetDpiForWindow(hwnd);
  size_t hit = sw_history_chart_hit(&v->chart, x, y, MulDiv(8, dpi ? (int)dpi : 96, 96));
  if (hit == SIZE_MAX)
    return;
  v->picked = v->selected = v->chart.points[hit].sample;
  InvalidateRect(hwnd, NULL, FALSE);
  SendMessageW(GetParent(hwnd), WM_COMMAND,
               MAKEWPARAM(GetDlgCtrlID(hwnd), SW_HISTORY_CHART_PICKED), (LPARAM)hwnd);
}

static LRESULT CALLBACK chart_proc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
  struct view *v = view_of(hwnd);
  switch (msg) {
  case WM_NCCREATE:
    v = calloc(1, sizeof *v);
    if (!v)
      return FALSE;
    v->selected = v->picked = SIZE_MAX;
    SetWindowLongPtrW(hwnd, GWLP_USERDATA, (LONG_PTR)v);
    break;
  case WM_NCDESTROY:
    if (v) {
      sw_history_chart_free(&v->chart);
      free(v->samples);
      free(v->note);
      free(v);
      SetWindowLongPtrW(hwnd, GWLP_USERDATA, 0);
    }
    break;
  case WM_SETFONT:
    if (v) {
      v->font = (HFONT)wp;
      if (LOWORD(lp))
        InvalidateRect(hwnd, NULL, FALSE);
    }
    return 0;
  case WM_GETFONT:
    return v ? (LRESULT)v->font : 0;
  case WM_ERASEBKGND:
    return 1; /* the paint covers everything */
  case WM_PAINT:
    if (v) {
      paint(v, hwnd);
      return 0;
    }
    break;
  case WM_PRINTCLIENT: /* the chart into another DC: printing, captures, tests */
    if (v) {
      RECT client;
      GetClientRect(hwnd, &client);
      draw(v, hwnd, (HDC)wp, client);
      return 0;
    }
    break;
  case WM_LBUTTONDOWN:
    if (v)
      click(v, hwnd, GET_X_LPARAM(lp), GET_Y_LPARAM(lp));
    return 0;
  }
  return DefWindowProcW(hwnd, msg, wp, lp);
}

bool sw_history_chart_view_register(HINSTANCE instance)
{
  WNDCLASSEXW wc = {0};
  wc.cbSize = sizeof wc;
  wc.style = CS_HREDRAW | CS_VREDRAW;
  wc.lpfnWndProc = chart_proc;
  wc.hInstance = instance;
  wc.hCursor = LoadCursorW(NULL, (LPCWSTR)IDC_ARROW);
  wc.lpszClassName = SW_HISTORY_CHART_CLASS;
  return RegisterClassExW(&wc) != 0 || GetLastError() == ERROR_CLASS_ALREADY_EXISTS;
}

void sw_history_chart_view_note(HWND chart, const char *note)
{
  struct view *v = view_of(chart);
  if (!v)
    return;
  free(v->note);
  v->note = note ? sw_wide_dup(note) : NULL;
  InvalidateRect(chart, NULL, FALSE);
}

bool sw_history_chart_view_set(HWND chart, const struct sw_history_sample *samples,
                               size_t n, sw_history_time_fn local_time, const char *note)
{
  struct view *v = view_of(chart);
  if (!v)
    return false;
  struct sw_history_sample *copy = n ? malloc(n * sizeof *copy) : NULL;
  bool ok = n == 0 || copy;
  if (copy)
    memcpy(copy, samples, n * sizeof *copy);
  free(v->samples);
  v->samples = copy;
  v->count = ok ? n : 0;
  v->local_time = local_time;
  v->selected = v->picked = SIZE_MAX;
  sw_history_chart_view_note(chart,
                             ok ? note : "Out of memory: the chart cannot be drawn.");
  return ok;
}

void sw_history_chart_view_select(HWND chart, size_t index)
{
  struct view *v = view_of(chart);
  if (!v || v->selected == index)
    return;
  v->selected = index;
  InvalidateRect(chart, NULL, FALSE);
}

void sw_history_chart_view_legend(HWND chart, const wchar_t *value_name,
                                  const wchar_t *failed_name)
{
  struct view *v = view_of(chart);
  if (!v)
    return;
  v->value_name = value_name;
  v->failed_name = failed_name;
  /* The chart's name for screen readers (and window_text in the tests). */
  SetWindowTextW(chart, value_name ? value_name : L"");
  InvalidateRect(chart, NULL, FALSE);
}

size_t sw_history_chart_view_picked(HWND chart)
{
  struct view *v = view_of(chart);
  return v ? v->picked : SIZE_MAX;
}
