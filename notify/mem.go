package notify

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
)

// Mem reads the memory of a notification's target (/proc/<tid>/mem,
// opened by Listener.OpenMem) and checks after every read that the
// notification is still live: a read returns the bytes only if the target
// was still waiting on the notification after they were read, and ErrGone
// otherwise (the bytes are then cleared: they could be another process's
// after a pid reuse).
//
// What a read returns is a copy that the target may already have changed:
// never answer Continue because of it (see the package documentation).
type Mem struct {
	r     io.ReaderAt
	c     io.Closer
	valid func() error
	page  int
}

func newMem(r io.ReaderAt, c io.Closer, valid func() error) *Mem {
	return &Mem{r: r, c: c, valid: valid, page: os.Getpagesize()}
}

// Close closes the memory file.
func (m *Mem) Close() error {
	if m.c == nil {
		return nil
	}
	return m.c.Close()
}

// ReadAt reads len(p) bytes at address addr of the target (io.ReaderAt,
// with the address as the offset). It fails, with the bytes up to the
// first unreadable one in p, where the target's memory is not mapped.
// If the notification is no longer live after the read, it returns 0 and
// ErrGone, with p cleared.
func (m *Mem) ReadAt(p []byte, addr int64) (int, error) {
	if addr < 0 {
		return 0, &MemError{Addr: uint64(addr), Err: syscall.EFAULT}
	}
	n, err := m.r.ReadAt(p, addr)
	if verr := m.valid(); verr != nil {
		clear(p)
		return 0, verr
	}
	if n < len(p) {
		return n, memError(uint64(addr)+uint64(n), err)
	}
	return n, nil
}

// ReadString reads a NUL-terminated string at address addr of the target,
// of at most max bytes not counting the NUL: for a path, max is 4095
// (PATH_MAX less the NUL). It reads page by page and stops at the NUL, so
// a string that ends just before unmapped memory is read. A string longer
// than max is an error wrapping ENAMETOOLONG. If the notification is no
// longer live after the read, it returns ErrGone and no string.
func (m *Mem) ReadString(addr uint64, max int) (string, error) {
	s, err := m.readString(addr, max)
	if verr := m.valid(); verr != nil {
		return "", verr
	}
	return s, err
}

func (m *Mem) readString(addr uint64, max int) (string, error) {
	if max < 0 {
		return "", fmt.Errorf("notify: ReadString: negative max %d", max)
	}
	var out []byte
	chunk := make([]byte, m.page)
	pos := addr
	for want := max + 1; want > 0; {
		if pos >= 1<<63 {
			return "", &MemError{Addr: pos, Err: syscall.EFAULT}
		}
		n := m.page - int(pos%uint64(m.page)) // to the end of the page
		n = min(n, want)
		got, err := m.r.ReadAt(chunk[:n], int64(pos))
		if i := bytes.IndexByte(chunk[:got], 0); i >= 0 {
			return string(append(out, chunk[:i]...)), nil
		}
		if got < n {
			return "", memError(pos+uint64(got), err)
		}
		out = append(out, chunk[:got]...)
		pos += uint64(got)
		want -= got
	}
	return "", &MemError{Addr: addr, Err: syscall.ENAMETOOLONG}
}

// MemError is a failed read of the target's memory at Addr: an unmapped
// address (EFAULT or EIO), a target whose memory is gone (its process has
// exited: io.EOF), a string longer than allowed (ENAMETOOLONG).
type MemError struct {
	Addr uint64
	Err  error
}

func (e *MemError) Error() string {
	return fmt.Sprintf("notify: reading the target's memory at %#x: %v", e.Addr, e.Err)
}

func (e *MemError) Unwrap() error { return e.Err }

func memError(addr uint64, err error) error {
	if err == nil {
		err = io.ErrUnexpectedEOF
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &MemError{Addr: addr, Err: err}
}
