#!/usr/bin/env python3
# Writes the hand-made protobuf inputs of tests/golden/pprof-{block,mutex}/
# (README.md there says what each covers).  Run from anywhere:
#   python3 tests/golden/pprof-block/gen-proto.py
# Output is deterministic (gzip mtime 0), so re-running changes nothing.
import gzip, os

HERE = os.path.dirname(os.path.abspath(__file__))
MUTEX = os.path.join(HERE, '..', 'pprof-mutex')

def varint(x):
    x &= (1 << 64) - 1
    out = b''
    while True:
        b = x & 0x7f
        x >>= 7
        if x:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])

def key(num, wt):
    return varint(num << 3 | wt)

def vi(num, x):            # varint field
    return key(num, 0) + varint(x)

def ld(num, data):         # length-delimited field
    return key(num, 2) + varint(len(data)) + data

def packed(num, xs):
    return ld(num, b''.join(varint(x) for x in xs))

def unpacked(num, xs):
    return b''.join(vi(num, x) for x in xs)

class Strings:
    def __init__(self):
        self.t = ['']
    def __call__(self, s):
        if s not in self.t:
            self.t.append(s)
        return self.t.index(s)
    def enc(self):
        return b''.join(ld(6, s.encode()) for s in self.t)

def vtype(num, S, t, u):
    return ld(num, vi(1, S(t)) + vi(2, S(u)))

def func(S, fid, name, file):
    return ld(5, vi(1, fid) + vi(2, S(name)) + vi(3, S(name)) + vi(4, S(file)))

def loc(lid, addr, lines, column=False):
    body = vi(1, lid) + vi(2, 1) + vi(3, addr)
    for fid, ln in lines:
        l = vi(1, fid) + vi(2, ln)
        if column:
            l += vi(3, 7)
        body += ld(4, l)
    return ld(4, body)

def write(path, data, gz=True):
    with open(path, 'wb') as f:
        if gz:
            f.write(gzip.compress(data, mtime=0))
        else:
            f.write(data)

def header(S, period=True):
    b = b''
    if period:
        b += vtype(11, S, 'contentions', 'count') + vi(12, 1)
    b += vtype(1, S, 'contentions', 'count') + vtype(1, S, 'delay', 'nanoseconds')
    return b

# 1. Newer-writer variants: unpacked repeated fields, Line.column, an
#    inlined location (two Lines), labels, duration, comment,
#    default_sample_type, a mapping, strings before everything else.
S = Strings()
S('contentions'); S('count'); S('delay'); S('nanoseconds')
b = header(S)
b += ld(3, vi(1, 1) + vi(2, 0x400000) + vi(3, 0x700000) + vi(5, S('/srv/app')))
b += func(S, 1, 'sync.(*Mutex).Lock', 'sync/mutex.go')
b += func(S, 2, 'main.ensureDir', './main.go')
b += func(S, 3, 'main.worker', './main.go')
b += loc(1, 0x4711, [(1, 90)], column=True)
b += loc(2, 0x4822, [(2, 49), (3, 61)])          # ensureDir inlined into worker
b += ld(2, unpacked(1, [1, 2]) + unpacked(2, [1500, 2310000000]) +
        ld(3, vi(1, S('tenant')) + vi(2, S('blue'))) +
        ld(3, vi(1, S('bytes')) + vi(3, 4096) + vi(4, S('bytes'))))
b += ld(2, packed(1, [1, 2]) + packed(2, [20, 90000000]))
b += vi(9, 1795826637510121836) + vi(10, 3000000000)
b += vi(13, S('captured by hand')) + vi(14, S('delay'))
write(os.path.join(HERE, 'pb-variants.in'), S.enc() + b)

# The same profile as raw protobuf, not gzip-compressed.
write(os.path.join(HERE, 'pb-raw.in'), S.enc() + b, gz=False)

# 2. Dangling references: location, function and string ids that are not
#    in the profile, and a sample with one value for two sample types.
S = Strings()
b = header(S)
b += func(S, 1, 'sync.(*Mutex).Lock', 'sync/mutex.go')
b += ld(5, vi(1, 2) + vi(2, 999) + vi(4, 998))       # strings out of range
b += loc(1, 0x10, [(1, 90)])
b += loc(2, 0x20, [(7, 3)])                           # function 7 missing
b += loc(3, 0x30, [(2, 5)])
b += ld(2, packed(1, [1, 2, 3, 42]) + packed(2, [3, 3000]))  # location 42 missing
b += ld(2, packed(1, [1]) + packed(2, [5]))                   # one value only
write(os.path.join(HERE, 'pb-dangling.in'), b + S.enc())

# 3. Cut short: a well-formed profile truncated inside its string table
#    (a gzip stream of the cut bytes; the gzip itself is intact).
S = Strings()
b = header(S)
b += func(S, 1, 'sync.(*Mutex).Lock', 'sync/mutex.go')
b += func(S, 2, 'os.MkdirAll', 'os/path.go')
b += loc(1, 0x10, [(1, 90)]) + loc(2, 0x20, [(2, 40)])
b += ld(2, packed(1, [1, 2]) + packed(2, [10, 5000000000]))
full = b + S.enc()
write(os.path.join(HERE, 'pb-truncated.in'), full[:len(full) - 9])

# 4. Garbled inside: a sample whose bytes are not a message (a key with
#    wire type 7) and a sample_type entry with a bad wire type, between
#    good fields; decoding goes on after them.
S = Strings()
b = header(S)
b += func(S, 1, 'sync.(*Mutex).Lock', 'sync/mutex.go')
b += loc(1, 0x10, [(1, 90)])
b += ld(2, packed(1, [1]) + packed(2, [1, 100]))
b += ld(2, b'\x0f\xff\xff')
b += vi(1, 3)
b += ld(2, packed(1, [1]) + packed(2, [2, 200]))
write(os.path.join(HERE, 'pb-garbled.in'), b + S.enc())

# 5. Not this format: a CPU profile (samples/count, cpu/nanoseconds) must
#    not be taken for a block profile.
S = Strings()
b = vtype(11, S, 'cpu', 'nanoseconds') + vi(12, 10000000)
b += vtype(1, S, 'samples', 'count') + vtype(1, S, 'cpu', 'nanoseconds')
b += func(S, 1, 'main.spin', './main.go') + loc(1, 0x10, [(1, 3)])
b += ld(2, packed(1, [1]) + packed(2, [5, 50000000]))
write(os.path.join(HERE, 'pb-cpu-profile.in'), b + S.enc())

# 6. Garbage after the gzip header: random-looking bytes.
write(os.path.join(HERE, 'pb-random.in'), bytes((i * 167 + 13) % 256 for i in range(300)))

# --- mutex ---
# 7. A mutex profile told apart by its leaf frames (Unlock), whatever its name.
S = Strings()
b = header(S)
b += func(S, 1, 'sync.(*RWMutex).Unlock', 'sync/rwmutex.go')
b += func(S, 2, 'main.ensureDir', './main.go')
b += loc(1, 0x10, [(1, 207)]) + loc(2, 0x20, [(2, 55)])
b += ld(2, packed(1, [1, 2]) + packed(2, [7, 7000000]))
write(os.path.join(MUTEX, 'pb-leaf-unlock.in'), b + S.enc())

# 8. No samples: only the file name ("mutex" in it) can tell.
S = Strings()
write(os.path.join(MUTEX, 'pb-mutex-nosamples.in'), header(S) + vi(9, 1795826640681160383) + S.enc())

# 9. Go 1.22+ runtime-internal lock contention in the mutex profile.
S = Strings()
b = header(S)
b += func(S, 1, 'runtime._LostContendedRuntimeLock', 'runtime/proc.go')
b += loc(1, 0x10, [(1, 5396)])
b += ld(2, packed(1, [1]) + packed(2, [3, 1200]))
write(os.path.join(MUTEX, 'pb-runtime-lock.in'), b + S.enc())
