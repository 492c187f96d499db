//go:build linux && amd64

package int80

import (
	"os"
	"testing"
)

func TestGetpid(t *testing.T) {
	if !Available() {
		t.Skip("this kernel does not take int $0x80 (IA32 emulation disabled)")
	}
	if got := Call(20, 0, 0, 0); int(got) != os.Getpid() {
		t.Fatalf("int 0x80 getpid: %d, want %d", got, os.Getpid())
	}
}
