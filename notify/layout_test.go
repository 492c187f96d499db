package notify

import (
	"encoding/binary"
	"syscall"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"

	"github.com/seccomp-go/seccomp"
)

// The layouts of the kernel's structures, from include/uapi/linux/seccomp.h
// (the table of kernel-seccomp.md, section 8.1), written out here rather
// than taken from the package: sizes and offsets in bytes.
func TestLayout(t *testing.T) {
	var n Notif
	assert.Equal(t, uintptr(80), unsafe.Sizeof(n), "sizeof(struct seccomp_notif)")
	assert.Equal(t, uintptr(0), unsafe.Offsetof(n.ID), "seccomp_notif.id")
	assert.Equal(t, uintptr(8), unsafe.Offsetof(n.Pid), "seccomp_notif.pid")
	assert.Equal(t, uintptr(12), unsafe.Offsetof(n.Flags), "seccomp_notif.flags")
	assert.Equal(t, uintptr(16), unsafe.Offsetof(n.Data), "seccomp_notif.data")
	assert.Equal(t, uintptr(64), unsafe.Sizeof(n.Data), "sizeof(struct seccomp_data)")
	assert.Equal(t, uintptr(16+0), unsafe.Offsetof(n.Data)+unsafe.Offsetof(n.Data.Nr), "data.nr")
	assert.Equal(t, uintptr(16+4), unsafe.Offsetof(n.Data)+unsafe.Offsetof(n.Data.Arch), "data.arch")
	assert.Equal(t, uintptr(16+8), unsafe.Offsetof(n.Data)+unsafe.Offsetof(n.Data.InstructionPointer), "data.instruction_pointer")
	assert.Equal(t, uintptr(16+16), unsafe.Offsetof(n.Data)+unsafe.Offsetof(n.Data.Args), "data.args")

	var r rawResp
	assert.Equal(t, uintptr(24), unsafe.Sizeof(r), "sizeof(struct seccomp_notif_resp)")
	assert.Equal(t, uintptr(0), unsafe.Offsetof(r.ID), "seccomp_notif_resp.id")
	assert.Equal(t, uintptr(8), unsafe.Offsetof(r.Val), "seccomp_notif_resp.val")
	assert.Equal(t, uintptr(16), unsafe.Offsetof(r.Error), "seccomp_notif_resp.error")
	assert.Equal(t, uintptr(20), unsafe.Offsetof(r.Flags), "seccomp_notif_resp.flags")

	var a rawAddFD
	assert.Equal(t, uintptr(24), unsafe.Sizeof(a), "sizeof(struct seccomp_notif_addfd)")
	assert.Equal(t, uintptr(0), unsafe.Offsetof(a.ID), "seccomp_notif_addfd.id")
	assert.Equal(t, uintptr(8), unsafe.Offsetof(a.Flags), "seccomp_notif_addfd.flags")
	assert.Equal(t, uintptr(12), unsafe.Offsetof(a.SrcFD), "seccomp_notif_addfd.srcfd")
	assert.Equal(t, uintptr(16), unsafe.Offsetof(a.NewFD), "seccomp_notif_addfd.newfd")
	assert.Equal(t, uintptr(20), unsafe.Offsetof(a.NewFDFlags), "seccomp_notif_addfd.newfd_flags")

	// The flags' values.
	assert.EqualValues(t, 1, userNotifFlagContinue, "SECCOMP_USER_NOTIF_FLAG_CONTINUE")
	assert.EqualValues(t, 1, addFDFlagSetFD, "SECCOMP_ADDFD_FLAG_SETFD")
	assert.EqualValues(t, 2, addFDFlagSend, "SECCOMP_ADDFD_FLAG_SEND")
}

// A notification as the kernel writes it, byte by byte at the documented
// offsets, read as a Notif.
func TestNotifBytes(t *testing.T) {
	words := make([]uint64, 10)
	b := unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), 80)
	ne := binary.NativeEndian
	ne.PutUint64(b[0:], 0x1122334455667788) // id
	ne.PutUint32(b[8:], 4321)               // pid
	ne.PutUint32(b[12:], 0)                 // flags
	ne.PutUint32(b[16:], 39)                // data.nr
	ne.PutUint32(b[20:], 0xc000003e)        // data.arch
	ne.PutUint64(b[24:], 0x401000)          // data.instruction_pointer
	for i := 0; i < 6; i++ {
		ne.PutUint64(b[32+8*i:], uint64(i+1)<<40|uint64(i))
	}
	n := *(*Notif)(unsafe.Pointer(&words[0]))
	assert.Equal(t, Notif{
		ID:  0x1122334455667788,
		Pid: 4321,
		Data: seccomp.Data{
			Nr:                 39,
			Arch:               seccomp.AuditArchX86_64,
			InstructionPointer: 0x401000,
			Args:               [6]uint64{1 << 40, 2<<40 | 1, 3<<40 | 2, 4<<40 | 3, 5<<40 | 4, 6<<40 | 5},
		},
	}, n)
	assert.Equal(t, "getpid", n.SyscallName())
	n.Data.Arch = seccomp.AuditArchAArch64
	n.Data.Nr = 173
	assert.Equal(t, "getppid", n.SyscallName())
	n.Data.Nr = 9999
	assert.Equal(t, "syscall 9999", n.SyscallName())
}

func TestResponses(t *testing.T) {
	for _, c := range []struct {
		r    Response
		want rawResp
		str  string
	}{
		{Return(42), rawResp{ID: 7, Val: 42}, "return 42"},
		{Return(-1), rawResp{ID: 7, Val: -1}, "return -1"},
		{Errno(syscall.Errno(13)), rawResp{ID: 7, Error: -13}, ""},
		{Errno(0), rawResp{ID: 7}, "return 0"},
		{Continue(), rawResp{ID: 7, Flags: 1}, "continue"},
		{Response{}, rawResp{ID: 7, Error: -int32(syscall.ENOSYS)}, ""},
	} {
		got, err := c.r.raw(7)
		assert.NoError(t, err)
		assert.Equal(t, c.want, got, "%v", c.r)
		if c.str != "" {
			assert.Equal(t, c.str, c.r.String())
		}
	}
	_, err := Errno(4096).raw(7)
	assert.Error(t, err)
	_, err = SendFD(nil, FDOptions{}).raw(7)
	assert.Error(t, err)
}
