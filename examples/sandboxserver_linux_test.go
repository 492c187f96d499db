package examples

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestSandboxServer runs the self-sandboxing HTTP server, built without
// and with cgo: it serves under default-deny plus the Go runtime's
// baseline (anything else would kill it), opening a file and executing a
// program fail with EPERM, and it is still serving after a few seconds of
// the runtime's background work and a burst of concurrent requests.
func TestSandboxServer(t *testing.T) {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("the examples filter the native arch: amd64 or arm64")
	}
	for _, cgo := range []string{"0", "1"} {
		t.Run("CGO_ENABLED="+cgo, func(t *testing.T) {
			bin := filepath.Join(t.TempDir(), "sandboxserver")
			cmd := exec.Command("go", "build", "-o", bin, "./sandboxserver")
			cmd.Env = append(os.Environ(), "CGO_ENABLED="+cgo)
			if out, err := cmd.CombinedOutput(); err != nil {
				if cgo == "1" {
					t.Skipf("go build with cgo: %v\n%s", err, out)
				}
				t.Fatalf("go build: %v\n%s", err, out)
			}
			sandboxServer(t, bin)
		})
	}
}

func sandboxServer(t *testing.T, bin string) {
	srv := exec.Command(bin)
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	srv.Stderr = &stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	defer func() {
		srv.Process.Kill()
		<-exited
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if err != nil || !ok {
		t.Fatalf("%q, %v\n%s", line, err, stderr.String())
	}
	get := func(path string) string {
		t.Helper()
		c := http.Client{Timeout: 10 * time.Second}
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v\n%s", path, err, stderr.String())
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	for path, want := range map[string]string{
		"":     "hello from a sandboxed server\n",
		"file": "open /etc/hostname: operation not permitted\n",
		"exec": "exec /bin/true: operation not permitted\n",
	} {
		if got := get(path); got != want {
			t.Errorf("GET /%s: %q, want %q", path, got, want)
		}
	}
	// The runtime's background work (the GOMAXPROCS check every second,
	// the scavenger), then concurrent requests on many connections.
	time.Sleep(2500 * time.Millisecond)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			resp, err := c.Get(base)
			if err == nil {
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent GET: %v", err)
	}
	if got := get(""); got != "hello from a sandboxed server\n" {
		t.Errorf("GET / at the end: %q", got)
	}
	select {
	case err := <-exited:
		exited <- err
		t.Fatalf("the server ended: %v\n%s", describeExit(err), stderr.String())
	default:
	}
}

func describeExit(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return fmt.Sprintf("killed by %v", ws.Signal())
		}
	}
	return fmt.Sprint(err)
}
