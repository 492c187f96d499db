package record_test

import (
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/record"
	"github.com/stretchr/testify/require"
)

// The summary of a small recording, written out by hand: totals, a table
// whose empty last columns leave no trailing spaces, the warnings.
func TestWriteSummary(t *testing.T) {
	rec := &record.Recording{Total: 9, Threads: 1, Calls: []record.Call{
		call("read", 0, 5), call("socket", 41, 2, arg(0, 1, 2)), call("write", 1, 1), {Arch: "x86_64", AuditArch: seccomp.AuditArchX86_64, Nr: 999, Count: 1},
	}}
	_, rep, err := rec.Profile(record.ProfileOptions{Arch: seccomp.ArchX86_64})
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, record.WriteSummary(&b, rec, rep, false))
	want := `9 calls of 4 system calls on x86_64, by 1 threads; 1 entries added
SYSCALL  COUNT  ARGUMENTS     PROFILE
read     5
socket   2      arg0=0x1,0x2
write    1
warning: x86_64 syscall 999: no name for this number on its arch: a profile cannot name it, so it gets the default action
`
	require.Equal(t, want, b.String())
}
