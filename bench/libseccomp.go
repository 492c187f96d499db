//go:build linux && cgo

package bench

/*
#cgo LDFLAGS: -lseccomp
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <seccomp.h>

static int export_bpf(scmp_filter_ctx ctx, void **out, long *len) {
	int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	off_t n = lseek(fd, 0, SEEK_END);
	if (n < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	void *buf = malloc(n > 0 ? n : 1);
	if (buf == NULL) {
		close(fd);
		return -ENOMEM;
	}
	off_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, (char *)buf + got, n - got, got);
		if (r <= 0) {
			rc = r < 0 ? -errno : -EIO;
			free(buf);
			close(fd);
			return rc;
		}
		got += r;
	}
	close(fd);
	*out = buf;
	*len = n;
	return 0;
}

static int rule_add(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned int n,
		    unsigned int *arg, int *op, uint64_t *a, uint64_t *b) {
	struct scmp_arg_cmp cmp[6];
	if (n > 6)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++) {
		cmp[i].arg = arg[i];
		cmp[i].op = (enum scmp_compare)op[i];
		cmp[i].datum_a = a[i];
		cmp[i].datum_b = b[i];
	}
	return seccomp_rule_add_array(ctx, action, nr, n, cmp);
}

static uint32_t arch_native(void) { return SCMP_ARCH_NATIVE; }
static int nr_error(void) { return __NR_SCMP_ERROR; }
*/
import "C"

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"unsafe"

	"github.com/seccomp-go/seccomp"
)

// Available reports whether libseccomp is linked in.
const Available = true

// Ctx is a libseccomp filter context.
type Ctx struct {
	c C.scmp_filter_ctx
	// order is the byte order of the arches, in which libseccomp exports
	// the program.
	order binary.ByteOrder
}

// Cmp is a libseccomp comparison: scmp_arg_cmp.
type Cmp struct {
	Arg    uint
	Op     int // SCMP_CMP_NE = 1 ... SCMP_CMP_MASKED_EQ = 7
	DatumA uint64
	DatumB uint64
}

// The SCMP_CMP_* values.
const (
	CmpNE       = 1
	CmpLT       = 2
	CmpLE       = 3
	CmpEQ       = 4
	CmpGE       = 5
	CmpGT       = 6
	CmpMaskedEQ = 7
)

func errno(rc C.int) error {
	if rc >= 0 {
		return nil
	}
	return syscall.Errno(-rc)
}

// NewCtx returns a context with the default action def, covering the
// given arches (and no other: libseccomp's native arch is removed unless
// listed), with bad-arch action badArch.
func NewCtx(def seccomp.Action, badArch seccomp.Action, arches []*seccomp.Arch) (*Ctx, error) {
	c := C.seccomp_init(C.uint32_t(def))
	if c == nil {
		return nil, fmt.Errorf("seccomp_init(%v) failed", def)
	}
	ctx := &Ctx{c: c, order: binary.NativeEndian}
	if len(arches) > 0 {
		ctx.order = arches[0].ByteOrder()
	}
	nat, _ := seccomp.NativeArch()
	native := slices.Contains(arches, nat)
	if !native {
		// Remove the native arch first: removing it after adding others
		// leaves libseccomp 2.5.4 generating programs that compare the
		// arch token with system call numbers.
		if rc := C.seccomp_arch_remove(c, C.uint32_t(C.arch_native())); rc < 0 {
			ctx.Release()
			return nil, fmt.Errorf("seccomp_arch_remove(native): %w", errno(rc))
		}
	}
	for _, a := range arches {
		tok, err := archToken(a)
		if err != nil {
			ctx.Release()
			return nil, err
		}
		if rc := C.seccomp_arch_add(c, C.uint32_t(tok)); rc < 0 && syscall.Errno(-rc) != syscall.EEXIST {
			ctx.Release()
			return nil, fmt.Errorf("seccomp_arch_add(%s): %w", a.Name, errno(rc))
		}
	}
	if rc := C.seccomp_attr_set(c, C.SCMP_FLTATR_ACT_BADARCH, C.uint32_t(badArch)); rc < 0 {
		ctx.Release()
		return nil, fmt.Errorf("seccomp_attr_set(ACT_BADARCH): %w", errno(rc))
	}
	return ctx, nil
}

// archToken returns libseccomp's SCMP_ARCH_* value of a, as
// seccomp_arch_resolve_name finds it by libseccomp's name of the arch, or
// an error when this libseccomp does not know the arch (2.5.4 lacks
// loongarch64, m68k, sh and sheb).
func archToken(a *seccomp.Arch) (uint32, error) {
	name := strings.ToLower(strings.TrimPrefix(a.SCMPArch(), "SCMP_ARCH_"))
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	if tok := uint32(C.seccomp_arch_resolve_name(cs)); tok != 0 {
		return tok, nil
	}
	return 0, fmt.Errorf("libseccomp %s does not know arch %s", Version(), name)
}

// Knows reports whether this libseccomp knows arch a.
func Knows(a *seccomp.Arch) bool {
	_, err := archToken(a)
	return err == nil
}

// SetOptimize sets SCMP_FLTATR_CTL_OPTIMIZE (2: binary tree, as runc sets
// for more than 32 rules).
func (ctx *Ctx) SetOptimize(level int) error {
	return errno(C.seccomp_attr_set(ctx.c, C.SCMP_FLTATR_CTL_OPTIMIZE, C.uint32_t(level)))
}

// Release frees the context.
func (ctx *Ctx) Release() {
	if ctx.c != nil {
		C.seccomp_release(ctx.c)
		ctx.c = nil
	}
}

// ResolveName returns the number of a system call name as runc gets it
// (seccomp_syscall_resolve_name: the native arch's number, or a negative
// pseudo number for a name the native arch lacks), and false for a name
// libseccomp does not know.
func ResolveName(name string) (int32, bool) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	nr := C.seccomp_syscall_resolve_name(cs)
	return int32(nr), nr != C.nr_error()
}

// ResolveNameArch returns the number of a name on arch a, and false when
// libseccomp does not know it there (a pseudo number is not a number).
func ResolveNameArch(a *seccomp.Arch, name string) (int32, bool) {
	tok, err := archToken(a)
	if err != nil {
		return 0, false
	}
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	nr := C.seccomp_syscall_resolve_name_arch(C.uint32_t(tok), cs)
	return int32(nr), nr >= 0
}

// NameArch returns libseccomp's name of call nr on arch a
// (seccomp_syscall_resolve_num_arch), and false when it has none.
func NameArch(a *seccomp.Arch, nr int32) (string, bool) {
	tok, err := archToken(a)
	if err != nil {
		return "", false
	}
	cs := C.seccomp_syscall_resolve_num_arch(C.uint32_t(tok), C.int(nr))
	if cs == nil {
		return "", false
	}
	defer C.free(unsafe.Pointer(cs))
	return C.GoString(cs), true
}

// ResolveNameArchPseudo is ResolveNameArch with libseccomp's pseudo
// numbers: a negative number for a call libseccomp knows on arch a only
// through a multiplexer (-101 ... for socketcall's, -201 ... for ipc's),
// or for a name it knows on other arches.
func ResolveNameArchPseudo(a *seccomp.Arch, name string) (int32, bool) {
	tok, err := archToken(a)
	if err != nil {
		return 0, false
	}
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	nr := C.seccomp_syscall_resolve_name_arch(C.uint32_t(tok), cs)
	return int32(nr), nr != C.nr_error()
}

// AddRule adds a rule with seccomp_rule_add_array.
func (ctx *Ctx) AddRule(action seccomp.Action, nr int32, cmps []Cmp) error {
	n := len(cmps)
	var arg [6]C.uint
	var op [6]C.int
	var a, b [6]C.uint64_t
	for i, c := range cmps {
		if i >= 6 {
			break
		}
		arg[i], op[i], a[i], b[i] = C.uint(c.Arg), C.int(c.Op), C.uint64_t(c.DatumA), C.uint64_t(c.DatumB)
	}
	return errno(C.rule_add(ctx.c, C.uint32_t(action), C.int(nr), C.uint(n), &arg[0], &op[0], &a[0], &b[0]))
}

// Export returns the program seccomp_export_bpf writes.
func (ctx *Ctx) Export() (seccomp.Program, error) {
	var buf unsafe.Pointer
	var n C.long
	if rc := C.export_bpf(ctx.c, &buf, &n); rc < 0 {
		return nil, fmt.Errorf("seccomp_export_bpf: %w", errno(rc))
	}
	defer C.free(buf)
	// libseccomp writes the program in the byte order of its arches...
	p, err := seccomp.DecodeRaw(C.GoBytes(buf, C.int(n)), ctx.order)
	if err != nil || ctx.order == binary.NativeEndian {
		return p, err
	}
	// ... but for the values of some of its return instructions
	// (libseccomp 2.5.4 building for a big-endian arch on a little-endian
	// host): those of the default action and of the unconditional rules
	// come out byte-swapped, those at the end of argument comparisons do
	// not. On the arch's own host the two orders are one. Put back each
	// value whose bytes swapped make an action and which is not one
	// itself (no action is both but KILL_THREAD, 0).
	for i, in := range p {
		if in.Op != 0x06 { // BPF_RET|BPF_K
			continue
		}
		var b [4]byte
		binary.NativeEndian.PutUint32(b[:], in.K)
		if swapped := ctx.order.Uint32(b[:]); !plausibleAction(in.K) && plausibleAction(swapped) {
			p[i].K = swapped
		}
	}
	return p, nil
}

// plausibleAction reports whether k is a value libseccomp returns: a known
// action, with data only where the action takes some (ERRNO, TRAP, TRACE).
func plausibleAction(k uint32) bool {
	a := seccomp.Action(k)
	if !a.Known() {
		return false
	}
	switch a.Kind() {
	case seccomp.ActErrno, seccomp.ActTrap, seccomp.ActTrace:
		return true
	}
	return a.Data() == 0
}

// Version returns libseccomp's version.
func Version() string {
	v := C.seccomp_version()
	return fmt.Sprintf("%d.%d.%d", v.major, v.minor, v.micro)
}
