package notify

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// The reader on real memory: this process's, through /proc/self/mem, with
// a string at the end of a page followed by an unmapped one.
func TestMemProcSelf(t *testing.T) {
	page := os.Getpagesize()
	mem, err := unix.Mmap(-1, 0, 2*page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	require.NoError(t, err)
	defer unix.Munmap(mem)
	base := uint64(uintptr(unsafe.Pointer(&mem[0])))
	// Unmap the second page (x/sys's Munmap takes whole mappings only).
	_, _, e := unix.Syscall(unix.SYS_MUNMAP, uintptr(base)+uintptr(page), uintptr(page), 0)
	require.Zero(t, e)
	mem = mem[:page:page]

	f, err := os.Open("/proc/self/mem")
	require.NoError(t, err)
	m := newMem(f, f, live)
	defer m.Close()

	path := "/a/path/ending/at/the/page/end"
	copy(mem[page-len(path)-1:], path+"\x00")
	s, err := m.ReadString(base+uint64(page-len(path)-1), 4095)
	assert.NoError(t, err)
	assert.Equal(t, path, s)

	// Without the NUL: the read runs into the unmapped page.
	copy(mem[page-3:], "abc")
	_, err = m.ReadString(base+uint64(page-3), 4095)
	var me *MemError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, base+uint64(page), me.Addr)
	assert.ErrorIs(t, err, syscall.EIO)

	// A long string, and one over max.
	long := strings.Repeat("p", 3000)
	copy(mem, long+"\x00")
	s, err = m.ReadString(base, 4095)
	assert.NoError(t, err)
	assert.Equal(t, long, s)
	_, err = m.ReadString(base, 2999)
	assert.ErrorIs(t, err, syscall.ENAMETOOLONG)

	buf := make([]byte, 10)
	n, err := m.ReadAt(buf, int64(base))
	assert.NoError(t, err)
	assert.Equal(t, strings.Repeat("p", 10), string(buf[:n]))
	n, err = m.ReadAt(make([]byte, 10), int64(base)+int64(page)-4)
	assert.Equal(t, 4, n)
	assert.ErrorIs(t, err, syscall.EIO)
}

// The ioctl numbers, from the doc's table (generic _IOC layout).
func TestIoctlNumbers(t *testing.T) {
	switch uint32(unix.SECCOMP_IOCTL_NOTIF_ID_VALID) {
	case 0x40082102: // x86, arm, arm64, riscv, s390, loongarch
		assert.Equal(t, uint32(0xc0502100), uint32(ioctlRecv))
		assert.Equal(t, uint32(0xc0182101), uint32(ioctlSend))
		assert.Equal(t, uint32(0x40082102), uint32(ioctlIDValid))
		assert.Equal(t, uint32(0x80082102), uint32(ioctlIDValidLegacy))
		assert.Equal(t, uint32(0x40182103), uint32(ioctlAddFD))
	default: // powerpc, mips, sparc: _IOW and _IOR swap the top bits
		assert.Equal(t, uint32(0x80082102), uint32(ioctlIDValid))
		assert.Equal(t, uint32(0x40082102), uint32(ioctlIDValidLegacy))
	}
}
