#!/usr/bin/env python3
"""Draws the SMTP Watch application icon and writes it as a .ico file.

The design: a white envelope on a blue rounded tile (mail), with a green
badge holding a white check mark (the server answered) over its lower
right corner. From 32 px up the envelope shows its flap and a pulse line
runs across it (the server is being watched); at 16 and 24 px they would
be mush, so the small images leave them out.

The file holds 16, 24, 32 and 48 px images as 32-bit BMP entries (with
alpha, and an AND mask for old renderers) and a 256 px image as a PNG
entry, the layout Windows' own icons use. Pure Python (struct and zlib),
so the build needs no image tools and the tree holds no binary.

usage: make_icon.py OUT.ico
"""
import struct
import sys
import zlib

BMP_SIZES = (16, 24, 32, 48)
PNG_SIZES = (256,)
DETAIL_FROM = 32  # the flap and the pulse line from this size up

TILE = (0x1D, 0x5C, 0xA8)
TILE_EDGE = (0x14, 0x44, 0x80)
PAPER = (0xFF, 0xFF, 0xFF)
FLAP = (0xAF, 0xC4, 0xE2)
PULSE = (0x1F, 0x8F, 0x3A)
BADGE = (0x2E, 0xA6, 0x48)
MARK = (0xFF, 0xFF, 0xFF)


def rounded(x, y, x0, y0, x1, y1, r):
    """Is (x, y) inside the rectangle with corners rounded to radius r?"""
    if x < x0 or x > x1 or y < y0 or y > y1:
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def near(x, y, points, width):
    """Is (x, y) within width/2 of the polyline through `points`?"""
    half2 = (width / 2) ** 2
    for (ax, ay), (bx, by) in zip(points, points[1:]):
        dx, dy = bx - ax, by - ay
        t = ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)
        t = max(0.0, min(1.0, t))
        px, py = ax + t * dx, ay + t * dy
        if (x - px) ** 2 + (y - py) ** 2 <= half2:
            return True
    return False


# Unit coordinates (0..1, y down).
ENVELOPE = (0.10, 0.20, 0.80, 0.68)
FLAP_LINES = ([(0.13, 0.24), (0.45, 0.49), (0.77, 0.24)],)
PULSE_LINE = [(0.10, 0.56), (0.30, 0.56), (0.36, 0.44), (0.43, 0.66),
              (0.49, 0.52), (0.53, 0.56), (0.62, 0.56)]
BADGE_C, BADGE_R, BADGE_RING = (0.73, 0.73), 0.25, 0.045
CHECK = [(0.615, 0.735), (0.70, 0.82), (0.855, 0.645)]


def colour_at(x, y, size):
    """The colour at (x, y) in an image of `size` px; None: transparent."""
    detail = size >= DETAIL_FROM
    # Lines must stay at least about a pixel wide at every size.
    px = 1.0 / size
    bx, by = x - BADGE_C[0], y - BADGE_C[1]
    d2 = bx * bx + by * by
    if d2 <= BADGE_R ** 2:
        if d2 >= (BADGE_R - max(BADGE_RING, px)) ** 2:
            return PAPER  # a ring that separates the badge from the tile
        if near(x, y, CHECK, max(0.075, 1.9 * px)):
            return MARK
        return BADGE
    if rounded(x, y, *ENVELOPE, 0.03):
        if detail:
            if near(x, y, PULSE_LINE, max(0.045, 1.2 * px)):
                return PULSE
            if any(near(x, y, line, max(0.03, px)) for line in FLAP_LINES):
                return FLAP
        elif near(x, y, FLAP_LINES[0], max(0.06, 1.0 * px)):
            return FLAP
        return PAPER
    if rounded(x, y, 0.0, 0.0, 1.0, 1.0, 0.18):
        if not rounded(x, y, px, px, 1.0 - px, 1.0 - px, 0.18 - px):
            return TILE_EDGE
        return TILE
    return None


def render(size):
    """Rows of (r, g, b, a) pixels, top to bottom: each pixel is the average
    of samples on a grid inside it (fewer for the large image: it has
    enough pixels to look smooth)."""
    samples = 4 if size <= 64 else 2
    n = samples * samples
    rows = []
    for py in range(size):
        row = []
        for px in range(size):
            r = g = b = a = 0
            for sy in range(samples):
                for sx in range(samples):
                    c = colour_at((px + (sx + 0.5) / samples) / size,
                                  (py + (sy + 0.5) / samples) / size, size)
                    if c:
                        r, g, b, a = r + c[0], g + c[1], b + c[2], a + 1
            if a:
                row.append((r // a, g // a, b // a, (255 * a + n // 2) // n))
            else:
                row.append((0, 0, 0, 0))
        rows.append(row)
    return rows


def png(size):
    """A PNG file (RGBA, 8 bits) of the image."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data)))
    raw = b"".join(b"\0" + bytes(v for p in row for v in p) for row in render(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
            chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def bmp(size):
    """An icon's DIB: BITMAPINFOHEADER (height doubled for the mask), BGRA
    rows bottom-up, then the AND mask (1 = transparent), rows padded to
    4 bytes."""
    rows = render(size)
    header = struct.pack("<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0,
                         size * size * 4, 0, 0, 0, 0)
    colour = b"".join(bytes(v for r, g, b, a in row for v in (b, g, r, a))
                      for row in reversed(rows))
    stride = (size + 31) // 32 * 4
    mask = b""
    for row in reversed(rows):
        bits = bytearray(stride)
        for x, (_, _, _, a) in enumerate(row):
            if a == 0:
                bits[x // 8] |= 0x80 >> (x % 8)
        mask += bytes(bits)
    return header + colour + mask


def ico(images):
    """An ICONDIR with one entry per (size, data) image."""
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, data in images:
        out += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32,
                           len(data), offset)
        offset += len(data)
    return out + b"".join(data for _, data in images)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    images = [(s, bmp(s)) for s in BMP_SIZES] + [(s, png(s)) for s in PNG_SIZES]
    data = ico(images)
    with open(sys.argv[1], "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
