package record_test

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/notify"
	"github.com/seccomp-go/seccomp/record"
)

// BenchmarkRecord measures what recording costs a command: the same
// command run plain and recorded, one run per iteration (ns/op is the
// whole run, start-up included).
//
//   - getpid-loop makes 100,000 getpid calls on one thread, and measures
//     itself: ns/call is the loop's time over its calls, without the
//     program's start-up. "goroutine-per-call" records with a
//     notify.Server that runs the recorder in a goroutine per
//     notification, where Recorder.Serve handles them inline.
//   - find-usr-share is find(1) walking /usr/share: calls/op is what it
//     makes (recorded).
func BenchmarkRecord(b *testing.B) {
	needNotifyB(b)
	loop := buildGo(b, "syscalls")
	const calls = 100000
	loopArgs := []string{loop, "-time", strconv.Itoa(calls)}
	selfTimed := func(b *testing.B, stderr string, sum *float64) {
		var ns float64
		if _, err := fmt.Sscanf(strings.TrimSpace(stderr), "%g ns/call", &ns); err != nil {
			b.Fatalf("%q: %v", stderr, err)
		}
		*sum += ns
	}
	b.Run("getpid-loop/plain", func(b *testing.B) {
		var sum float64
		for b.Loop() {
			var errb bytes.Buffer
			cmd := exec.Command(loopArgs[0], loopArgs[1:]...)
			cmd.Stderr = &errb
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
			selfTimed(b, errb.String(), &sum)
		}
		b.ReportMetric(sum/float64(b.N), "ns/call")
	})
	b.Run("getpid-loop/recorded", func(b *testing.B) {
		var sum float64
		for b.Loop() {
			rc, err := record.Command(nil, loopArgs[0], loopArgs[1:]...)
			if err != nil {
				b.Fatal(err)
			}
			var errb bytes.Buffer
			rc.Cmd.Stderr = &errb
			if _, err := rc.Run(); err != nil {
				b.Fatal(err)
			}
			selfTimed(b, errb.String(), &sum)
		}
		b.ReportMetric(sum/float64(b.N), "ns/call")
	})
	b.Run("getpid-loop/goroutine-per-call", func(b *testing.B) {
		var sum float64
		prog := seccomp.Program{{Op: 0x06, K: uint32(seccomp.ActUserNotif)}}
		for b.Loop() {
			cmd, receive, err := seccomp.CommandListener(prog, seccomp.InstallOptions{Flags: seccomp.FlagWaitKillableRecv}, loopArgs[0], loopArgs[1:]...)
			if err != nil {
				b.Fatal(err)
			}
			var errb bytes.Buffer
			cmd.Stderr = &errb
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			f, err := receive()
			if err != nil {
				b.Fatal(err)
			}
			l, err := notify.NewListener(f)
			if err != nil {
				b.Fatal(err)
			}
			done := make(chan error)
			go func() { done <- (&notify.Server{Handler: record.New(nil)}).Serve(context.Background(), l) }()
			if err := cmd.Wait(); err != nil {
				b.Fatal(err)
			}
			<-done
			l.Close()
			selfTimed(b, errb.String(), &sum)
		}
		b.ReportMetric(sum/float64(b.N), "ns/call")
	})
	find := []string{"find", "/usr/share", "-name", "nothing-is-called-this"}
	b.Run("find-usr-share/plain", func(b *testing.B) {
		for b.Loop() {
			if out, err := exec.Command(find[0], find[1:]...).CombinedOutput(); err != nil {
				b.Fatalf("%v\n%s", err, out)
			}
		}
	})
	b.Run("find-usr-share/recorded", func(b *testing.B) {
		total := uint64(0)
		for b.Loop() {
			rc, err := record.Command(nil, find[0], find[1:]...)
			if err != nil {
				b.Fatal(err)
			}
			rec, err := rc.Run()
			if err != nil {
				b.Fatal(err)
			}
			total += rec.Total
		}
		b.ReportMetric(float64(total)/float64(b.N), "calls/op")
	})
}
