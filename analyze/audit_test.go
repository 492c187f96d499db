package analyze

import (
	"fmt"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
)

func auditT(t *testing.T, src string) []Finding {
	t.Helper()
	fs, err := Audit(asm(t, src), nil)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// find returns the findings of a check (and syscall, when not empty).
func find(fs []Finding, check, sys string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Check == check && (sys == "" || f.Syscall == sys) {
			out = append(out, f)
		}
	}
	return out
}

func wantFinding(t *testing.T, fs []Finding, sev Severity, check, sys, arches, reasonPart string) {
	t.Helper()
	for _, f := range find(fs, check, sys) {
		if f.Severity == sev && strings.Join(f.Arches, ",") == arches && strings.Contains(f.Reason, reasonPart) {
			return
		}
	}
	t.Errorf("no %s %s finding for %q on %q with %q; findings:\n%s", sev, check, sys, arches, reasonPart, dump(fs))
}

func dump(fs []Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintln(&b, f)
	}
	return b.String()
}

func TestSeverity(t *testing.T) {
	if !(Info < Low && Low < Medium && Medium < High) {
		t.Error("severities out of order")
	}
	for _, s := range []Severity{Info, Low, Medium, High} {
		if p, ok := ParseSeverity(strings.ToUpper(s.String())); !ok || p != s {
			t.Errorf("ParseSeverity(%q) = %v, %t", s, p, ok)
		}
	}
	if _, ok := ParseSeverity("critical"); ok {
		t.Error("ParseSeverity accepts critical")
	}
	f := Finding{Severity: High, Check: CheckSibling, Arches: []string{"x86_64", "x32"}, Syscall: "openat", Reason: "r"}
	if got := f.String(); got != "high sibling x86_64,x32 openat: r" {
		t.Errorf("Finding.String() = %q", got)
	}
}

// A clean allowlist has nothing to say.
func TestAuditClean(t *testing.T) {
	fs, err := Audit(readRaw(t, "../testdata/cmd/allowlist.bpf"), nil)
	if err != nil || len(fs) != 0 {
		t.Errorf("allowlist: %v\n%s", err, dump(fs))
	}
}

// No arch check at all: x86_64 numbers are allowed from any ABI.
func TestAuditNoArchCheck(t *testing.T) {
	fs := auditT(t, "ld [nr]\njeq #101, kill\nret ALLOW\nkill: ret KILL_PROCESS")
	wantFinding(t, fs, High, CheckNoArchCheck, "", nativeOrX86(t)+","+map[string]string{"x86_64": "i386,x32", "aarch64": "arm"}[nativeOrX86(t)], "allowed on paths that never load seccomp_data.arch")
	wantFinding(t, fs, High, CheckBadArch, "", "", "are allowed: KILL_PROCESS when nr == 101; ALLOW otherwise")
	if fs[0].Severity != High {
		t.Errorf("not sorted: %s", dump(fs))
	}
}

// A deny list that checks the arch but not the x32 bit: x32's ptrace gets
// through.
func TestAuditX32(t *testing.T) {
	src := `
	ld [arch]
	jne #AUDIT_ARCH_X86_64, kill
	ld [nr]
	jeq #101, deny          ; ptrace
	ret ALLOW
deny:	ret ERRNO(1)
kill:	ret KILL_PROCESS`
	fs := auditT(t, src)
	wantFinding(t, fs, High, CheckX32, "", "x32", "ptrace denied as x86_64 but allowed as x32")
	if len(find(fs, CheckCompat, "")) != 0 {
		t.Errorf("i386 reported, though the program kills it:\n%s", dump(fs))
	}
	// With the x32 guard, the finding goes.
	fs = auditT(t, strings.Replace(src, "ld [nr]\n", "ld [nr]\n\tjge #X32_SYSCALL_BIT, kill\n", 1))
	if len(find(fs, CheckX32, "")) != 0 {
		t.Errorf("x32 reported with the guard:\n%s", dump(fs))
	}
	// x32 allowed without a bypass: medium.
	fs = auditT(t, "ld [arch]\njne #AUDIT_ARCH_X86_64, kill\nret ALLOW\nkill: ret KILL_PROCESS")
	wantFinding(t, fs, Medium, CheckX32, "", "x32", "x32 calls are allowed (374 of 374)")
}

// i386 accepted on purpose: info, and its rules are audited (socketcall).
func TestAuditI386(t *testing.T) {
	src := `
	ld [arch]
	jeq #AUDIT_ARCH_I386, i386
	jne #AUDIT_ARCH_X86_64, kill
	ld [nr]
	jge #X32_SYSCALL_BIT, kill
	ret ALLOW
i386:	ld [nr]
	jeq #359, deny          ; socket
	ret ALLOW
deny:	ret ERRNO(1)
kill:	ret KILL_PROCESS`
	fs := auditT(t, src)
	wantFinding(t, fs, Info, CheckCompat, "", "i386", "the program accepts i386 calls (460 of 461 allowed)")
	wantFinding(t, fs, High, CheckSibling, "socket", "i386", "socket is denied but socketcall")
}

// Siblings: a deny list that restricts openat and denies execve.
func TestAuditSiblings(t *testing.T) {
	src := `
	ld [arch]
	jne #AUDIT_ARCH_AARCH64, kill
	ld [nr]
	jeq #221, deny          ; execve
	jeq #56, openat         ; openat
	jeq #435, deny          ; clone3
	jeq #220, clone         ; clone
	ret ALLOW
openat:	ld [args[2].lo]
	jset #0x40, deny        ; O_CREAT
	ret ALLOW
clone:	ld [args[0].lo]
	jset #0x10000000, deny  ; CLONE_NEWUSER
	ret ALLOW
deny:	ret ERRNO(1)
kill:	ret KILL_PROCESS`
	fs := auditT(t, src)
	wantFinding(t, fs, High, CheckSibling, "execve", "aarch64", "execve is denied but execveat, which also runs programs, is allowed")
	wantFinding(t, fs, Medium, CheckSibling, "openat", "aarch64", "openat is allowed only under conditions, but openat2")
	// clone3 is denied: clone's restriction holds.
	if len(find(fs, CheckSibling, "clone")) != 0 {
		t.Errorf("clone reported though clone3 is denied:\n%s", dump(fs))
	}
	fs = auditT(t, strings.Replace(src, "jeq #435, deny", "jeq #435, allow", 1)+"\nallow: ret ALLOW")
	wantFinding(t, fs, Medium, CheckSibling, "clone", "aarch64", "clone is allowed only under conditions, but clone3")
}

// Ways out, allowed with and without conditions; a KILL_THREAD default;
// a computed action; the action cache; unreachable code.
func TestAuditMisc(t *testing.T) {
	src := `
	ld [arch]
	jne #AUDIT_ARCH_AARCH64, kill
	ld [nr]
	jeq #117, ptrace        ; ptrace
	jeq #280, allow         ; bpf
	jeq #63, read           ; read
	jeq #64, write          ; write
	jeq #1000, odd
	ret KILL_THREAD
ptrace:	ld [args[0].lo]
	jeq #0, allow
	ret KILL_THREAD
read:	ld [args[0].lo]         ; loaded, but both ways allow
	jeq #0, allow
	ja allow
write:	ld [args[2].lo]
	ret a
odd:	jeq #1001, never        ; nr is 1000 here
	ja allow
never:	ret ERRNO(7)
	ret ERRNO(8)            ; nothing jumps here
allow:	ret ALLOW
kill:	ret KILL_PROCESS`
	fs := auditT(t, src)
	wantFinding(t, fs, High, CheckEscape, "bpf", "aarch64", "bpf is allowed: it loads eBPF programs")
	wantFinding(t, fs, Medium, CheckEscape, "ptrace", "aarch64", "ptrace is allowed when arg0.lo == 0: it reads and writes")
	wantFinding(t, fs, Medium, CheckKillThread, "", "aarch64", "KILL_THREAD is the default action")
	wantFinding(t, fs, Medium, CheckComputed, "", "aarch64", "RET A")
	wantFinding(t, fs, Low, CheckCache, "", "aarch64", "1 system call is always allowed, but the kernel's action cache cannot serve it, so the filter runs on each call: read (instruction 12 loads arg0.lo)")
	wantFinding(t, fs, Low, CheckUnreachable, "", "", "instruction 0020: no jump leads there")
	wantFinding(t, fs, Low, CheckUnreachable, "", "", "instruction 0019: no input reaches it")
	if len(find(fs, CheckEscape, "")) != 2 {
		t.Errorf("escapes other than bpf and ptrace:\n%s", dump(fs))
	}
}

// TestAuditNamespacesAndPersonality: clone and clone3 are ways out as
// unshare is, and clone, unshare and personality are findings only when
// the program allows them for the argument values that are the way out
// (CLONE_NEW* flags, ADDR_NO_RANDOMIZE), as its decisions say.
func TestAuditNamespacesAndPersonality(t *testing.T) {
	const head = `
	ld [arch]
	jne #AUDIT_ARCH_AARCH64, kill
	ld [nr]
	jeq #220, clone         ; clone
	jeq #435, clone3        ; clone3
	jeq #97, unshare        ; unshare
	jeq #92, personality    ; personality
	ret ERRNO(1)
`
	const tail = `
kill:	ret KILL_PROCESS
allow:	ret ALLOW
deny:	ret ERRNO(1)
`
	for _, tc := range []struct {
		name  string
		rules string
		want  map[string]Severity // escape findings by call; missing: none
		why   map[string]string
	}{
		{"everything allowed", `
clone:	ret ALLOW
clone3:	ret ALLOW
unshare:	ret ALLOW
personality:	ret ALLOW`,
			map[string]Severity{"clone": High, "clone3": High, "unshare": High, "personality": Low}, nil},
		{"Docker's way: no namespace flags, personality for a few values", `
clone:	ld [args[0].lo]
	jset #0x7e020000, deny
	ret ALLOW
clone3:	ret ERRNO(38)
unshare:	ld [args[0].lo]
	jset #0x7e020080, deny
	ret ALLOW
personality:	ld [args[0].hi]
	jne #0, deny
	ld [args[0].lo]
	jeq #0, allow
	jeq #8, allow
	jeq #0x20000, allow
	jeq #0x20008, allow
	jeq #0xffffffff, allow
	ret ERRNO(1)`,
			map[string]Severity{}, nil},
		{"only some namespace flags denied", `
clone:	ld [args[0].lo]
	jset #0x10000000, deny  ; CLONE_NEWUSER only
	ret ALLOW
clone3:	ld [args[1].lo]
	jeq #88, allow          ; the size: no way to see the flags
	ret ERRNO(38)
unshare:	ld [args[0].lo]
	jeq #0x00000200, allow  ; CLONE_FS: no namespace
	ret ERRNO(1)
personality:	ld [args[0].lo]
	jeq #0x0040000, allow   ; ADDR_NO_RANDOMIZE
	ret ERRNO(1)`,
			map[string]Severity{"clone": Medium, "clone3": High, "personality": Info},
			map[string]string{"clone": "clone is allowed with CLONE_NEW* flags (when arg0 & 0x10000000 == 0x0)", "clone3": "clone3 is allowed when arg1.lo == 88: it can create namespaces"}},
		{"CLONE_NEWTIME is no clone flag", `
clone:	ld [args[0].lo]
	jset #0x7e020000, deny
	ret ALLOW
clone3:	ret ERRNO(38)
unshare:	ld [args[0].lo]
	jset #0x7e020000, deny  ; CLONE_NEWTIME (0x80) let through
	ret ALLOW
personality:	ret ERRNO(1)`,
			map[string]Severity{"unshare": Medium}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := auditT(t, head+tc.rules+tail)
			for _, sys := range []string{"clone", "clone3", "unshare", "personality"} {
				got := find(fs, CheckEscape, sys)
				sev, want := tc.want[sys]
				switch {
				case !want && len(got) > 0:
					t.Errorf("%s: unexpected finding %v", sys, got)
				case want && (len(got) != 1 || got[0].Severity != sev):
					t.Errorf("%s: %v, want one %s finding\n%s", sys, got, sev, dump(fs))
				case want && tc.why[sys] != "" && !strings.Contains(got[0].Reason, tc.why[sys]):
					t.Errorf("%s: reason %q does not contain %q", sys, got[0].Reason, tc.why[sys])
				}
			}
		})
	}
}

// TestAuditMultiplexed: with socket and IPC rules applied to socketcall and
// ipc (as libseccomp and package profile apply them), the sibling check
// looks at what the multiplexer decides for the call's own number: no
// finding for bind, denied directly and through socketcall, though
// socketcall lets the other calls through; the gap for socket, allowed only
// for some families directly but for every one through socketcall.
func TestAuditMultiplexed(t *testing.T) {
	for _, a := range []*seccomp.Arch{seccomp.ArchI386, seccomp.ArchS390X} {
		f := seccomp.NewFilter(seccomp.ActAllow, a).SetMultiplexing(true).SetResolution(seccomp.ResolveLibseccomp).
			Add(seccomp.Rule{Syscall: "bind", Action: seccomp.Errno(13)},
				seccomp.Rule{Syscall: "shmat", Action: seccomp.Errno(13)},
				seccomp.Rule{Syscall: "socket", Action: seccomp.Errno(13), Conds: []seccomp.Cond{seccomp.Arg32(0).Eq(40)}})
		p, err := f.Compile()
		if err != nil {
			t.Fatal(err)
		}
		fs, err := Audit(p, &Options{Arches: []*seccomp.Arch{a}})
		if err != nil {
			t.Fatal(err)
		}
		for _, sys := range []string{"bind", "shmat"} {
			for _, f := range find(fs, CheckSibling, sys) {
				t.Errorf("%s: %v: the multiplexer denies it too", a.Name, f)
			}
		}
		// socket's conditional deny denies socketcall(SYS_SOCKET) whatever
		// the family, in libseccomp's rule for it.
		for _, f := range find(fs, CheckSibling, "socket") {
			t.Errorf("%s: %v", a.Name, f)
		}
		// An allow-list: the family is not checked through socketcall.
		g := seccomp.NewFilter(seccomp.Errno(1), a).SetMultiplexing(true).SetResolution(seccomp.ResolveLibseccomp).
			AddSyscalls(seccomp.ActAllow, "connect", "write").
			Add(seccomp.Rule{Syscall: "socket", Action: seccomp.ActAllow, Conds: []seccomp.Cond{seccomp.Arg32(0).Ne(40)}})
		q, err := g.Compile()
		if err != nil {
			t.Fatal(err)
		}
		gs, err := Audit(q, &Options{Arches: []*seccomp.Arch{a}})
		if err != nil {
			t.Fatal(err)
		}
		wantFinding(t, gs, Medium, CheckSibling, "socket", a.Name, "socket is allowed only under conditions, but socketcall")
		// Without multiplexing socketcall and ipc allow everything.
		p, err = f.SetMultiplexing(false).Compile()
		if err != nil {
			t.Fatal(err)
		}
		if fs, err = Audit(p, &Options{Arches: []*seccomp.Arch{a}}); err != nil {
			t.Fatal(err)
		}
		wantFinding(t, fs, High, CheckSibling, "bind", a.Name, "bind is denied but socketcall")
		wantFinding(t, fs, High, CheckSibling, "shmat", a.Name, "shmat is denied but ipc")
	}
	// A program written by hand that denies socketcall(SYS_SOCKET) only.
	src := `ld [arch]
jeq #AUDIT_ARCH_I386, i386
ret KILL
i386: ld [nr]
jeq #359, deny
jeq #102, sc
ret ALLOW
sc: ld [args[0].lo]
jeq #1, deny
ret ALLOW
deny: ret ERRNO(13)`
	fs, err := Audit(asm(t, src), &Options{Arches: []*seccomp.Arch{seccomp.ArchI386}})
	if err != nil {
		t.Fatal(err)
	}
	if got := find(fs, CheckSibling, "socket"); len(got) != 0 {
		t.Errorf("socketcall(SYS_SOCKET) denied: %v", got)
	}
	fs, err = Audit(asm(t, strings.Replace(src, "jeq #1, deny", "jeq #2, deny", 1)), &Options{Arches: []*seccomp.Arch{seccomp.ArchI386}})
	if err != nil {
		t.Fatal(err)
	}
	wantFinding(t, fs, High, CheckSibling, "socket", "i386", "socket is denied but socketcall")
}

// TestAuditKernel: with a target kernel, the allowed calls it lacks are a
// finding (releases from the kernel's history, written out).
func TestAuditKernel(t *testing.T) {
	p, err := seccomp.NewFilter(seccomp.Errno(1), seccomp.ArchX86_64).
		AddSyscalls(seccomp.ActAllow, "read", "clone3", "openat2", "epoll_pwait2", "futex_waitv").Compile()
	if err != nil {
		t.Fatal(err)
	}
	fs, err := Audit(p, &Options{Arches: []*seccomp.Arch{seccomp.ArchX86_64}, Kernel: seccomp.Release{Major: 5, Minor: 10}})
	if err != nil {
		t.Fatal(err)
	}
	wantFinding(t, fs, Info, CheckKernel, "", "x86_64", "2 allowed calls are newer than Linux 5.10, which lacks them (the kernel answers ENOSYS): epoll_pwait2 (5.11), futex_waitv (5.16)")
	if fs, err = Audit(p, &Options{Arches: []*seccomp.Arch{seccomp.ArchX86_64}}); err != nil {
		t.Fatal(err)
	}
	if got := find(fs, CheckKernel, ""); len(got) != 0 {
		t.Errorf("no kernel given: %v", got)
	}
}
