/* The editor's state icons (state_icons.h). */
#include "state_icons.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "rule_rows.h"

/* One state's disc as an icon of `size` px: 32-bit with alpha, edges
 * antialiased (4x4 samples a pixel), so it looks right on any background
 * and at any DPI. Colour and a darker rim; `hollow`: the rim only. */
static HICON state_icon(int size, COLORREF fill, COLORREF rim, bool hollow)
{
  BITMAPINFO bi = {0};
  bi.bmiHeader.biSize = sizeof bi.bmiHeader;
  bi.bmiHeader.biWidth = size;
  bi.bmiHeader.biHeight = -size; /* top-down */
  bi.bmiHeader.biPlanes = 1;
  bi.bmiHeader.biBitCount = 32;
  bi.bmiHeader.biCompression = BI_RGB;
  uint32_t *px = NULL;
  HBITMAP colour = CreateDIBSection(NULL, &bi, DIB_RGB_COLORS, (void **)&px, NULL, 0);
  /* An all-zero AND mask (rows of whole WORDs): the alpha channel decides
   * (icons with alpha are not premultiplied). */
  void *zeros = calloc((size_t)((size + 15) / 16 * 2), (size_t)size);
  HBITMAP mask = zeros ? CreateBitmap(size, size, 1, 1, zeros) : NULL;
  free(zeros);
  HICON icon = NULL;
  if (colour && mask && px) {
    double c = size / 2.0, r = size * 0.40, rim_w = size / 8.0 > 1.2 ? size / 8.0 : 1.2;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int in_rim = 0, in_fill = 0;
        for (int sy = 0; sy < 4; sy++) {
          for (int sx = 0; sx < 4; sx++) {
            double dx = x + (sx + 0.5) / 4 - c, dy = y + (sy + 0.5) / 4 - c;
            double d2 = dx * dx + dy * dy;
            if (d2 > r * r)
              continue;
            if (d2 >= (r - rim_w) * (r - rim_w))
              in_rim++;
            else if (!hollow)
              in_fill++;
          }
        }
        int a = in_rim + in_fill;
        uint32_t value = 0;
        if (a) {
          unsigned red = (GetRValue(rim) * in_rim + GetRValue(fill) * in_fill) / a;
          unsigned green = (GetGValue(rim) * in_rim + GetGValue(fill) * in_fill) / a;
          unsigned blue = (GetBValue(rim) * in_rim + GetBValue(fill) * in_fill) / a;
          unsigned alpha = (255u * a + 8) / 16;
          value = alpha << 24 | red << 16 | green << 8 | blue;
        }
        px[y * size + x] = value;
      }
    }
    ICONINFO ii = {TRUE, 0, 0, mask, colour};
    icon = CreateIconIndirect(&ii);
  }
  if (colour)
    DeleteObject(colour);
  if (mask)
    DeleteObject(mask);
  return icon;
}

HIMAGELIST sw_state_icons_create(int size)
{
  static const struct {
    COLORREF fill, rim;
    bool hollow;
  } look[SW_RULE_ICON_COUNT] = {
      [SW_RULE_ICON_OK] = {RGB(0x2e, 0xa0, 0x43), RGB(0x1d, 0x6b, 0x2c), false},
      [SW_RULE_ICON_WARNING] = {RGB(0xf2, 0xa9, 0x00), RGB(0xa8, 0x70, 0x00), false},
      [SW_RULE_ICON_CRITICAL] = {RGB(0xd9, 0x2d, 0x20), RGB(0x8f, 0x1a, 0x12), false},
      [SW_RULE_ICON_UNKNOWN] = {RGB(0x8a, 0x8a, 0x8a), RGB(0x5c, 0x5c, 0x5c), false},
      [SW_RULE_ICON_PENDING] = {RGB(0xc8, 0xc8, 0xc8), RGB(0x8a, 0x8a, 0x8a), false},
      [SW_RULE_ICON_DISABLED] = {0, RGB(0x8a, 0x8a, 0x8a), true},
  };
  HIMAGELIST list = ImageList_Create(size, size, ILC_COLOR32, SW_RULE_ICON_COUNT, 0);
  if (!list)
    return NULL;
  for (int i = 0; i < SW_RULE_ICON_COUNT; i++) {
    HICON icon = state_icon(size, look[i].fill, look[i].rim, look[i].hollow);
    ImageList_ReplaceIcon(list, -1, icon);
    if (icon)
      DestroyIcon(icon);
  }
  return list;
}
