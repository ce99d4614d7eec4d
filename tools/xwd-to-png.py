#!/usr/bin/python3
"""Converts an X window dump (xwd -root, 24 or 32 bits per pixel, TrueColor) to PNG with the standard library only.

Used by ./setup.sh to save what the window shows when it runs on a virtual display."""
import struct
import sys
import zlib


def convert(xwd_path, png_path):
    data = open(xwd_path, "rb").read()
    header = struct.unpack(">25I", data[:100])
    header_size, width, height = header[0], header[4], header[5]
    bits_per_pixel, bytes_per_line, n_colours = header[11], header[12], header[19]
    red_mask, green_mask, blue_mask = header[14], header[15], header[16]
    step = bits_per_pixel // 8
    offset = header_size + n_colours * 12
    shifts = [(mask & -mask).bit_length() - 1 for mask in (red_mask, green_mask, blue_mask)]
    rows = []
    for y in range(height):
        line = data[offset + y * bytes_per_line: offset + y * bytes_per_line + width * step]
        out = bytearray(b"\x00")
        for x in range(width):
            pixel = int.from_bytes(line[x * step: x * step + step], "little" if header[7] == 0 else "big")
            out += bytes((pixel >> shift) & 0xFF for shift in shifts)
        rows.append(bytes(out))

    def chunk(kind, payload):
        return (struct.pack(">I", len(payload)) + kind + payload +
                struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) +
           chunk(b"IDAT", zlib.compress(b"".join(rows), 6)) + chunk(b"IEND", b""))
    open(png_path, "wb").write(png)


if __name__ == "__main__":
    convert(sys.argv[1], sys.argv[2])
