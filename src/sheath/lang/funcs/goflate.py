"""DEFLATE and gzip output byte-identical to Go's compress/flate + compress/gzip.

Terraform's ``base64gzip`` runs Go's ``gzip.NewWriter`` (default compression,
which compress/flate maps to level 6), calls ``Write(s)``, ``Flush()`` and
``Close()``.  zlib uses different match finding and Huffman construction, so
its bytes differ from Go's for anything but tiny inputs; this module is an
independent Python implementation of the same algorithm:

* level 6 parameters: good 8, lazy 16, nice 128, chain 128, lazy matching;
* 4-byte multiplicative hash (17 bits), 32 KiB window, minimum match 4
  (a 4-byte match only when its distance is at most 4096);
* the window slides by 32 KiB when fewer than 262 bytes of lookahead remain
  in a 64 KiB buffer, which bounds match candidates after each slide;
* a block is emitted every 16384 tokens (and at the flush); each block is
  written stored, fixed or dynamic, whichever Go's size estimate says is
  smallest (ties prefer fixed, then Huffman over stored);
* Huffman code lengths come from Go's length-limited package-merge variant,
  with symbols ranked by (frequency, symbol);
* the stream ends with the sync flush (empty non-final stored block) and the
  close (empty final stored block).
"""

from __future__ import annotations

import struct
import zlib

__all__ = ["deflate", "gzip_compress"]

_WINDOW = 1 << 15
_WMASK = _WINDOW - 1
_MIN_MATCH = 4
_MAX_MATCH = 258
_MIN_LOOKAHEAD = _MIN_MATCH + _MAX_MATCH  # 262
_HASH_BITS = 17
_HASH_MUL = 0x1E35A7BD
_MAX_BLOCK_TOKENS = 1 << 14
_MAX_STORE = 65535
_GOOD, _LAZY, _NICE, _CHAIN = 8, 16, 128, 128
_INF = (1 << 31) - 1
_CODEGEN_ORDER = (16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15)


def _length_table() -> tuple[list[int], list[int], list[int]]:
    """For match lengths 0..258: DEFLATE symbol, extra-bit count, extra value."""
    base = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
            67, 83, 99, 115, 131, 163, 195, 227, 258]
    extra = [0] * 8 + [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4 + [5] * 4 + [0]
    sym = [0] * 259
    ebits = [0] * 259
    evals = [0] * 259
    for code in range(28):
        for ln in range(base[code], base[code] + (1 << extra[code])):
            if ln < 258:
                sym[ln] = 257 + code
                ebits[ln] = extra[code]
                evals[ln] = ln - base[code]
    sym[258], ebits[258], evals[258] = 285, 0, 0
    return sym, ebits, evals


def _offset_bases() -> tuple[list[int], list[int]]:
    base = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
            1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    extra = [0, 0, 0, 0] + [i // 2 for i in range(2, 28)]
    return base, extra


_LEN_SYM, _LEN_EBITS, _LEN_EVAL = _length_table()
_OFF_BASE, _OFF_EXTRA = _offset_bases()
_LEN_SYM_EXTRA = [0] * 257 + [0] * 8 + [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4 + [5] * 4 + [0]
_FIXED_LIT_LEN = [8] * 144 + [9] * 112 + [7] * 24 + [8] * 8


def _offset_code(dist: int) -> int:
    """DEFLATE distance symbol for a distance of 1..32768."""
    d = dist - 1
    if d < 4:
        return d
    nb = d.bit_length() - 1  # 2..14
    return 2 * nb + ((d >> (nb - 1)) & 1)


def _bit_counts(freqs: list[int], max_bits: int) -> list[int]:
    """How many symbols get each code length (index = length).

    ``freqs`` is sorted ascending and has at least three entries.  This follows
    Go's level-by-level boundary package-merge, including its tie rule (a
    package wins over a leaf of equal weight), so the lengths match Go's.
    """
    n = len(freqs)
    f = freqs + [_INF]
    max_bits = min(max_bits, n - 1)
    size = max_bits + 2
    last_freq = [0] * size
    next_char = [0] * size
    next_pair = [0] * size
    needed = [0] * size
    leaf = [[0] * size for _ in range(size)]
    for lv in range(1, max_bits + 1):
        last_freq[lv] = f[1]
        next_char[lv] = f[2]
        next_pair[lv] = _INF if lv == 1 else f[0] + f[1]
        leaf[lv][lv] = 2
    needed[max_bits] = 2 * n - 4
    lv = max_bits
    while True:
        if next_pair[lv] == _INF and next_char[lv] == _INF:
            needed[lv] = 0
            next_pair[lv + 1] = _INF
            lv += 1
            continue
        prev_freq = last_freq[lv]
        if next_char[lv] < next_pair[lv]:
            k = leaf[lv][lv] + 1
            last_freq[lv] = next_char[lv]
            leaf[lv][lv] = k
            next_char[lv] = f[k]
        else:
            last_freq[lv] = next_pair[lv]
            leaf[lv][:lv] = leaf[lv - 1][:lv]
            needed[lv - 1] = 2
        needed[lv] -= 1
        if needed[lv] == 0:
            if lv == max_bits:
                break
            next_pair[lv + 1] = prev_freq + last_freq[lv]
            lv += 1
        else:
            while needed[lv - 1] > 0:
                lv -= 1
    top = leaf[max_bits]
    counts = [0] * (max_bits + 1)
    bits = 1
    for level in range(max_bits, 0, -1):
        counts[bits] = top[level] - top[level - 1]
        bits += 1
    return counts


def _code_lengths(freq: list[int], max_bits: int) -> list[int]:
    """Go's Huffman code lengths for ``freq`` (0 for unused symbols)."""
    lengths = [0] * len(freq)
    used = [(f, s) for s, f in enumerate(freq) if f]
    if len(used) <= 2:
        for _f, s in used:
            lengths[s] = 1
        return lengths
    used.sort()
    counts = _bit_counts([f for f, _s in used], max_bits)
    end = len(used)
    for bits in range(1, len(counts)):
        c = counts[bits]
        for j in range(end - c, end):
            lengths[used[j][1]] = bits
        end -= c
    return lengths


def _canonical_codes(lengths: list[int]) -> list[int]:
    """Canonical codes, bit-reversed for LSB-first output."""
    max_len = max(lengths) if lengths else 0
    bl_count = [0] * (max_len + 1)
    for ln in lengths:
        if ln:
            bl_count[ln] += 1
    next_code = [0] * (max_len + 2)
    code = 0
    for bits in range(1, max_len + 1):
        code = (code + bl_count[bits - 1]) << 1 if bits > 1 else 0
        next_code[bits] = code
    codes = [0] * len(lengths)
    for sym, ln in enumerate(lengths):
        if ln:
            c = next_code[ln]
            next_code[ln] = c + 1
            r = 0
            for _ in range(ln):
                r = (r << 1) | (c & 1)
                c >>= 1
            codes[sym] = r
    return codes


_FIXED_LIT_CODES = _canonical_codes(_FIXED_LIT_LEN)
_FIXED_OFF_LEN = [5] * 30
_FIXED_OFF_CODES = _canonical_codes(_FIXED_OFF_LEN)


class _BitWriter:
    __slots__ = ("acc", "nbits", "out")

    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.nbits = 0

    def bits(self, value: int, n: int) -> None:
        self.acc |= value << self.nbits
        self.nbits += n
        if self.nbits >= 32:
            self.out += (self.acc & 0xFFFFFFFF).to_bytes(4, "little")
            self.acc >>= 32
            self.nbits -= 32

    def align(self) -> None:
        nbytes = (self.nbits + 7) >> 3
        if nbytes:
            self.out += self.acc.to_bytes(nbytes, "little")
        self.acc = 0
        self.nbits = 0

    def stored_header(self, length: int, final: bool) -> None:
        self.bits(1 if final else 0, 3)
        self.align()
        self.bits(length, 16)
        self.bits(length ^ 0xFFFF, 16)


def _codegen(lit_len: list[int], off_len: list[int]) -> tuple[list[int], list[int]]:
    """Run-length code the concatenated code lengths as Go does.

    Returns (sequence of (symbol[, extra]) flattened as symbol, extra-or--1, ...)
    and the 19 symbol frequencies.
    """
    seq = lit_len + off_len
    freq = [0] * 19
    out: list[int] = []
    i = 0
    n = len(seq)
    while i < n:
        size = seq[i]
        j = i + 1
        while j < n and seq[j] == size:
            j += 1
        count = j - i
        if size != 0:
            out += (size, -1)
            freq[size] += 1
            count -= 1
            while count >= 3:
                r = min(count, 6)
                out += (16, r - 3)
                freq[16] += 1
                count -= r
        else:
            while count >= 11:
                r = min(count, 138)
                out += (18, r - 11)
                freq[18] += 1
                count -= r
            if count >= 3:
                out += (17, count - 3)
                freq[17] += 1
                count = 0
        for _ in range(count):
            out += (size, -1)
            freq[size] += 1
        i = j
    return out, freq


def _write_block(w: _BitWriter, tokens: list[int], window: bytes | None) -> None:
    """Write one non-final block the way Go's huffmanBitWriter.writeBlock does."""
    lit_freq = [0] * 286
    off_freq = [0] * 30
    len_sym = _LEN_SYM
    for t in tokens:
        if t < 256:
            lit_freq[t] += 1
        else:
            lit_freq[len_sym[t >> 16]] += 1
            off_freq[_offset_code(t & 0xFFFF)] += 1
    lit_freq[256] += 1  # end of block
    num_lit = 286
    while lit_freq[num_lit - 1] == 0:
        num_lit -= 1
    num_off = 30
    while num_off > 0 and off_freq[num_off - 1] == 0:
        num_off -= 1
    if num_off == 0:
        off_freq[0] = 1
        num_off = 1
    lit_len = _code_lengths(lit_freq, 15)
    off_len = _code_lengths(off_freq, 15)

    storable = window is not None and len(window) <= _MAX_STORE
    extra = 0
    if storable:
        for s in range(265, num_lit):
            extra += lit_freq[s] * _LEN_SYM_EXTRA[s]
        for s in range(4, num_off):
            extra += off_freq[s] * _OFF_EXTRA[s]

    fixed_size = 3 + extra
    fixed_size += sum(f * ln for f, ln in zip(lit_freq, _FIXED_LIT_LEN))
    fixed_size += 5 * sum(off_freq)

    cg, cg_freq = _codegen(lit_len[:num_lit], off_len[:num_off])
    cg_len = _code_lengths(cg_freq, 7)
    num_cg = 19
    while num_cg > 4 and cg_freq[_CODEGEN_ORDER[num_cg - 1]] == 0:
        num_cg -= 1
    dyn_size = (17 + 3 * num_cg + sum(f * ln for f, ln in zip(cg_freq, cg_len))
                + cg_freq[16] * 2 + cg_freq[17] * 3 + cg_freq[18] * 7)
    dyn_size += sum(f * ln for f, ln in zip(lit_freq, lit_len))
    dyn_size += sum(f * ln for f, ln in zip(off_freq, off_len))
    dyn_size += extra

    size = fixed_size
    dynamic = False
    if dyn_size < size:
        size = dyn_size
        dynamic = True
    if storable and window is not None and (len(window) + 5) * 8 < size:
        w.stored_header(len(window), False)
        w.align()
        w.out += window
        return

    if dynamic:
        lit_codes = _canonical_codes(lit_len)
        off_codes = _canonical_codes(off_len)
        cg_codes = _canonical_codes(cg_len)
        w.bits(4, 3)
        w.bits(num_lit - 257, 5)
        w.bits(num_off - 1, 5)
        w.bits(num_cg - 4, 4)
        for k in range(num_cg):
            w.bits(cg_len[_CODEGEN_ORDER[k]], 3)
        for k in range(0, len(cg), 2):
            sym = cg[k]
            w.bits(cg_codes[sym], cg_len[sym])
            if sym == 16:
                w.bits(cg[k + 1], 2)
            elif sym == 17:
                w.bits(cg[k + 1], 3)
            elif sym == 18:
                w.bits(cg[k + 1], 7)
    else:
        lit_codes, off_codes = _FIXED_LIT_CODES, _FIXED_OFF_CODES
        lit_len, off_len = _FIXED_LIT_LEN, _FIXED_OFF_LEN
        w.bits(2, 3)

    # Token bits are gathered in a local accumulator, 48 bits flushed at a time.
    len_val = [0] * 259
    len_nb = [0] * 259
    for ln in range(_MIN_MATCH, 259):
        s = len_sym[ln]
        len_val[ln] = lit_codes[s] | (_LEN_EVAL[ln] << lit_len[s])
        len_nb[ln] = lit_len[s] + _LEN_EBITS[ln]
    off_base, off_extra = _OFF_BASE, _OFF_EXTRA
    out = w.out
    acc = w.acc
    nb = w.nbits
    for t in tokens:
        if t < 256:
            acc |= lit_codes[t] << nb
            nb += lit_len[t]
        else:
            ln = t >> 16
            acc |= len_val[ln] << nb
            nb += len_nb[ln]
            dist = t & 0xFFFF
            d = dist - 1
            if d < 4:
                oc = d
            else:
                top = d.bit_length() - 1
                oc = 2 * top + ((d >> (top - 1)) & 1)
            ol = off_len[oc]
            acc |= (off_codes[oc] | ((dist - off_base[oc]) << ol)) << nb
            nb += ol + off_extra[oc]
        if nb >= 48:
            out += (acc & 0xFFFFFFFFFFFF).to_bytes(6, "little")
            acc >>= 48
            nb -= 48
    w.acc = acc
    w.nbits = nb
    w.bits(lit_codes[256], lit_len[256])


class _Compressor:
    """State of Go's level-6 compressor, positions kept absolute in ``data``."""

    __slots__ = (
        "base",
        "block_start",
        "byte_available",
        "chain_head",
        "data",
        "hashes",
        "head",
        "index",
        "length",
        "offset",
        "prev",
        "tokens",
        "w",
        "window_end",
    )

    def __init__(self, data: bytes, w: _BitWriter) -> None:
        self.data = data
        m = _HASH_MUL
        self.hashes = [((a << 24 | b << 16 | c << 8 | d) * m & 0xFFFFFFFF) >> (32 - _HASH_BITS)
                       for a, b, c, d in zip(data, data[1:], data[2:], data[3:])]
        self.head = [-1] * (1 << _HASH_BITS)
        self.prev = [-1] * _WINDOW
        self.base = 0  # absolute position of Go's window[0]
        self.window_end = 0
        self.index = 0
        self.chain_head = -1
        self.length = _MIN_MATCH - 1
        self.offset = 0
        self.byte_available = False
        self.tokens: list[int] = []
        self.block_start: int | None = 0
        self.w = w

    def fill(self, limit: int) -> int:
        """Slide if needed, then buffer up to ``limit`` more bytes; returns the count."""
        if self.index - self.base >= 2 * _WINDOW - _MIN_LOOKAHEAD:
            self.base += _WINDOW
            if self.block_start is not None and self.block_start < self.base:
                self.block_start = None
        room = self.base + 2 * _WINDOW - self.window_end
        n = min(room, limit)
        self.window_end += n
        return n

    def flush_block(self, index: int) -> None:
        if index - self.base > 0:
            bs = self.block_start
            window = self.data[bs:index] if bs is not None and bs <= index else None
            self.block_start = index
            _write_block(self.w, self.tokens, window)
        self.tokens = []

    def find_match(self, pos: int, cand: int, lookahead: int) -> tuple[int, int]:
        data = self.data
        prev = self.prev
        look = min(lookahead, _MAX_MATCH)
        nice = min(look, _NICE)
        tries = _CHAIN
        length = _MIN_MATCH - 1
        offset = 0
        want = data[pos + length]
        min_index = pos - _WINDOW
        low = max(self.base, min_index)
        while tries > 0:
            if data[cand + length] == want:
                if data[cand:cand + look] == data[pos:pos + look]:
                    n = look
                else:
                    n = 0
                    while data[cand + n:cand + n + 8] == data[pos + n:pos + n + 8]:
                        n += 8
                    while data[cand + n] == data[pos + n]:
                        n += 1
                if n > length and (n > _MIN_MATCH or pos - cand <= 4096):
                    length = n
                    offset = pos - cand
                    if n >= nice:
                        break
                    want = data[pos + n]
            if cand == min_index:
                break
            cand = prev[cand & _WMASK]
            if cand < low:
                break
            tries -= 1
        return length, offset

    def step(self, sync: bool) -> None:
        if self.window_end - self.index < _MIN_LOOKAHEAD and not sync:
            return
        data = self.data
        hashes = self.hashes
        head = self.head
        prev = self.prev
        tokens = self.tokens
        window_end = self.window_end
        max_insert = window_end - (_MIN_MATCH - 1)
        index = self.index
        chain_head = self.chain_head
        length = self.length
        offset = self.offset
        byte_available = self.byte_available
        base = self.base
        while True:
            lookahead = window_end - index
            if lookahead < _MIN_LOOKAHEAD:
                if not sync:
                    break
                if lookahead == 0:
                    if byte_available:
                        tokens.append(data[index - 1])
                        byte_available = False
                    if tokens:
                        self.flush_block(index)
                        tokens = self.tokens
                    break
            if index < max_insert:
                h = hashes[index]
                chain_head = head[h]
                prev[index & _WMASK] = chain_head
                head[h] = index
            prev_length = length
            prev_offset = offset
            length = _MIN_MATCH - 1
            offset = 0
            low = index - _WINDOW
            low = max(low, base)
            if chain_head >= low and lookahead > prev_length and prev_length < _LAZY:
                n, off = self.find_match(index, chain_head, lookahead)
                if off:
                    length, offset = n, off
            if prev_length >= _MIN_MATCH and length <= prev_length:
                tokens.append(prev_length << 16 | prev_offset)
                new_index = index + prev_length - 1
                i = index + 1
                while i < new_index:
                    if i < max_insert:
                        h = hashes[i]
                        prev[i & _WMASK] = head[h]
                        head[h] = i
                    i += 1
                index = i
                byte_available = False
                length = _MIN_MATCH - 1
                if len(tokens) == _MAX_BLOCK_TOKENS:
                    self.flush_block(index)
                    tokens = self.tokens
            else:
                if byte_available:
                    tokens.append(data[index - 1])
                    if len(tokens) == _MAX_BLOCK_TOKENS:
                        self.flush_block(index)
                        tokens = self.tokens
                index += 1
                byte_available = True
        self.tokens = tokens
        self.index = index
        self.chain_head = chain_head
        self.length = length
        self.offset = offset
        self.byte_available = byte_available


def deflate(data: bytes) -> bytes:
    """Raw DEFLATE as Go's flate.Writer (level 6) gives after Write, Flush, Close."""
    w = _BitWriter()
    c = _Compressor(bytes(data), w)
    remaining = len(data)
    while remaining > 0:
        c.step(False)
        remaining -= c.fill(remaining)
    c.step(True)  # Flush
    w.stored_header(0, False)
    w.align()
    c.step(True)  # Close
    w.stored_header(0, True)
    w.align()
    return bytes(w.out)


def gzip_compress(data: bytes) -> bytes:
    """gzip as Go's gzip.NewWriter writes it: no name, mtime 0, XFL 0, OS 255."""
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    trailer = struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)
    return header + deflate(data) + trailer
