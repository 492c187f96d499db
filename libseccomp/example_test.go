//go:build linux

package seccomp_test

import (
	"fmt"
	"log"
	"os"
	"syscall"
	"testing"

	scmp "github.com/seccomp-go/seccomp"
	seccomp "github.com/seccomp-go/seccomp/libseccomp"
)

// entry is a rule of a runtime's profile, as an OCI runtime holds it.
type entry struct {
	names  []string
	action seccomp.ScmpAction
	args   []seccomp.ScmpCondition
}

// profileEntries is a small profile in the manner of Docker's: a few calls
// allowed outright, personality for four values, clone without namespace
// flags, clone3 answered ENOSYS.
var profileEntries = []entry{
	{names: []string{"read", "write", "close", "exit_group", "getpid"}, action: seccomp.ActAllow},
	{names: []string{"personality"}, action: seccomp.ActAllow, args: []seccomp.ScmpCondition{{Argument: 0, Op: seccomp.CompareEqual, Operand1: 0}}},
	{names: []string{"personality"}, action: seccomp.ActAllow, args: []seccomp.ScmpCondition{{Argument: 0, Op: seccomp.CompareEqual, Operand1: 8}}},
	{names: []string{"personality"}, action: seccomp.ActAllow, args: []seccomp.ScmpCondition{{Argument: 0, Op: seccomp.CompareEqual, Operand1: 0x20000}}},
	{names: []string{"personality"}, action: seccomp.ActAllow, args: []seccomp.ScmpCondition{{Argument: 0, Op: seccomp.CompareEqual, Operand1: 0xffffffff}}},
	{names: []string{"clone"}, action: seccomp.ActAllow, args: []seccomp.ScmpCondition{{Argument: 0, Op: seccomp.CompareMaskedEqual, Operand1: 0x7e020000, Operand2: 0}}},
	{names: []string{"clone3"}, action: seccomp.ActErrno.SetReturnCode(int16(syscall.ENOSYS))},
}

// buildFilter is a runtime's loader, as written for libseccomp-golang:
// only the import path changed. It builds the filter for x86_64 and i386,
// whatever it runs on.
func buildFilter() (*seccomp.ScmpFilter, error) {
	filter, err := seccomp.NewFilter(seccomp.ActErrno.SetReturnCode(int16(syscall.EPERM)))
	if err != nil {
		return nil, err
	}
	for _, step := range []error{
		filter.RemoveArch(seccomp.ArchNative),
		filter.AddArch(seccomp.ArchAMD64),
		filter.AddArch(seccomp.ArchX86),
	} {
		if step != nil {
			return nil, step
		}
	}
	for _, e := range profileEntries {
		for _, name := range e.names {
			nr, err := seccomp.GetSyscallFromName(name)
			if err != nil {
				continue // a call this library does not know: runc skips it too
			}
			if err := filter.AddRuleConditional(nr, e.action, e.args); err != nil {
				return nil, fmt.Errorf("rule for %s: %w", name, err)
			}
		}
	}
	return filter, nil
}

// Example is a container runtime's loader moved over from
// libseccomp-golang by changing its import path. ExportPFC shows the
// rules as libseccomp merged them: the output is what libseccomp 2.5.4
// writes for the same calls (testdata/example.pfc, written by
// testdata/example.c; TestExamplePFC compares).
func Example() {
	filter, err := buildFilter()
	if err != nil {
		log.Fatal(err)
	}
	defer filter.Release()
	if err := filter.ExportPFC(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// #
	// # pseudo filter code start
	// #
	// # filter for arch x86_64 (3221225534)
	// if ($arch == 3221225534)
	//   # filter for syscall "clone3" (435) [priority: 65535]
	//   if ($syscall == 435)
	//     action ERRNO(38);
	//   # filter for syscall "exit_group" (231) [priority: 65535]
	//   if ($syscall == 231)
	//     action ALLOW;
	//   # filter for syscall "getpid" (39) [priority: 65535]
	//   if ($syscall == 39)
	//     action ALLOW;
	//   # filter for syscall "close" (3) [priority: 65535]
	//   if ($syscall == 3)
	//     action ALLOW;
	//   # filter for syscall "write" (1) [priority: 65535]
	//   if ($syscall == 1)
	//     action ALLOW;
	//   # filter for syscall "read" (0) [priority: 65535]
	//   if ($syscall == 0)
	//     action ALLOW;
	//   # filter for syscall "clone" (56) [priority: 65533]
	//   if ($syscall == 56)
	//     if ($a0.hi32 & 0x00000000 == 0)
	//       if ($a0.lo32 & 0x7e020000 == 0)
	//         action ALLOW;
	//   # filter for syscall "personality" (135) [priority: 65530]
	//   if ($syscall == 135)
	//     if ($a0.hi32 == 0)
	//       if ($a0.lo32 == 4294967295)
	//         action ALLOW;
	//       if ($a0.lo32 == 131072)
	//         action ALLOW;
	//       if ($a0.lo32 == 8)
	//         action ALLOW;
	//       if ($a0.lo32 == 0)
	//         action ALLOW;
	//   # default action
	//   action ERRNO(1);
	// # filter for arch x86 (1073741827)
	// if ($arch == 1073741827)
	//   # filter for syscall "clone3" (435) [priority: 65535]
	//   if ($syscall == 435)
	//     action ERRNO(38);
	//   # filter for syscall "exit_group" (252) [priority: 65535]
	//   if ($syscall == 252)
	//     action ALLOW;
	//   # filter for syscall "getpid" (20) [priority: 65535]
	//   if ($syscall == 20)
	//     action ALLOW;
	//   # filter for syscall "close" (6) [priority: 65535]
	//   if ($syscall == 6)
	//     action ALLOW;
	//   # filter for syscall "write" (4) [priority: 65535]
	//   if ($syscall == 4)
	//     action ALLOW;
	//   # filter for syscall "read" (3) [priority: 65535]
	//   if ($syscall == 3)
	//     action ALLOW;
	//   # filter for syscall "clone" (120) [priority: 65534]
	//   if ($syscall == 120)
	//     if ($a0 & 0x7e020000 == 0)
	//       action ALLOW;
	//   # filter for syscall "personality" (136) [priority: 65531]
	//   if ($syscall == 136)
	//     if ($a0 == 4294967295)
	//       action ALLOW;
	//     if ($a0 == 131072)
	//       action ALLOW;
	//     if ($a0 == 8)
	//       action ALLOW;
	//     if ($a0 == 0)
	//       action ALLOW;
	//   # default action
	//   action ERRNO(1);
	// # invalid architecture action
	// action KILL;
	// #
	// # pseudo filter code end
	// #
}

// ExampleScmpFilter_ExportBPFMem checks what the exported program decides,
// without a kernel, with the seccomp package's emulator.
func ExampleScmpFilter_ExportBPFMem() {
	filter, err := buildFilter()
	if err != nil {
		log.Fatal(err)
	}
	raw, err := filter.ExportBPFMem()
	if err != nil {
		log.Fatal(err)
	}
	prog, err := scmp.ParseRaw(raw)
	if err != nil {
		log.Fatal(err)
	}
	emu := scmp.MustEmulator(prog)
	call := func(arch scmp.AuditArch, nr int32, arg0 uint64) scmp.Action {
		return emu.Action(scmp.Data{Arch: arch, Nr: nr, Args: [6]uint64{arg0}})
	}
	fmt.Println("x86_64 personality(8):", call(scmp.AuditArchX86_64, 135, 8))
	fmt.Println("x86_64 personality(9):", call(scmp.AuditArchX86_64, 135, 9))
	fmt.Println("x86_64 clone(CLONE_NEWUSER):", call(scmp.AuditArchX86_64, 56, 0x10000000))
	fmt.Println("i386 clone(SIGCHLD):", call(scmp.AuditArchI386, 120, 17))
	fmt.Println("x86_64 clone3:", call(scmp.AuditArchX86_64, 435, 0))
	fmt.Println("aarch64 read:", call(scmp.AuditArchAArch64, 63, 0))
	// Output:
	// x86_64 personality(8): ALLOW
	// x86_64 personality(9): ERRNO(1)
	// x86_64 clone(CLONE_NEWUSER): ERRNO(1)
	// i386 clone(SIGCHLD): ALLOW
	// x86_64 clone3: ERRNO(38)
	// aarch64 read: KILL_THREAD
}

// ExampleScmpFilter_Load loads a filter into the kernel, as a runtime does
// just before it executes the container's process: a filter cannot be
// removed, so this example does not run.
func ExampleScmpFilter_Load() {
	filter, err := seccomp.NewFilter(seccomp.ActErrno.SetReturnCode(int16(syscall.EPERM)))
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range []string{"read", "write", "close", "exit_group", "futex", "mmap", "rt_sigreturn"} {
		nr, err := seccomp.GetSyscallFromName(name)
		if err != nil {
			log.Fatal(err)
		}
		if err := filter.AddRule(nr, seccomp.ActAllow); err != nil {
			log.Fatal(err)
		}
	}
	// Log what the filter denies (API level 3).
	if err := filter.SetLogBit(true); err != nil {
		log.Print(err)
	}
	// no_new_privs and TSYNC are on: every thread of the process gets the
	// filter.
	if err := filter.Load(); err != nil {
		log.Fatal(err)
	}
}

// TestExamplePFC: Example's filter exported as libseccomp 2.5.4 exports
// the same rules (testdata/example.pfc, from testdata/example.c), so that
// Example's output is libseccomp's, not this package's own.
func TestExamplePFC(t *testing.T) {
	want, err := os.ReadFile("testdata/example.pfc")
	if err != nil {
		t.Fatal(err)
	}
	filter, err := buildFilter()
	if err != nil {
		t.Fatal(err)
	}
	defer filter.Release()
	tmp, err := os.CreateTemp(t.TempDir(), "pfc")
	if err != nil {
		t.Fatal(err)
	}
	defer tmp.Close()
	if err := filter.ExportPFC(tmp); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(tmp.Name())
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("ExportPFC differs from libseccomp's testdata/example.pfc:\n%s", got)
	}
}
