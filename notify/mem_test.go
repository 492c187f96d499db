package notify

import (
	"io"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeMem is a target's memory: mapped pages, read the way
// /proc/<pid>/mem reads (what is mapped up to the first hole, then EIO),
// recording the pages read.
type fakeMem struct {
	page  int
	pages map[uint64][]byte // page number -> contents
	read  map[uint64]bool
}

func newFakeMem(page int) *fakeMem {
	return &fakeMem{page: page, pages: map[uint64][]byte{}, read: map[uint64]bool{}}
}

// put writes b at addr, mapping the pages it covers.
func (m *fakeMem) put(addr uint64, b []byte) {
	for i, c := range b {
		a := addr + uint64(i)
		pg := m.pages[a/uint64(m.page)]
		if pg == nil {
			pg = make([]byte, m.page)
			for j := range pg {
				pg[j] = 'x'
			}
			m.pages[a/uint64(m.page)] = pg
		}
		pg[a%uint64(m.page)] = c
	}
}

func (m *fakeMem) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		a := uint64(off) + uint64(n)
		pg := m.pages[a/uint64(m.page)]
		m.read[a/uint64(m.page)] = true
		if pg == nil {
			return n, syscall.EIO
		}
		n += copy(p[n:], pg[a%uint64(m.page):])
	}
	return n, nil
}

func live() error { return nil }

func TestMemReadString(t *testing.T) {
	const page = 64
	fm := newFakeMem(page)
	m := &Mem{r: fm, valid: live, page: page}

	fm.put(10, []byte("hello\x00"))
	s, err := m.ReadString(10, 100)
	assert.NoError(t, err)
	assert.Equal(t, "hello", s)

	// Across a page boundary.
	long := strings.Repeat("a", 150)
	fm.put(page*10+20, []byte(long+"\x00"))
	s, err = m.ReadString(page*10+20, 4095)
	assert.NoError(t, err)
	assert.Equal(t, long, s)

	// Ending at the last byte of a page, before unmapped memory: read,
	// without touching the next page.
	fm.put(page*20+page-4, []byte("abc\x00"))
	s, err = m.ReadString(page*20+page-4, 4095)
	assert.NoError(t, err)
	assert.Equal(t, "abc", s)
	assert.False(t, fm.read[21], "the unmapped page after the NUL was read")

	// Running into unmapped memory.
	fm.put(page*30+page-3, []byte("abc"))
	_, err = m.ReadString(page*30+page-3, 4095)
	var me *MemError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, uint64(page*31), me.Addr)
	assert.ErrorIs(t, err, syscall.EIO)

	// Unmapped from the start.
	_, err = m.ReadString(page*40, 10)
	assert.ErrorIs(t, err, syscall.EIO)

	// Exactly max bytes, and one too many.
	fm.put(page*50, []byte("12345\x00"))
	s, err = m.ReadString(page*50, 5)
	assert.NoError(t, err)
	assert.Equal(t, "12345", s)
	_, err = m.ReadString(page*50, 4)
	assert.ErrorIs(t, err, syscall.ENAMETOOLONG)
	s, err = m.ReadString(page*50+5, 0)
	assert.NoError(t, err)
	assert.Equal(t, "", s)

	// Past the user address space.
	_, err = m.ReadString(1<<63, 10)
	assert.ErrorIs(t, err, syscall.EFAULT)
	_, err = m.ReadString(1<<63-2, 10)
	assert.Error(t, err)
}

func TestMemChecksLiveness(t *testing.T) {
	fm := newFakeMem(64)
	fm.put(0, []byte("/etc/passwd\x00"))
	checks := 0
	var gone error
	m := &Mem{r: fm, page: 64, valid: func() error { checks++; return gone }}

	s, err := m.ReadString(0, 100)
	assert.NoError(t, err)
	assert.Equal(t, "/etc/passwd", s)
	assert.Equal(t, 1, checks, "checked once, after reading")

	gone = &OpError{Op: "SECCOMP_IOCTL_NOTIF_ID_VALID", ID: 1, Err: syscall.ENOENT}
	s, err = m.ReadString(0, 100)
	assert.ErrorIs(t, err, ErrGone)
	assert.Equal(t, "", s)
	// Even a failed read reports the notification gone: the failure may be
	// the target's death.
	_, err = m.ReadString(1<<20, 100)
	assert.ErrorIs(t, err, ErrGone)

	buf := make([]byte, 4)
	n, err := m.ReadAt(buf, 0)
	assert.ErrorIs(t, err, ErrGone)
	assert.Equal(t, 0, n)
	assert.Equal(t, make([]byte, 4), buf, "the bytes of a gone target are cleared")

	gone = nil
	n, err = m.ReadAt(buf, 0)
	assert.NoError(t, err)
	assert.Equal(t, "/etc", string(buf[:n]))
	n, err = m.ReadAt(make([]byte, 100), 0)
	assert.Equal(t, 64, n)
	assert.ErrorIs(t, err, syscall.EIO)
	_, err = m.ReadAt(buf, -1)
	assert.ErrorIs(t, err, syscall.EFAULT)
	var _ io.ReaderAt = m
}
