package seccomp_test

import (
	"errors"
	"fmt"

	"github.com/seccomp-go/seccomp"
	"golang.org/x/net/bpf"
)

// Print a filter written with Source: loads are named, the arch and the x32
// bit are symbolic, syscall numbers are commented with their names, and
// jump targets are absolute.
func ExampleDisassemble() {
	var s seccomp.Source
	s.Add(bpf.LoadAbsolute{Off: seccomp.OffsetArch, Size: 4})
	s.JumpIf(bpf.JumpNotEqual, uint32(seccomp.AuditArchX86_64), "kill", "")
	s.Add(bpf.LoadAbsolute{Off: seccomp.OffsetNr, Size: 4})
	s.JumpIf(bpf.JumpGreaterOrEqual, seccomp.X32SyscallBit, "kill", "")
	s.JumpIf(bpf.JumpEqual, 1, "allow", "") // write
	s.Add(bpf.RetConstant{Val: uint32(seccomp.Errno(38))})
	s.Label("allow")
	s.Add(bpf.RetConstant{Val: uint32(seccomp.ActAllow)})
	s.Label("kill")
	s.Add(bpf.RetConstant{Val: uint32(seccomp.ActKillProcess)})
	p, err := s.Assemble()
	if err != nil {
		fmt.Println(err)
		return
	}
	text := seccomp.Disassemble(p)
	fmt.Print(text)

	// The text assembles back to the same program.
	q, err := seccomp.AssembleText(text)
	fmt.Println(err == nil && q.String() == text)
	// Output:
	// 0000: ld   [4]                      ; arch
	// 0001: jeq  #AUDIT_ARCH_X86_64, 0002, 0007
	// 0002: ld   [0]                      ; nr
	// 0003: jge  #X32_SYSCALL_BIT, 0007, 0004
	// 0004: jeq  #1, 0006, 0005           ; write (x86_64)
	// 0005: ret  ERRNO(38)
	// 0006: ret  ALLOW
	// 0007: ret  KILL_PROCESS
	// true
}

// Write a filter by hand, with labels, and run it in the emulator.
func ExampleAssembleText() {
	p, err := seccomp.AssembleText(`
	        ld   [arch]
	        jne  #AUDIT_ARCH_X86_64, kill
	        ld   [nr]
	        jge  #X32_SYSCALL_BIT, kill
	        jeq  #1, allow          ; write
	        jeq  #60, allow         ; exit
	        ret  ERRNO(1)
	allow:  ret  ALLOW
	kill:   ret  KILL_PROCESS
	`)
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := seccomp.NewEmulator(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range []seccomp.Data{
		{Nr: 1, Arch: seccomp.AuditArchX86_64},
		{Nr: 2, Arch: seccomp.AuditArchX86_64},
		{Nr: seccomp.X32SyscallBit | 1, Arch: seccomp.AuditArchX86_64},
		{Nr: 1, Arch: seccomp.AuditArchAArch64},
	} {
		fmt.Printf("nr %#x, %v: %v\n", d.Nr, d.Arch, e.Run(d).Action)
	}
	// Output:
	// nr 0x1, AUDIT_ARCH_X86_64: ALLOW
	// nr 0x2, AUDIT_ARCH_X86_64: ERRNO(1)
	// nr 0x40000001, AUDIT_ARCH_X86_64: KILL_PROCESS
	// nr 0x1, AUDIT_ARCH_AARCH64: KILL_PROCESS
}

// Errors name the line of the text.
func ExampleAssembleText_error() {
	_, err := seccomp.AssembleText("ld [nr]\njeq #1, allow\nret ERRNO(1)\nret ALOW\n")
	fmt.Println(err)
	var ae *seccomp.AssembleError
	if errors.As(err, &ae) {
		fmt.Println("line", ae.Line)
	}
	// Output:
	// assemble: line 4: instruction 3: unknown action "ALOW"
	// line 4
}
