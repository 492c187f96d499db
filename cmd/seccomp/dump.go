package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/seccomp-go/seccomp"
	"github.com/seccomp-go/seccomp/analyze"
)

var dumpVerb = &verb{
	name:    "dump",
	summary: "show the filters installed in a running process",
	usage: `usage: seccomp dump [-format text|explain|audit|json] [-o DIR] PID
       seccomp dump [-format text|explain|audit|json] [-o DIR] -all

Read the seccomp filters installed in the running process PID (see
seccomp.Dump) and print them. First a line for the process and a table of
its threads: each thread's seccomp mode (none, strict, filter), how many
filters it has, its no_new_privs bit and its stack, the numbers of its
filters from the oldest (installed first, or inherited) to the newest. Then
each distinct filter, numbered from 0 in the order of their positions in
the stacks, with the threads that have it and its flags (LOG, the only flag
the kernel reports), in the format -format names:

  text     the program, in the text form of seccomp disasm (the default)
  explain  what the filter decides per system call, as seccomp explain
  audit    the filter's weaknesses, as seccomp audit (the exit status
           does not depend on them)
  json     one JSON object (see below)

Threads share a filter when their stacks hold the same programs, with the
same flags, from the oldest up to it: a filter inherited from a parent or
installed with TSYNC is shown once, with all its threads. The kernel gives
filters no identity, so identical filters that threads installed each for
itself are shown once too. Each filter is explained and audited on its own:
the kernel runs all the filters of a thread on each of its calls, and the
strictest decision wins, so a call any of them denies is denied.

-o DIR also writes each distinct filter as a raw program (8-byte struct
sock_filter records in host byte order, as seccomp disasm and the other
verbs read) to DIR/PID-N.bpf, N being the filter's number; the text form
then names the file instead of printing the program. DIR is created if
needed.

-all dumps every process that has a filter (the command itself aside), one
after the other; a process that cannot be read gets a line on standard
error, and the others are still dumped.

Reading filters needs CAP_SYS_ADMIN and a dumping process that is not under
seccomp itself (the kernel's rules), and the permission to trace the
process: run it as root. Each thread is stopped while its filters are read
(PTRACE_SEIZE and PTRACE_INTERRUPT), then released; a process already
traced (by a debugger, strace) cannot be read.

-format json prints, per process, an object ({"processes": [...]} with
-all):

  {"pid": 1234, "comm": "nginx",
   "threads": [{"tid": 1234, "mode": "filter", "filters": 2,
                "no_new_privs": true, "stack": [0, 1]}, ...],
   "filters": [{"id": 0, "position": 0, "threads": [1234, ...],
                "flags": ["LOG"], "instructions": 42, "text": "...",
                "file": "DIR/1234-0.bpf",
                "explain": {EXPLAIN}, "findings": [FINDING...]}, ...]}

with EXPLAIN the object of seccomp explain -json and FINDING those of
seccomp audit -json; "filters" counts the thread's filters as the kernel
reports them (-1 before Linux 5.9); "file" is there with -o.

Flags:
  -format FORMAT  text (the default), explain, audit or json
  -o DIR          also write each filter as a raw program to DIR/PID-N.bpf
  -all            dump every process that has a filter

Exit status: 0 dumped (a process without filters included), 1 a process
could not be read (for -all: any of them), or a file could not be written,
2 usage error.

Examples:
  sudo seccomp dump 1234
  sudo seccomp dump -format audit $(pidof nginx)
  sudo seccomp dump -o filters/ 1234 && seccomp explain filters/1234-0.bpf
  sudo seccomp dump -all -format json | jq '.processes[] | {pid, comm}'
`,
}

func init() { dumpVerb.run = runDump }

func runDump(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	v := dumpVerb
	fs := newFlags(v)
	format := fs.String("format", "text", "")
	dir := fs.String("o", "", "")
	all := fs.Bool("all", false, "")
	if done, code := parse(v, fs, args, stdout, stderr); done {
		return code
	}
	switch *format {
	case "text", "explain", "audit", "json":
	default:
		return usageError(v, stderr, "-format %q: want text, explain, audit or json", *format)
	}
	var pids []int
	switch {
	case *all && fs.NArg() > 0:
		return usageError(v, stderr, "-all takes no PID")
	case *all:
		var err error
		if pids, err = listSeccompProcesses(); err != nil {
			return failure(v, stderr, "listing processes: %v", err)
		}
	case fs.NArg() != 1:
		return usageError(v, stderr, "want one PID (or -all), got %d operands", fs.NArg())
	default:
		pid, err := strconv.Atoi(fs.Arg(0))
		if err != nil || pid <= 0 {
			return usageError(v, stderr, "PID %q: want a process id, a positive decimal number", fs.Arg(0))
		}
		pids = []int{pid}
	}
	if *dir != "" {
		if err := os.MkdirAll(*dir, 0o755); err != nil {
			return failure(v, stderr, "%v", err)
		}
	}

	code := exitOK
	var objs []jsonDump
	first := true
	for _, pid := range pids {
		d, err := seccomp.Dump(pid)
		if err != nil {
			if *all && errors.Is(err, os.ErrProcessDone) {
				continue // ended since it was listed
			}
			msg := strings.TrimPrefix(err.Error(), fmt.Sprintf("seccomp: dump of process %d: ", pid))
			msg = strings.TrimPrefix(msg, "seccomp: ")
			if errors.Is(err, seccomp.ErrDumpPrivilege) {
				// Every other process would fail alike.
				return failure(v, stderr, "%s", msg)
			}
			fmt.Fprintf(stderr, "seccomp dump: process %d: %s\n", pid, msg)
			code = exitFailure
			continue
		}
		if *all && len(d.Filters) == 0 {
			continue
		}
		files, err := writeFilters(*dir, d)
		if err != nil {
			return failure(v, stderr, "%v", err)
		}
		if *format == "json" {
			objs = append(objs, dumpJSON(d, files))
			continue
		}
		text := dumpText(d, files, *format)
		if !first {
			text = "\n" + text
		}
		first = false
		if c := write(v, stdout, stderr, text); c != exitOK {
			return c
		}
	}
	if *format == "json" {
		var x any
		switch {
		case *all:
			if objs == nil {
				objs = []jsonDump{}
			}
			x = struct {
				Processes []jsonDump `json:"processes"`
			}{objs}
		case len(objs) == 1:
			x = objs[0]
		}
		if x != nil {
			if c := writeJSON(v, stdout, stderr, x); c != exitOK {
				return c
			}
		}
	}
	return code
}

// listSeccompProcesses is seccompProcesses, unless a test restricts it.
var listSeccompProcesses = seccompProcesses

// seccompProcesses lists the processes that have a thread in seccomp mode,
// this one and kernel threads aside.
func seccompProcesses() ([]int, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/status", pid))
		for _, st := range tasks {
			b, err := os.ReadFile(st)
			if err != nil {
				continue
			}
			if m := statusField(string(b), "Seccomp"); m != "" && m != "0" {
				pids = append(pids, pid)
				break
			}
		}
	}
	slices.Sort(pids)
	return pids, nil
}

func statusField(status, name string) string {
	for _, line := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// writeFilters writes the filters of d into dir (none if dir is "") and
// returns the file of each filter.
func writeFilters(dir string, d *seccomp.ProcessFilters) ([]string, error) {
	if dir == "" {
		return nil, nil
	}
	var files []string
	for i, f := range d.Filters {
		raw, err := f.Program.MarshalBinary()
		if err != nil {
			return nil, err
		}
		name := filepath.Join(dir, fmt.Sprintf("%d-%d.bpf", d.Pid, i))
		if err := os.WriteFile(name, raw, 0o644); err != nil {
			return nil, err
		}
		files = append(files, name)
	}
	return files, nil
}

func comm(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

var modeNames = map[int]string{0: "none", 1: "strict", 2: "filter"}

func modeName(m int) string {
	if n, ok := modeNames[m]; ok {
		return n
	}
	return strconv.Itoa(m)
}

// filterNumbers maps each filter of d to its number.
func filterNumbers(d *seccomp.ProcessFilters) map[*seccomp.DumpedFilter]int {
	ids := map[*seccomp.DumpedFilter]int{}
	for i, f := range d.Filters {
		ids[f] = i
	}
	return ids
}

// threadsText names the threads that have f.
func threadsText(d *seccomp.ProcessFilters, f *seccomp.DumpedFilter) string {
	if len(f.Threads) == len(d.Threads) && len(d.Threads) > 1 {
		return fmt.Sprintf("all %d threads", len(d.Threads))
	}
	var s []string
	for _, t := range f.Threads {
		s = append(s, strconv.Itoa(t))
	}
	noun := "threads "
	if len(s) == 1 {
		noun = "thread "
	}
	return noun + strings.Join(s, " ")
}

func flagNames(fl seccomp.FilterFlag) []string {
	names := []string{}
	for _, f := range seccomp.AllFilterFlags() {
		if fl&f != 0 {
			names = append(names, f.String())
		}
	}
	return names
}

// dumpText prints d in the text form: the process, its threads, and each
// filter as format says.
func dumpText(d *seccomp.ProcessFilters, files []string, format string) string {
	var b strings.Builder
	name := ""
	if c := comm(d.Pid); c != "" {
		name = " (" + c + ")"
	}
	nt := fmt.Sprintf("%d threads", len(d.Threads))
	if len(d.Threads) == 1 {
		nt = "1 thread"
	}
	switch len(d.Filters) {
	case 0:
		fmt.Fprintf(&b, "process %d%s: %s, no seccomp filter\n", d.Pid, name, nt)
	case 1:
		fmt.Fprintf(&b, "process %d%s: %s, 1 filter\n", d.Pid, name, nt)
	default:
		fmt.Fprintf(&b, "process %d%s: %s, %d distinct filters\n", d.Pid, name, nt, len(d.Filters))
	}
	if !slices.ContainsFunc(d.Threads, func(th seccomp.ThreadFilters) bool { return th.Mode != 0 }) {
		return b.String()
	}
	ids := filterNumbers(d)
	rows := [][]string{{"THREAD", "MODE", "FILTERS", "NO_NEW_PRIVS", "STACK"}}
	for _, th := range d.Threads {
		var stack []string
		for _, f := range th.Stack {
			stack = append(stack, strconv.Itoa(ids[f]))
		}
		nnp := "0"
		if th.NoNewPrivs {
			nnp = "1"
		}
		count := strconv.Itoa(th.Count)
		if th.Count < 0 {
			count = strconv.Itoa(len(th.Stack))
		}
		rows = append(rows, []string{strconv.Itoa(th.Tid), modeName(th.Mode), count, nnp, strings.Join(stack, " ")})
	}
	table(&b, "  ", rows)
	for i, f := range d.Filters {
		b.WriteByte('\n')
		pos := fmt.Sprintf("position %d", f.Position)
		if f.Position == 0 {
			pos += ", the oldest"
		}
		fmt.Fprintf(&b, "filter %d (%s): %s, %d instructions", i, pos, threadsText(d, f), len(f.Program))
		if fl := flagNames(f.Flags); len(fl) > 0 {
			fmt.Fprintf(&b, ", flags %s", strings.Join(fl, ","))
		}
		if files != nil {
			fmt.Fprintf(&b, ", written to %s", files[i])
		}
		b.WriteString("\n")
		switch format {
		case "text":
			if files == nil {
				text := seccomp.Disassemble(f.Program)
				if !strings.HasSuffix(text, "\n") {
					text += "\n"
				}
				b.WriteString(text)
			}
		case "explain":
			r, err := analyze.Analyze(f.Program, nil)
			if err != nil {
				fmt.Fprintf(&b, "cannot explain it: %v\n", err)
				continue
			}
			b.WriteString(explainText(r, nil))
		case "audit":
			findings, err := analyze.Audit(f.Program, nil)
			if err != nil {
				fmt.Fprintf(&b, "cannot audit it: %v\n", err)
				continue
			}
			b.WriteString(auditText(findings))
		}
	}
	return b.String()
}

// The JSON form.

type jsonDumpThread struct {
	Tid        int    `json:"tid"`
	Mode       string `json:"mode"`
	Filters    int    `json:"filters"`
	NoNewPrivs bool   `json:"no_new_privs"`
	Stack      []int  `json:"stack"`
}

type jsonDumpFilter struct {
	ID           int           `json:"id"`
	Position     int           `json:"position"`
	Threads      []int         `json:"threads"`
	Flags        []string      `json:"flags"`
	Instructions int           `json:"instructions"`
	Text         string        `json:"text"`
	File         string        `json:"file,omitempty"`
	Explain      *jsonExplain  `json:"explain"`
	Findings     []jsonFinding `json:"findings"`
	Error        string        `json:"error,omitempty"`
}

type jsonDump struct {
	Pid     int              `json:"pid"`
	Comm    string           `json:"comm"`
	Threads []jsonDumpThread `json:"threads"`
	Filters []jsonDumpFilter `json:"filters"`
}

func dumpJSON(d *seccomp.ProcessFilters, files []string) jsonDump {
	out := jsonDump{Pid: d.Pid, Comm: comm(d.Pid), Threads: []jsonDumpThread{}, Filters: []jsonDumpFilter{}}
	ids := filterNumbers(d)
	for _, th := range d.Threads {
		jt := jsonDumpThread{Tid: th.Tid, Mode: modeName(th.Mode), Filters: th.Count, NoNewPrivs: th.NoNewPrivs, Stack: []int{}}
		for _, f := range th.Stack {
			jt.Stack = append(jt.Stack, ids[f])
		}
		out.Threads = append(out.Threads, jt)
	}
	for i, f := range d.Filters {
		jf := jsonDumpFilter{ID: i, Position: f.Position, Threads: f.Threads, Flags: flagNames(f.Flags),
			Instructions: len(f.Program), Text: seccomp.Disassemble(f.Program), Findings: []jsonFinding{}}
		if files != nil {
			jf.File = files[i]
		}
		var errs []string
		if r, err := analyze.Analyze(f.Program, nil); err != nil {
			errs = append(errs, "explain: "+err.Error())
		} else {
			e := explainJSON(r, nil)
			jf.Explain = &e
		}
		if findings, err := analyze.Audit(f.Program, nil); err != nil {
			errs = append(errs, "audit: "+err.Error())
		} else {
			jf.Findings = findingsJSON(findings)
		}
		jf.Error = strings.Join(errs, "; ")
		out.Filters = append(out.Filters, jf)
	}
	return out
}
