# Prints the calls of an asm-generic arch's numbering, as the arch's uapi
# <asm/unistd.h> defines them for 64-bit, in a kernel tree older than 6.11
# (which has no scripts/syscall.tbl). Used to make the 6.1 lines of
# absent.txt for aarch64, riscv64 and loongarch64; see README.md.
#
# Usage: python3 generic-names.py <linux tree> <arch dir> [cpp flags] > names.txt
#   e.g. python3 generic-names.py linux-6.1 riscv -D__riscv_xlen=64
import os, re, subprocess, sys, tempfile
tree, arch, flags = sys.argv[1], sys.argv[2], sys.argv[3:]
# Some arches generate <asm/bitsperlong.h> at build time; supply the generic one.
SHIM = tempfile.mkdtemp()
os.mkdir(os.path.join(SHIM, 'asm'))
with open(os.path.join(SHIM, 'asm', 'bitsperlong.h'), 'w') as f:
    f.write('#include <asm-generic/bitsperlong.h>\n')
cpp = subprocess.run(['gcc', '-E', '-dM', '-nostdinc', '-D__BITS_PER_LONG=64', *flags,
    '-I%s/arch/%s/include/uapi' % (tree, arch), '-I%s/include/uapi' % tree,
    '-idirafter', SHIM, '-'], input='#include <asm/unistd.h>\n',
    capture_output=True, text=True, check=True).stdout
defs = dict(re.findall(r'^#define (\S+) (.*)$', cpp, re.M))
def ev(x, d=0):
    x = x.strip()
    while x.startswith('(') and x.endswith(')'): x = x[1:-1].strip()
    if re.fullmatch(r'\d+', x): return int(x)
    if '+' in x: return sum(ev(p, d+1) for p in x.split('+'))
    if x in defs and d < 10: return ev(defs[x], d+1)
    raise ValueError(x)
for k, v in sorted(defs.items()):
    if k.startswith('__NR_') and k not in ('__NR_syscalls',):
        try: ev(v)
        except ValueError: continue
        print(k[5:])
