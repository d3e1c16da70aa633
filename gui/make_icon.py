#!/usr/bin/env python3
"""Draws the SMTP Watch icon (a white envelope on a blue tile, with a green
status dot) and writes it as a .ico with 16, 24, 32, 48 and 256 px images,
each a PNG entry (Windows Vista and later read them). Pure Python, so the
build needs no image tools and the tree holds no binary.

usage: make_icon.py OUT.ico
"""
import struct
import sys
import zlib

SIZES = (16, 24, 32, 48, 256)
SAMPLES = 4  # supersampling per axis, for smooth edges

BLUE = (0x1F, 0x5F, 0xAF)
WHITE = (0xFF, 0xFF, 0xFF)
FOLD = (0xB8, 0xCC, 0xE8)
GREEN = (0x2E, 0xA0, 0x43)


def inside_rounded(x, y, x0, y0, x1, y1, r):
    """Is (x, y) inside the rectangle with rounded corners of radius r?"""
    if x < x0 or x > x1 or y < y0 or y > y1:
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def near_segment(x, y, ax, ay, bx, by, width):
    """Is (x, y) within width/2 of the segment a-b?"""
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    px, py = ax + t * dx, ay + t * dy
    return (x - px) ** 2 + (y - py) ** 2 <= (width / 2) ** 2


def colour_at(x, y):
    """The icon in unit coordinates (0..1): None is transparent."""
    if (x - 0.76) ** 2 + (y - 0.76) ** 2 <= 0.2 ** 2:
        if (x - 0.76) ** 2 + (y - 0.76) ** 2 >= 0.165 ** 2:
            return WHITE
        return GREEN
    if inside_rounded(x, y, 0.16, 0.28, 0.84, 0.74, 0.04):
        if near_segment(x, y, 0.18, 0.31, 0.5, 0.55, 0.06) or near_segment(
                x, y, 0.82, 0.31, 0.5, 0.55, 0.06):
            return FOLD
        return WHITE
    if inside_rounded(x, y, 0.02, 0.02, 0.98, 0.98, 0.18):
        return BLUE
    return None


def render(size):
    """RGBA rows of one image, averaged over SAMPLES^2 points per pixel."""
    rows = []
    n = SAMPLES * SAMPLES
    for py in range(size):
        row = bytearray([0])  # PNG filter: none
        for px in range(size):
            r = g = b = a = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    c = colour_at((px + (sx + 0.5) / SAMPLES) / size,
                                  (py + (sy + 0.5) / SAMPLES) / size)
                    if c:
                        r, g, b, a = r + c[0], g + c[1], b + c[2], a + 1
            if a:
                row += bytes((r // a, g // a, b // a, 255 * a // n))
            else:
                row += bytes(4)
        rows.append(bytes(row))
    return b"".join(rows)


def png(size):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) +
            chunk(b"IDAT", zlib.compress(render(size), 9)) + chunk(b"IEND", b""))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    images = [png(s) for s in SIZES]
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, data in zip(SIZES, images):
        out += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    with open(sys.argv[1], "wb") as f:
        f.write(out + b"".join(images))


if __name__ == "__main__":
    main()
