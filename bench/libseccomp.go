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

static uint32_t arch_x86_64(void) { return SCMP_ARCH_X86_64; }
static uint32_t arch_x86(void) { return SCMP_ARCH_X86; }
static uint32_t arch_x32(void) { return SCMP_ARCH_X32; }
static uint32_t arch_aarch64(void) { return SCMP_ARCH_AARCH64; }
static uint32_t arch_arm(void) { return SCMP_ARCH_ARM; }
static uint32_t arch_riscv64(void) { return SCMP_ARCH_RISCV64; }
static uint32_t arch_native(void) { return SCMP_ARCH_NATIVE; }
static int nr_error(void) { return __NR_SCMP_ERROR; }
*/
import "C"

import (
	"fmt"
	"runtime"
	"slices"
	"syscall"
	"unsafe"

	"github.com/seccomp-go/seccomp"
)

// Available reports whether libseccomp is linked in.
const Available = true

// Ctx is a libseccomp filter context.
type Ctx struct{ c C.scmp_filter_ctx }

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
	ctx := &Ctx{c: c}
	native := slices.Contains(arches, seccomp.ArchX86_64) && runtime.GOARCH == "amd64" ||
		slices.Contains(arches, seccomp.ArchAArch64) && runtime.GOARCH == "arm64"
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

func archToken(a *seccomp.Arch) (uint32, error) {
	switch a {
	case seccomp.ArchX86_64:
		return uint32(C.arch_x86_64()), nil
	case seccomp.ArchI386:
		return uint32(C.arch_x86()), nil
	case seccomp.ArchX32:
		return uint32(C.arch_x32()), nil
	case seccomp.ArchAArch64:
		return uint32(C.arch_aarch64()), nil
	case seccomp.ArchARM:
		return uint32(C.arch_arm()), nil
	case seccomp.ArchRISCV64:
		return uint32(C.arch_riscv64()), nil
	}
	return 0, fmt.Errorf("no libseccomp arch for %s", a.Name)
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
	return seccomp.ParseRaw(C.GoBytes(buf, C.int(n)))
}

// Version returns libseccomp's version.
func Version() string {
	v := C.seccomp_version()
	return fmt.Sprintf("%d.%d.%d", v.major, v.minor, v.micro)
}
