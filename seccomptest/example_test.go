package seccomptest_test

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"syscall"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/seccomptest"
)

// The examples need a kernel with seccomp filters, so they have no
// "Output:" and only compile under go test. The test binary calls
// seccomptest.Main from its TestMain (see seccomptest_linux_test.go).

// The function a test runs under the policy: it must be able to listen,
// and unable to start a program.
var listenButNoExec = seccomptest.Register("example-listen", func() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	if err := exec.Command("/bin/sh", "-c", "true").Run(); !errors.Is(err, syscall.EPERM) {
		return fmt.Errorf("running sh: %v, want EPERM", err)
	}
	return nil
})

func ExampleRun() {
	arch, err := seccomp.NativeArch()
	if err != nil {
		fmt.Println(err)
		return
	}
	f := seccomp.NewFilter(seccomp.ActAllow, arch)
	f.AddSyscalls(seccomp.Errno(1), "execve", "execveat") // EPERM
	prog, err := f.Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := seccomptest.Run(prog, listenButNoExec, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r)
	// In a test: seccomptest.AssertSucceeded(t, r).
}

var dialLocal = seccomptest.Register("example-dial", func() error {
	_, err := net.Dial("tcp", "127.0.0.1:1") // any call will do: this one is killed
	return err
})

// A filter that kills the process on connect: Run says which call did it,
// with its arguments.
func ExampleRun_sigsys() {
	arch, err := seccomp.NativeArch()
	if err != nil {
		fmt.Println(err)
		return
	}
	f := seccomp.NewFilter(seccomp.ActAllow, arch)
	f.AddSyscalls(seccomp.ActKillProcess, "connect")
	prog, err := f.Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := seccomptest.Run(prog, dialLocal, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r) // killed by SIGSYS; SIGSYS in connect (KILL_PROCESS)
	if r.SIGSYS != nil {
		fmt.Printf("fd %d\n", r.SIGSYS.Data.Args[0])
	}
}

func ExampleDecide() {
	arch, err := seccomp.NativeArch()
	if err != nil {
		fmt.Println(err)
		return
	}
	f := seccomp.NewFilter(seccomp.Errno(1), arch)
	f.AddSyscalls(seccomp.ActAllow, "read", "exit_group")
	f.Add(seccomp.Rule{Syscall: "write", Action: seccomp.ActAllow,
		Conds: []seccomp.Cond{seccomp.Arg32(0).Le(2)}})
	prog, err := f.Compile()
	if err != nil {
		fmt.Println(err)
		return
	}
	call := func(name string, args ...uint64) seccomp.Data {
		nr, _ := arch.Syscall(name)
		d := seccomp.Data{Nr: nr, Arch: arch.AuditArch}
		copy(d.Args[:], args)
		return d
	}
	// None of these calls runs: not even exit_group, which the filter
	// allows.
	got, err := seccomptest.Decide(prog, call("write", 1), call("write", 5), call("exit_group", 0), call("execve"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got) // [ALLOW ERRNO(1) ALLOW ERRNO(1)]
}
