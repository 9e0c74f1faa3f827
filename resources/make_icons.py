"""Draws the monitor's icons as PNGs with nothing but the standard library.

Run from this folder: python3 make_icons.py. The PNGs are committed; this script documents how
they were made and remakes them if a colour changes. Each icon is a filled disc (or, for the
application icon, a rounded square) with a white glyph, drawn from distance functions with 4x4
supersampling for smooth edges.
"""
import math
import struct
import zlib

SIZE = 32


def seg_dist(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def glyph(name, x, y):
    """True where the white glyph covers the unit-square point (x, y)."""
    w = 0.075
    if name == "check":
        return min(seg_dist(x, y, .28, .52, .44, .68), seg_dist(x, y, .44, .68, .74, .34)) < w
    if name == "cross":
        return min(seg_dist(x, y, .32, .32, .68, .68), seg_dist(x, y, .68, .32, .32, .68)) < w
    if name == "play":
        return x > .38 and abs(y - .5) < (x - .38) * -0.8 + .24 and x < .7
    if name == "bang":
        return seg_dist(x, y, .5, .26, .5, .56) < w or math.hypot(x - .5, y - .72) < w * 1.1
    if name == "clock":
        ring = abs(math.hypot(x - .5, y - .5) - .24) < w * .7
        hands = min(seg_dist(x, y, .5, .5, .5, .34), seg_dist(x, y, .5, .5, .62, .56)) < w * .7
        return ring or hands
    if name == "bar":
        return abs(x - .5) < .22 and abs(y - .5) < .07
    if name == "question":
        arc = abs(math.hypot(x - .5, y - .4) - .14) < w and not (y > .4 and x < .5)
        stem = seg_dist(x, y, .5, .54, .5, .6) < w
        return arc or stem or math.hypot(x - .5, y - .74) < w * 1.1
    if name == "remote":
        return abs(math.hypot(x - .5, y - .5) - .2) < w * .8 or seg_dist(x, y, .28, .5, .72, .5) < w * .6
    if name == "pause":
        return abs(y - .5) < .2 and (abs(x - .4) < .06 or abs(x - .6) < .06)
    if name == "hollow":
        return math.hypot(x - .5, y - .5) < .24
    return False


def shape(kind, x, y):
    if kind == "disc":
        return math.hypot(x - .5, y - .5) < .46
    r, m = .18, .06  # rounded square
    cx, cy = min(max(x, m + r), 1 - m - r), min(max(y, m + r), 1 - m - r)
    return math.hypot(x - cx, y - cy) < r


def render(path, rgb, glyph_name, kind="disc", size=SIZE):
    rows = []
    ss = 4
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            cover = white = 0
            for sy in range(ss):
                for sx in range(ss):
                    x, y = (px + (sx + .5) / ss) / size, (py + (sy + .5) / ss) / size
                    if shape(kind, x, y):
                        cover += 1
                        if glyph(glyph_name, x, y):
                            white += 1
            n = ss * ss
            a = cover / n
            if cover:
                t = white / cover
                col = [round(c * (1 - t) + 255 * t) for c in rgb]
            else:
                col = [0, 0, 0]
            if glyph_name == "hollow" and cover:  # pending: a ring, not a disc
                col = list(rgb)
                a = (cover - white) / n
            row += bytes(col + [round(a * 255)])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


STATES = {
    "pending": ((120, 130, 140), "hollow"),
    "running": ((30, 120, 220), "play"),
    "orphaned": ((235, 130, 20), "bang"),
    "elsewhere": ((130, 90, 190), "remote"),
    "succeeded": ((40, 160, 70), "check"),
    "failed": ((210, 45, 45), "cross"),
    "timedout": ((200, 150, 0), "clock"),
    "cancelled": ((95, 100, 110), "bar"),
    "invalid": ((150, 60, 60), "question"),
    "interrupted": ((170, 50, 145), "pause"),
}

if __name__ == "__main__":
    for name, (rgb, g) in STATES.items():
        render(f"icons/state-{name}.png", rgb, g)
    render("icons/openautomate.png", (25, 95, 170), "play", kind="square", size=64)
