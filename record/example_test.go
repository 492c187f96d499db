package record_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/notify"
	"github.com/seccomp-go/seccomp/record"
)

// Record a command and write the profile of what it did. The program must
// call seccomp.RunCommandHelper first thing in main (Command runs it again
// as the helper that installs the filter).
func ExampleCommand() {
	c, err := record.Command(&record.Options{ReadMemory: true}, "ls", "-l", "/")
	if err != nil {
		log.Fatal(err)
	}
	c.Cmd.Stdout, c.Cmd.Stderr = os.Stdout, os.Stderr
	rec, err := c.Run()
	if rec == nil {
		log.Fatal(err)
	}
	prof, report, err := rec.Profile(record.ProfileOptions{Args: true})
	if err != nil {
		log.Fatal(err)
	}
	record.WriteSummary(os.Stderr, rec, report, false)
	data, err := record.Marshal(prof)
	if err != nil {
		log.Fatal(err)
	}
	os.WriteFile("ls.json", data, 0o644) // seccomp run -profile ls.json -- ls -l /
}

// A recorder on a listener of one's own: the calls of a filter that
// notifies only some of them.
func ExampleRecorder_Serve() {
	f := seccomp.NewFilter(seccomp.ActAllow)
	f.AddSyscalls(seccomp.ActUserNotif, "socket", "connect", "bind")
	prog, err := f.Compile()
	if err != nil {
		log.Fatal(err)
	}
	cmd, receive, err := seccomp.CommandListener(prog, seccomp.InstallOptions{}, "curl", "-s", "http://localhost/")
	if err != nil {
		log.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	lf, err := receive()
	if err != nil {
		log.Fatal(err)
	}
	l, err := notify.NewListener(lf)
	if err != nil {
		log.Fatal(err)
	}
	rec := record.New(nil)
	go rec.Serve(context.Background(), l)
	cmd.Wait()
	for _, c := range rec.Recording().Calls {
		fmt.Println(c.Name, c.Count, c.Arg(0))
	}
}

// The profile of a recording: here one made up, of a program that read,
// wrote and opened two kinds of sockets.
func ExampleRecording_Profile() {
	rec := &record.Recording{Calls: []record.Call{
		{Arch: "x86_64", AuditArch: seccomp.AuditArchX86_64, Nr: 59, Name: "execve", Count: 1},
		{Arch: "x86_64", AuditArch: seccomp.AuditArchX86_64, Nr: 0, Name: "read", Count: 12},
		{Arch: "x86_64", AuditArch: seccomp.AuditArchX86_64, Nr: 41, Name: "socket", Count: 2,
			Args: []record.ArgValues{{Index: 0, Values: []record.Value{{Value: 1, Count: 1}, {Value: 2, Count: 1}}}}},
	}}
	prof, _, err := rec.Profile(record.ProfileOptions{Arch: seccomp.ArchX86_64, Args: true})
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range prof.Syscalls {
		fmt.Println(e.Names, e.Action, e.Args)
	}
	// Output:
	// [execve read] SCMP_ACT_ALLOW []
	// [socket] SCMP_ACT_ALLOW [{0 1 0 SCMP_CMP_EQ}]
	// [socket] SCMP_ACT_ALLOW [{0 2 0 SCMP_CMP_EQ}]
}
