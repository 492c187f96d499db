//go:build !unix

package main

import "os"

var forwardedSignals = []os.Signal{os.Interrupt}

// forward passes nothing on: record runs nothing here.
func forward(p *os.Process, sigs <-chan os.Signal, stop <-chan struct{}) { <-stop }
