/* The editor's colours: its own in the normal theme (a red error, a
 * green/amber/red headline, the chart's blue line and red crosses), and
 * with high contrast on only the theme's colours, each text in the colour
 * the theme pairs with its background, so that nothing is dark red on a
 * black face or pale yellow under white text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "palette.h"

/* Windows' "High Contrast Black" (#1) and the normal light theme. */
static const struct sw_system_colours hc_black = {
    .window = SW_RGB(0, 0, 0),
    .window_text = SW_RGB(255, 255, 255),
    .face = SW_RGB(0, 0, 0),
    .face_text = SW_RGB(255, 255, 255),
    .gray_text = SW_RGB(63, 242, 63),
    .hotlight = SW_RGB(255, 255, 0),
    .shadow = SW_RGB(255, 255, 255),
};
static const struct sw_system_colours light = {
    .window = SW_RGB(255, 255, 255),
    .window_text = SW_RGB(0, 0, 0),
    .face = SW_RGB(240, 240, 240),
    .face_text = SW_RGB(0, 0, 0),
    .gray_text = SW_RGB(109, 109, 109),
    .hotlight = SW_RGB(0, 102, 204),
    .shadow = SW_RGB(160, 160, 160),
};

/* Every colour of the palette, to check them all. */
static size_t colours(const struct sw_palette *p, sw_colour *out)
{
  _Static_assert(sizeof *p % sizeof(sw_colour) == 0, "a palette is colours only");
  size_t n = sizeof *p / sizeof(sw_colour);
  const sw_colour *c = (const sw_colour *)(const void *)p;
  for (size_t i = 0; i < n; i++)
    out[i] = c[i];
  return n;
}

static bool is_system(const struct sw_system_colours *s, sw_colour c)
{
  return c == s->window || c == s->window_text || c == s->face || c == s->face_text ||
         c == s->gray_text || c == s->hotlight || c == s->shadow;
}

static void normal_theme_keeps_the_editors_colours(void **state)
{
  (void)state;
  struct sw_palette p;
  sw_palette_choose(false, &light, &p);
  assert_int_equal(p.error_text, SW_RGB(192, 0, 0));
  assert_int_equal(p.face, light.face);
  assert_int_equal(p.status_text[SW_NAGIOS_OK], SW_RGB(0, 128, 0));
  assert_int_equal(p.status_text[SW_NAGIOS_WARNING], SW_RGB(160, 96, 0));
  assert_int_equal(p.status_text[SW_NAGIOS_CRITICAL], SW_RGB(192, 0, 0));
  assert_int_equal(p.notice_back, SW_RGB(0xff, 0xf4, 0xce));
  assert_int_equal(p.chart_back, light.window);
  assert_int_equal(p.chart_text, light.window_text);
  assert_int_equal(p.chart_line, SW_RGB(0, 102, 204));
  assert_int_equal(p.chart_failure, SW_RGB(204, 0, 0));
  assert_int_equal(p.chart_lane, SW_RGB(253, 234, 234));
  assert_int_equal(p.chart_frame, light.shadow);
}

static void high_contrast_uses_only_the_themes_colours(void **state)
{
  (void)state;
  struct sw_palette p;
  sw_palette_choose(true, &hc_black, &p);
  sw_colour all[64];
  size_t n = colours(&p, all);
  for (size_t i = 0; i < n; i++)
    if (!is_system(&hc_black, all[i]))
      fail_msg("palette colour %zu is 0x%06x, not one of the theme's", i,
               (unsigned)all[i]);
}

static void high_contrast_texts_take_their_backgrounds_pair(void **state)
{
  (void)state;
  struct sw_palette p;
  sw_palette_choose(true, &hc_black, &p);
  /* On the face: the face's text colour. */
  assert_int_equal(p.face, hc_black.face);
  assert_int_equal(p.error_text, hc_black.face_text);
  for (int s = 0; s < SW_NAGIOS_STATUS_COUNT; s++)
    assert_int_equal(p.status_text[s], hc_black.face_text);
  /* The banners: window text on the window. */
  assert_int_equal(p.notice_back, hc_black.window);
  assert_int_equal(p.notice_text, hc_black.window_text);
  assert_int_equal(p.mode_back, hc_black.window);
  assert_int_equal(p.mode_text, hc_black.window_text);
  /* The table and the chart, on the window. */
  assert_int_equal(p.failed_text, hc_black.window_text);
  assert_int_equal(p.warning_text, hc_black.window_text);
  assert_int_equal(p.chart_back, hc_black.window);
  assert_int_equal(p.chart_lane, hc_black.window); /* no pink band on black */
  assert_int_equal(p.chart_text, hc_black.window_text);
  assert_int_equal(p.chart_failure, hc_black.window_text);
  assert_int_equal(p.chart_selection, hc_black.window_text); /* was black on black */
  assert_int_equal(p.chart_line, hc_black.hotlight);
  assert_int_equal(p.chart_grid, hc_black.gray_text);
  /* Nothing drawn on the window is the window's colour, but the lane. */
  assert_int_not_equal(p.chart_line, p.chart_back);
  assert_int_not_equal(p.chart_axis, p.chart_back);
  assert_int_not_equal(p.chart_warning, p.chart_back);
}

static void the_theme_decides_in_high_contrast_white_too(void **state)
{
  (void)state;
  /* "High Contrast White": black on white; the same choice, other colours. */
  struct sw_system_colours hc_white = {
      .window = SW_RGB(255, 255, 255),
      .window_text = SW_RGB(0, 0, 0),
      .face = SW_RGB(255, 255, 255),
      .face_text = SW_RGB(0, 0, 0),
      .gray_text = SW_RGB(96, 0, 0),
      .hotlight = SW_RGB(0, 0, 159),
      .shadow = SW_RGB(0, 0, 0),
  };
  struct sw_palette p;
  sw_palette_choose(true, &hc_white, &p);
  assert_int_equal(p.error_text, SW_RGB(0, 0, 0));
  assert_int_equal(p.chart_line, SW_RGB(0, 0, 159));
  assert_int_equal(p.chart_back, SW_RGB(255, 255, 255));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(normal_theme_keeps_the_editors_colours),
      cmocka_unit_test(high_contrast_uses_only_the_themes_colours),
      cmocka_unit_test(high_contrast_texts_take_their_backgrounds_pair),
      cmocka_unit_test(the_theme_decides_in_high_contrast_white_too),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
