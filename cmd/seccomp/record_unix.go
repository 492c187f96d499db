//go:build unix

package main

import (
	"os"
	"slices"
	"syscall"

	"golang.org/x/sys/unix"
)

// forwardedSignals are the signals record passes on to the command.
var forwardedSignals = []os.Signal{
	syscall.SIGINT, syscall.SIGQUIT, syscall.SIGHUP,
	syscall.SIGTERM, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM, syscall.SIGWINCH,
}

// terminalSignals are the signals a terminal sends to its foreground
// process group, the command included.
var terminalSignals = []os.Signal{syscall.SIGINT, syscall.SIGQUIT, syscall.SIGHUP, syscall.SIGWINCH}

// forward passes the signals from sigs on to p until stop is closed. The
// terminal's signals are passed on only when this process is not in the
// foreground process group of its terminal: otherwise the terminal sent
// them to the command too, which shares the group.
func forward(p *os.Process, sigs <-chan os.Signal, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case s := <-sigs:
			if slices.Contains(terminalSignals, s) && inForeground() {
				continue
			}
			p.Signal(s)
		}
	}
}

// inForeground reports whether this process is in the foreground process
// group of the terminal on its standard input, output or error.
func inForeground() bool {
	for fd := 0; fd <= 2; fd++ {
		pgrp, err := unix.IoctlGetInt(fd, unix.TIOCGPGRP)
		if err == nil {
			return pgrp == unix.Getpgrp()
		}
	}
	return false
}
