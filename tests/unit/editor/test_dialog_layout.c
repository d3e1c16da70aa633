/* Dialog layout by DPI: after a move to a 150 % monitor every control is
 * where the template put it, half as large again (the rule dialog's
 * Save used to put them back at 100 %), and back at 100 % exactly where
 * they were; an error under a field pushes what is below it down by the
 * error's height at the new DPI; a resizable dialog's controls follow its
 * size with margins that scale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dialog_layout.h"

static void assert_rect(struct sw_layout_rect r, int left, int top, int right, int bottom)
{
  if (r.left != left || r.top != top || r.right != right || r.bottom != bottom)
    fail_msg("rect (%d,%d)-(%d,%d), expected (%d,%d)-(%d,%d)", r.left, r.top, r.right,
             r.bottom, left, top, right, bottom);
}

static void scaling_rounds_to_the_nearest_pixel(void **state)
{
  (void)state;
  assert_int_equal(sw_layout_scale(100, 144, 96), 150);
  assert_int_equal(sw_layout_scale(7, 144, 96), 11);   /* 10.5 rounds up */
  assert_int_equal(sw_layout_scale(-7, 144, 96), -11); /* and away from zero */
  assert_int_equal(sw_layout_scale(13, 120, 96), 16);  /* 16.25 */
  assert_int_equal(sw_layout_scale(150, 96, 144), 100);
  assert_int_equal(sw_layout_scale(100, 0, 0), 100); /* unknown DPI: 96 */
  assert_int_equal(sw_layout_scale(100, 192, 0), 200);
  struct sw_layout_rect r = {11, 17, 333, 29};
  assert_rect(sw_layout_scale_rect(r, 144, 96), 17, 26, 500, 44);
}

/* The rule dialog's shape: a banner on top, two fields each with an error
 * under it, buttons at the bottom (pixels at 96 DPI). */
enum { BANNER, NAME, NAME_ERROR, HOST, HOST_ERROR, SAVE, ITEMS };
static const struct sw_layout_rect rule_dialog[ITEMS] = {
    [BANNER] = {10, 4, 500, 17},       [NAME] = {200, 20, 500, 40},
    [NAME_ERROR] = {200, 40, 500, 53}, [HOST] = {200, 56, 500, 76},
    [HOST_ERROR] = {200, 76, 500, 89}, [SAVE] = {400, 100, 480, 123},
};

static void nothing_shown_is_the_template_scaled(void **state)
{
  (void)state;
  struct sw_layout_item items[ITEMS];
  for (int i = 0; i < ITEMS; i++)
    items[i] = (struct sw_layout_item){rule_dialog[i], 0};
  struct sw_layout_rect out[ITEMS];
  assert_int_equal(sw_layout_flow(items, ITEMS, 96, 144, out), 0);
  for (int i = 0; i < ITEMS; i++)
    assert_rect(out[i], sw_layout_scale(rule_dialog[i].left, 144, 96),
                sw_layout_scale(rule_dialog[i].top, 144, 96),
                sw_layout_scale(rule_dialog[i].right, 144, 96),
                sw_layout_scale(rule_dialog[i].bottom, 144, 96));
  /* Back at 96 DPI: the template exactly. */
  assert_int_equal(sw_layout_flow(items, ITEMS, 96, 96, out), 0);
  assert_rect(out[SAVE], 400, 100, 480, 123);
}

static void an_error_pushes_what_is_below_it_down(void **state)
{
  (void)state;
  struct sw_layout_item items[ITEMS];
  for (int i = 0; i < ITEMS; i++)
    items[i] = (struct sw_layout_item){rule_dialog[i], 0};
  items[BANNER].text_h = 20;     /* one line at 144 DPI */
  items[NAME_ERROR].text_h = 40; /* two lines */
  struct sw_layout_rect out[ITEMS];
  assert_int_equal(sw_layout_flow(items, ITEMS, 96, 144, out), 60);
  assert_rect(out[BANNER], 15, 6, 750, 26);           /* its own height */
  assert_rect(out[NAME], 300, 30 + 20, 750, 60 + 20); /* below the banner */
  assert_rect(out[NAME_ERROR], 300, 60 + 20, 750, 60 + 20 + 40);
  assert_rect(out[HOST], 300, 84 + 60, 750, 114 + 60);        /* below both */
  assert_rect(out[HOST_ERROR], 300, 114 + 60, 750, 134 + 60); /* hidden: moved, kept */
  assert_rect(out[SAVE], 600, 150 + 60, 720, 185 + 60);
}

static void a_resizable_dialog_follows_its_size(void **state)
{
  (void)state;
  /* The check result dialog: a 640 x 480 template at 96 DPI. */
  struct sw_layout_rect report = {10, 70, 630, 430}, close = {550, 440, 630, 463};
  /* At 144 DPI in the client area the system suggests (the template's,
   * scaled): margins and sizes scaled, nothing else moved. */
  assert_rect(sw_layout_anchor(report, SW_LAYOUT_GROW, 640, 480, 96, 144, 960, 720), 15,
              105, 945, 645);
  assert_rect(sw_layout_anchor(close, SW_LAYOUT_CORNER, 640, 480, 96, 144, 960, 720), 825,
              660, 945, 695);
  /* Then made 100 px wider and 50 px taller by the user. */
  assert_rect(sw_layout_anchor(report, SW_LAYOUT_GROW, 640, 480, 96, 144, 1060, 770), 15,
              105, 1045, 695);
  assert_rect(sw_layout_anchor(report, SW_LAYOUT_WIDEN, 640, 480, 96, 144, 1060, 770), 15,
              105, 1045, 645);
  assert_rect(sw_layout_anchor(close, SW_LAYOUT_CORNER, 640, 480, 96, 144, 1060, 770),
              925, 710, 1045, 745);
  assert_rect(sw_layout_anchor(close, SW_LAYOUT_FIXED, 640, 480, 96, 144, 1060, 770), 825,
              660, 945, 695);
  /* Smaller than the template: a growing control is empty, not inverted. */
  struct sw_layout_rect tiny =
      sw_layout_anchor(report, SW_LAYOUT_GROW, 640, 480, 96, 96, 5, 5);
  assert_true(tiny.right == tiny.left && tiny.bottom == tiny.top);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(scaling_rounds_to_the_nearest_pixel),
      cmocka_unit_test(nothing_shown_is_the_template_scaled),
      cmocka_unit_test(an_error_pushes_what_is_below_it_down),
      cmocka_unit_test(a_resizable_dialog_follows_its_size),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
