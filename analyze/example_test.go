package analyze_test

import (
	"fmt"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/analyze"
)

// A filter compiled here, analyzed back from its program.
func ExampleAnalyze() {
	f := seccomp.NewFilter(seccomp.Errno(1), seccomp.ArchX86_64)
	f.AddSyscalls(seccomp.ActAllow, "read", "exit_group")
	f.Add(seccomp.Rule{Syscall: "write", Action: seccomp.ActAllow, Conds: []seccomp.Cond{seccomp.Arg(0).Lt(3)}})
	f.Add(seccomp.Rule{Syscall: "mmap", Action: seccomp.ActKillProcess, Conds: []seccomp.Cond{seccomp.Arg(2).MaskedEq(0x4, 0x4)}})
	p, err := f.Compile()
	if err != nil {
		panic(err)
	}
	r, err := analyze.Analyze(p, nil)
	if err != nil {
		panic(err)
	}
	x86 := r.Arch("x86_64")
	for _, name := range []string{"read", "write", "mmap", "openat"} {
		for _, d := range x86.Syscall(name).Decisions {
			if d.Otherwise {
				fmt.Printf("%s: %s otherwise\n", name, d.ActionString())
			} else {
				fmt.Printf("%s: %v\n", name, d)
			}
		}
	}
	fmt.Println("x32 read:", r.Arch("x32").Syscall("read").Decisions[0])
	fmt.Println("other arches:", r.BadArch[0].Decisions[0])
	// Output:
	// read: ALLOW
	// write: ALLOW when arg0 < 3
	// write: ERRNO(1) otherwise
	// mmap: KILL_PROCESS when arg2 & 0x4 == 0x4
	// mmap: ERRNO(1) otherwise
	// openat: ERRNO(1)
	// x32 read: KILL_PROCESS
	// other arches: KILL_PROCESS
}

// What the analysis says a program returns for one call.
func ExampleReport_Decide() {
	p, _ := seccomp.AssembleText(`
	ld [arch]
	jne #AUDIT_ARCH_AARCH64, kill
	ld [nr]
	jne #64, allow          ; write
	ld [args[0].hi]
	jne #0, deny
	ld [args[0].lo]
	jgt #2, deny
allow:	ret ALLOW
deny:	ret ERRNO(1)
kill:	ret KILL_PROCESS`)
	r, _ := analyze.Analyze(p, nil)
	fmt.Println(r.Arch("aarch64").Syscall("write").Decisions)
	a, ok := r.Decide(seccomp.Data{Nr: 64, Arch: seccomp.AuditArchAArch64, Args: [6]uint64{7}})
	fmt.Println(a, ok)
	// Output:
	// [ERRNO(1) when arg0 >= 3 ALLOW when arg0 < 3]
	// ERRNO(1) true
}

// A deny list that forgets execveat, x32 and the new mount API.
func ExampleAudit() {
	p, _ := seccomp.AssembleText(`
	ld [arch]
	jne #AUDIT_ARCH_X86_64, kill
	ld [nr]
	jeq #59, deny           ; execve
	jeq #165, deny          ; mount
	ret ALLOW
deny:	ret ERRNO(1)
kill:	ret KILL_PROCESS`)
	findings, _ := analyze.Audit(p, nil)
	for _, f := range findings {
		if f.Severity == analyze.High && f.Check != analyze.CheckEscape {
			fmt.Println(f)
		}
	}
	// Output:
	// high x32 x32: x32 calls bypass the x86_64 rules: mount, execve denied as x86_64 but allowed as x32 (number | 0x40000000); deny nr >= 0x40000000
	// high sibling x86_64 execve: execve is denied but execveat, which also runs programs, is allowed
	// high sibling x86_64 mount: mount is denied but fsmount, which also mounts file systems (the new mount API), is allowed
	// high sibling x86_64 mount: mount is denied but move_mount, which also mounts file systems (the new mount API), is allowed
	// high sibling x86_64 mount: mount is denied but open_tree, which also mounts file systems (the new mount API), is allowed
}

// Where two versions of a filter differ.
func ExampleDiff() {
	old := seccomp.NewFilter(seccomp.ActKillProcess, seccomp.ArchAArch64).AddSyscalls(seccomp.ActAllow, "read", "write", "close")
	new := seccomp.NewFilter(seccomp.ActKillProcess, seccomp.ArchAArch64).AddSyscalls(seccomp.ActAllow, "read", "close", "openat")
	new.Add(seccomp.Rule{Syscall: "write", Action: seccomp.ActAllow, Conds: []seccomp.Cond{seccomp.Arg(0).Eq(1)}})
	a, _ := old.Compile()
	b, _ := new.Compile()
	d, _ := analyze.Diff(a, b, nil)
	for _, ad := range d.Arches {
		for _, sd := range ad.Syscalls {
			for _, c := range sd.Changes {
				fmt.Printf("%s %s: %v\n", ad.Arch, sd.Name, c)
			}
		}
	}
	// Output:
	// aarch64 openat: KILL_PROCESS -> ALLOW
	// aarch64 write: ALLOW -> KILL_PROCESS when arg0 != 1
}

// The control flow of a program, for Graphviz.
func ExampleDot() {
	p, _ := seccomp.AssembleText("ld [nr]\njeq #1, allow\nret ERRNO(1)\nallow: ret ALLOW")
	fmt.Print(analyze.Dot(p))
	// Output:
	// digraph seccomp {
	// 	node [shape=box, fontname="monospace", fontsize=10];
	// 	edge [fontname="monospace", fontsize=9];
	// 	b0 [label="0000: ld   [0]                      ; nr\l0001: jeq  #1, 0003, 0002\l"];
	// 	b0 -> b3 [label="true"];
	// 	b0 -> b2 [label="false", style=dashed];
	// 	b2 [label="0002: ret  ERRNO(1)\l", style="filled", fillcolor="khaki"];
	// 	b3 [label="0003: ret  ALLOW\l", style="filled", fillcolor="palegreen"];
	// }
}
