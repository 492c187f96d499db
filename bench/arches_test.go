//go:build linux && cgo

package bench

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/profile"
)

// libseccompExtras are the numbers libseccomp 2.5.4 names that the
// kernel's tables, which ours are made from, do not have, with why.
var libseccompExtras = map[string]map[int32]string{
	// Linux's parisc syscall.tbl gives _llseek (140) the 32 ABI only.
	"parisc64": {140: "_llseek"},
}

// TestTablesAgainstLibseccomp: every arch's table against libseccomp's
// (2.5.4's), both ways: no name has another number there, and libseccomp
// names no number otherwise (but libseccompExtras). The names libseccomp
// lacks (calls newer than its tables; mips o32's and ppc's direct socket
// and IPC calls) are listed.
func TestTablesAgainstLibseccomp(t *testing.T) {
	for _, a := range seccomp.Arches() {
		if !Knows(a) {
			t.Logf("%s: libseccomp %s does not know the arch", a.Name, Version())
			continue
		}
		var lacks []string
		for _, name := range a.Syscalls() {
			ours, _ := a.Syscall(name)
			theirs, ok := ResolveNameArch(a, name)
			switch {
			case !ok:
				// A socket or IPC call libseccomp resolves to its
				// multiplexer's pseudo number knows its number too.
				if lib, _ := NameArch(a, ours); lib != name {
					lacks = append(lacks, name)
				}
			case theirs != ours:
				t.Errorf("%s: %s is %d here, %d in libseccomp", a.Name, name, ours, theirs)
			}
		}
		// libseccomp's names of every number, ours included (aliases:
		// libseccomp calls arm's 341 sync_file_range2).
		first, _ := a.Syscall(a.Syscalls()[0])
		for _, nr := range numbers(a) {
			if nr < first {
				continue // below the ABI's bias: libseccomp takes mips's numbers without it too
			}
			theirs, ok := NameArch(a, nr)
			if !ok || libseccompExtras[a.Name][nr] == theirs {
				continue
			}
			ours, known := a.SyscallName(nr)
			if n, alias := a.Syscall(theirs); alias && n == nr {
				continue
			}
			if !known {
				t.Errorf("%s: libseccomp names %d %s, which has no call here", a.Name, nr, theirs)
			} else {
				t.Errorf("%s: libseccomp names %d %s, %s here", a.Name, nr, theirs, ours)
			}
		}
		t.Logf("%s: libseccomp %s lacks %d calls: %s", a.Name, Version(), len(lacks), strings.Join(lacks, " "))
	}
}

// specialNames are the calls issue 14 found wrong or missing: the
// ARM-private calls, arm's uapi name sync_file_range2, x32's uprobe and
// the calls from 463 on, and the multiplexed calls.
func specialNames(a *seccomp.Arch) []string {
	names := []string{"breakpoint", "cacheflush", "usr26", "usr32", "set_tls", "get_tls", "sync_file_range2",
		"arm_sync_file_range", "uprobe", "uretprobe", "read", "socketcall", "ipc"}
	for _, n := range a.Syscalls() {
		if nr, _ := a.Syscall(n); nr&^seccomp.X32SyscallBit >= 463 && nr&^seccomp.X32SyscallBit < 0x1000 {
			names = append(names, n)
		}
	}
	for _, c := range []string{"socket", "bind", "connect", "listen", "accept", "getsockname", "getpeername",
		"socketpair", "send", "recv", "sendto", "recvfrom", "shutdown", "setsockopt", "getsockopt",
		"sendmsg", "recvmsg", "accept4", "recvmmsg", "sendmmsg",
		"semop", "semget", "semctl", "semtimedop", "msgsnd", "msgrcv", "msgget", "msgctl", "shmat", "shmdt", "shmget", "shmctl"} {
		if _, _, ok := a.MultiplexedBy(c); ok || slices.Contains(a.Syscalls(), c) {
			names = append(names, c)
		}
	}
	return names
}

// TestSpecialCallsAgainstLibseccomp: per arch libseccomp knows, a profile
// that allows the special calls (specialNames), some under conditions on
// their arguments, compiled by package profile and by libseccomp as runc
// adds it: the same decision for every number of the arch, for every call
// through socketcall and ipc, and for the conditions at their edges, where
// libseccomp knows the call (it resolves the name on the arch). The names
// it does not know are listed; their numbers are left out.
func TestSpecialCallsAgainstLibseccomp(t *testing.T) {
	k := profile.KernelVersion{Kernel: 6, Major: 1}
	for _, a := range seccomp.Arches() {
		if !Knows(a) {
			continue
		}
		t.Run(a.Name, func(t *testing.T) {
			// A name libseccomp knows directly, or through a multiplexer
			// only (its pseudo numbers -101 ... and -201 ...); our direct
			// numbers it lacks are left out of the comparison.
			var known, lacking []string
			skip := map[int32]bool{}
			for _, n := range specialNames(a) {
				nr, ours := a.Syscall(n)
				_, _, muxed := a.MultiplexedBy(n)
				theirs, ok := ResolveNameArchPseudo(a, n)
				viaMux := ok && (theirs <= -101 && theirs >= -120 || theirs <= -201 && theirs >= -224)
				switch {
				case ok && theirs >= 0 && ours:
					known = append(known, n)
				case viaMux && muxed:
					known = append(known, n)
					if lib, _ := NameArch(a, nr); ours && lib != n {
						lacking = append(lacking, n+" (direct)")
						skip[nr] = true
					}
				case ours:
					lacking = append(lacking, n)
					skip[nr] = true
				}
			}
			if len(lacking) > 0 {
				t.Logf("libseccomp %s lacks on %s: %s", Version(), a.Name, strings.Join(lacking, " "))
			}
			var entries []string
			for i, n := range known {
				switch {
				case n == "socket" || n == "semop":
					// A condition the multiplexer cannot check: runc's
					// meaning allows the multiplexed call whatever it is.
					entries = append(entries, fmt.Sprintf(`{"names": [%q], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 40, "op": "SCMP_CMP_NE"}, {"index": 2, "value": 0, "op": "SCMP_CMP_EQ"}]}`, n))
				case i%3 == 1:
					entries = append(entries, fmt.Sprintf(`{"names": [%q], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": [{"index": 1, "value": 7, "op": "SCMP_CMP_GT"}]}`, n))
				default:
					entries = append(entries, fmt.Sprintf(`{"names": [%q], "action": "SCMP_ACT_ALLOW"}`, n))
				}
			}
			js := fmt.Sprintf(`{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [%s]}`, strings.Join(entries, ",\n"))
			res, err := profile.Load([]byte(js), profile.Options{Arch: a, Kernel: &k})
			if err != nil {
				t.Fatal(err)
			}
			ours, err := res.Compile()
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := runcProgram(res.Profile, a, 0)
			if err != nil {
				t.Fatal(err)
			}
			eo, et := seccomp.MustEmulator(ours), seccomp.MustEmulator(theirs)
			checked := 0
			check := func(d seccomp.Data) {
				t.Helper()
				if skip[d.Nr] {
					return
				}
				want := res.Evaluate(d)
				if got := eo.Action(d); got != want {
					t.Fatalf("%+v: our program says %v, Evaluate %v", d, got, want)
				}
				if lib := et.Action(d); lib != want {
					name, _ := a.SyscallName(d.Nr)
					t.Errorf("%s %+v: we say %v, libseccomp %v", name, d, want, lib)
				}
				checked++
			}
			for _, nr := range numbers(a) {
				for _, args := range [][6]uint64{{}, {40, 8, 0}, {2, 7, 1}, {1<<32 | 2, 1 << 32, 0}} {
					check(seccomp.Data{Nr: nr, Arch: a.AuditArch, Args: args})
				}
			}
			for _, d := range muxCalls(a) {
				check(d)
				d.Args[1], d.Args[2] = 8, 0
				check(d)
				d.Args[2] = 5
				check(d)
			}
			t.Logf("%d calls of %d names agreed with libseccomp %s", checked, len(known), Version())
		})
	}
}
