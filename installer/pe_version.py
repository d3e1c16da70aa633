#!/usr/bin/python3
"""Reads a Windows program's version resource (VS_VERSIONINFO) on Linux, for
installer/build-msi.sh: the MSI's File table must hold each file's own
version and language, and wixl leaves both empty.

Usage: pe_version.py FILE
Prints one line, "a.b.c.d LANGUAGES": the FILEVERSION of VS_FIXEDFILEINFO
and the decimal language ids of VarFileInfo\\Translation, comma-separated
(what the File table's Version and Language columns take). Exit 1, with a
sentence on stderr, when FILE is not a PE file or has no version resource.

Only the structures Microsoft documents are read: the PE optional header's
resource directory (data directory 2), the resource tree (type RT_VERSION =
16, the first name, the first language), and VS_VERSIONINFO's fixed part
and its VarFileInfo child. tests/integration/test_msi.py checks the result
against Windows' own reading (GetFileVersionInfoW, tests/tools/file_version).
"""

import struct
import sys

RT_VERSION = 16
VS_FFI_SIGNATURE = 0xFEEF04BD


class NotVersioned(Exception):
    pass


def u16(data, off):
    return struct.unpack_from("<H", data, off)[0]


def u32(data, off):
    return struct.unpack_from("<I", data, off)[0]


def resource_section(data):
    """(bytes of the image, RVA of the resource directory), the image being
    the file's sections mapped by RVA so that the tree's RVAs can be used."""
    if data[:2] != b"MZ":
        raise NotVersioned("not a Windows program (no MZ header)")
    pe = u32(data, 0x3C)
    if data[pe:pe + 4] != b"PE\0\0":
        raise NotVersioned("not a PE file")
    sections, opt_size = u16(data, pe + 6), u16(data, pe + 20)
    opt = pe + 24
    magic = u16(data, opt)
    dirs = opt + {0x10B: 96, 0x20B: 112}.get(magic, -1 - opt)
    if dirs < opt:
        raise NotVersioned("unknown optional header magic 0x%x" % magic)
    res_rva, res_size = struct.unpack_from("<II", data, dirs + 2 * 8)
    if res_rva == 0 or res_size == 0:
        raise NotVersioned("no resources")
    image = {}
    for i in range(sections):
        s = opt + opt_size + 40 * i
        vsize, vaddr, raw_size, raw_ptr = struct.unpack_from("<IIII", data, s + 8)
        image[vaddr] = data[raw_ptr:raw_ptr + min(raw_size, vsize or raw_size)]
    return image, res_rva


def read_rva(image, rva, size):
    for base, content in image.items():
        if base <= rva and rva + size <= base + len(content):
            return content[rva - base:rva - base + size]
    raise NotVersioned("a resource points outside the file's sections")


def first_entry(image, root, directory, wanted_id=None):
    """The offset (from the tree's root) of the entry's target, and whether
    it is a subdirectory: the entry with ID wanted_id, or the first one."""
    head = read_rva(image, root + directory, 16)
    named, ids = u16(head, 12), u16(head, 14)
    entries = read_rva(image, root + directory + 16, 8 * (named + ids))
    for i in range(named + ids):
        name, target = struct.unpack_from("<II", entries, 8 * i)
        if wanted_id is None or (not name & 0x80000000 and name == wanted_id):
            return target & 0x7FFFFFFF, bool(target & 0x80000000)
    return None, False


def version_block(data):
    image, root = resource_section(data)
    node = 0
    for level, wanted in enumerate((RT_VERSION, None, None)):
        node, is_dir = first_entry(image, root, node, wanted)
        if node is None:
            raise NotVersioned("no version resource")
        if is_dir != (level < 2):
            raise NotVersioned("a malformed resource tree")
    rva, size = struct.unpack_from("<II", read_rva(image, root + node, 8))
    return read_rva(image, rva, size)


def align4(off):
    return (off + 3) & ~3


def block(data, off):
    """A VS_VERSIONINFO-style block at off: (key, value offset, value length
    in bytes, children's offset, end)."""
    length, value_len, kind = struct.unpack_from("<HHH", data, off)
    key_end = off + 6
    while data[key_end:key_end + 2] != b"\0\0":
        key_end += 2
    key = data[off + 6:key_end].decode("utf-16-le")
    value = align4(key_end + 2)
    value_bytes = value_len * 2 if kind == 1 else value_len  # 1: text, in characters
    return key, value, value_bytes, align4(value + value_bytes), off + length


def read_version(path):
    """(FILEVERSION "a.b.c.d", [language ids]) of the program at path."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        info = version_block(data)
        key, value, value_len, child, end = block(info, 0)
    except (struct.error, IndexError, UnicodeDecodeError):
        raise NotVersioned("a malformed file or version resource")
    if key != "VS_VERSION_INFO" or value_len < 52 or u32(info, value) != VS_FFI_SIGNATURE:
        raise NotVersioned("a version resource without VS_FIXEDFILEINFO")
    ms, ls = u32(info, value + 8), u32(info, value + 12)
    version = "%d.%d.%d.%d" % (ms >> 16, ms & 0xFFFF, ls >> 16, ls & 0xFFFF)
    languages = []
    while child < end:
        ckey, _, _, grandchild, cend = block(info, child)
        if ckey == "VarFileInfo":
            while grandchild < cend:
                vkey, voff, vlen, _, vend = block(info, grandchild)
                if vkey == "Translation":
                    languages += [u16(info, voff + i) for i in range(0, vlen, 4)]
                grandchild = align4(vend)
        child = align4(cend)
    return version, languages


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    try:
        version, languages = read_version(sys.argv[1])
    except OSError as e:
        sys.exit("pe_version.py: %s: %s" % (sys.argv[1], e.strerror))
    except NotVersioned as e:
        sys.exit("pe_version.py: %s: %s." % (sys.argv[1], e))
    print(version, ",".join(str(lang) for lang in languages))


if __name__ == "__main__":
    main()
