//go:build linux

package kerneltest

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"
)

// HelperTest is the name of the test that calls Helper, which Start runs
// in the helper process unless told otherwise.
const HelperTest = "TestKernelHelper"

// ErrUnsupported is wrapped by errors that mean the kernel (or a sandbox
// around the tests) does not let the helper use seccomp filters: tests skip
// on it.
var ErrUnsupported = errors.New("seccomp filters unavailable")

// Child is a helper process: the test binary run again with only the
// helper test selected. Its methods are not safe for concurrent use.
type Child struct {
	cmd     *exec.Cmd
	req     *os.File // write end of the request pipe
	resp    *os.File // read end of the response pipe
	bw      *bufio.Writer
	enc     *gob.Encoder
	dec     *gob.Decoder
	output  *syncBuffer
	kills   int
	Timeout time.Duration // longest wait for one answer; 0 means 10 minutes
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.b.Len() < 1<<16 {
		s.b.Write(p)
	}
	return len(p), nil
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Start starts a helper process running the test named helperTest (""
// means HelperTest), which must call Helper.
func Start(helperTest string) (*Child, error) {
	if helperTest == "" {
		helperTest = HelperTest
	}
	return StartProgram(os.Args[0], "-test.run=^"+helperTest+"$", "-test.count=1")
}

// StartProgram starts a helper process: the program exe run with args,
// which must call Helper (a test binary whose TestMain or selected test
// does).
func StartProgram(exe string, args ...string) (*Child, error) {
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	respR, respW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, err
	}
	c := &Child{req: reqW, resp: respR, output: &syncBuffer{}}
	c.cmd = exec.Command(exe, args...)
	// Under the race detector a process sleeps for a second before it
	// exits (GORACE atexit_sleep_ms): not worth it for a helper.
	gorace := strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
	c.cmd.Env = append(os.Environ(), envHelper+"=1", "GORACE="+gorace)
	c.cmd.ExtraFiles = []*os.File{reqR, respW} // fds 3 and 4
	c.cmd.Stdout = c.output
	c.cmd.Stderr = c.output
	err = c.cmd.Start()
	reqR.Close()
	respW.Close()
	if err != nil {
		reqW.Close()
		respR.Close()
		return nil, err
	}
	c.bw = bufio.NewWriter(reqW)
	c.enc = gob.NewEncoder(c.bw)
	c.dec = gob.NewDecoder(bufio.NewReader(respR))
	return c, nil
}

// Pid returns the helper's process id.
func (c *Child) Pid() int { return c.cmd.Process.Pid }

// Kills returns how many threads the kernel has killed in the helper.
func (c *Child) Kills() int { return c.kills }

// Close ends the helper: it closes the request pipe, on which the helper
// exits, and kills it if it has not exited within a few seconds.
func (c *Child) Close() error {
	c.req.Close()
	done := make(chan error, 1)
	go func() { done <- c.cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		err = <-done
	}
	c.resp.Close()
	if err != nil {
		return fmt.Errorf("kerneltest: helper %d: %w; its output:\n%s", c.cmd.Process.Pid, err, c.output)
	}
	return nil
}

func (c *Child) do(req *request) (*response, error) {
	timeout := c.Timeout
	if timeout == 0 {
		timeout = 10 * time.Minute
	}
	fail := func(err error) (*response, error) {
		c.cmd.Process.Kill()
		return nil, fmt.Errorf("kerneltest: helper %d: %w; its output:\n%s", c.cmd.Process.Pid, err, c.output)
	}
	c.req.SetWriteDeadline(time.Now().Add(timeout))
	if err := c.enc.Encode(req); err != nil {
		return fail(err)
	}
	if err := c.bw.Flush(); err != nil {
		return fail(err)
	}
	c.resp.SetReadDeadline(time.Now().Add(timeout))
	var resp response
	if err := c.dec.Decode(&resp); err != nil {
		return fail(err)
	}
	c.kills = resp.Kills
	if resp.Err != "" {
		return &resp, fmt.Errorf("kerneltest: helper %d: %s", c.cmd.Process.Pid, resp.Err)
	}
	return &resp, nil
}

// Info describes the helper process.
func (c *Child) Info() (Info, error) {
	resp, err := c.do(&request{Op: opInfo})
	if err != nil {
		return Info{}, err
	}
	return resp.Info, nil
}

// Attach attaches ALLOW filters (see AllowFilter) of the given lengths, in
// order, to the helper's serving thread with the given seccomp flags
// (SECCOMP_FILTER_FLAG_TSYNC: to all its threads), and returns what the
// kernel answered to each.
func (c *Child) Attach(lengths []int, flags uintptr) ([]Attach, error) {
	resp, err := c.do(&request{Op: opAttach, Lengths: lengths, Flags: flags})
	if resp == nil {
		return nil, err
	}
	return resp.Attached, err
}

// AttachPrograms is Attach with the programs given: they must be valid
// and harmless, since the helper makes its own system calls under them.
func (c *Child) AttachPrograms(progs [][]bpf.RawInstruction, flags uintptr) ([]Attach, error) {
	resp, err := c.do(&request{Op: opAttach, Progs: progs, Flags: flags})
	if resp == nil {
		return nil, err
	}
	return resp.Attached, err
}

// Fill uses up the helper's filter budget (see Loader) and returns the
// attempts it made, the failed ones included (also with an error, whose
// cause the last attempt shows).
func (c *Child) Fill() ([]Attach, error) {
	resp, err := c.do(&request{Op: opFill})
	if resp == nil {
		return nil, err
	}
	return resp.Attached, err
}

// Load asks the kernel of a filled helper (see Fill) to load each program
// and returns the errnos: ENOMEM when the kernel accepted the program (and
// then found no room for it), EINVAL when it refused it, anything else
// when something unexpected happened.
func (c *Child) Load(progs [][]bpf.RawInstruction, parallel int) ([]unix.Errno, error) {
	resp, err := c.do(&request{Op: opLoad, Progs: progs, Parallel: parallel})
	if err != nil {
		return nil, err
	}
	return resp.Errnos, nil
}

// Run runs the jobs, up to parallel at a time, each on fresh threads.
func (c *Child) Run(jobs []Job, parallel int) ([]JobResult, error) {
	resp, err := c.do(&request{Op: opRun, Jobs: jobs, Parallel: parallel})
	if err != nil {
		return nil, err
	}
	return resp.Results, nil
}
