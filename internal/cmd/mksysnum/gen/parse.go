package gen

import (
	"bufio"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var (
	kernelName = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
	abiName    = regexp.MustCompile(`^[a-z0-9_]+$`)
)

// TblRow is one row of a kernel syscall table (*.tbl).
type TblRow struct {
	Line int    // 1-based line number
	Nr   int32  // number as written, without bias
	ABI  string // the ABI column: "common", "64", "x32", "o32", "nospu", ...
	Name string
}

// ParseTbl parses a kernel syscall table: each row is
// "<number> <abi> <name> [<entry point> [<compat entry point> ...]]",
// separated by any mix of tabs and spaces; blank lines and lines starting
// with '#' are skipped. Rows without an entry point, or with sys_ni_syscall
// or "-", are kept: they name unimplemented syscalls, whose numbers still
// reach seccomp.
func ParseTbl(src []byte) ([]TblRow, error) {
	var rows []TblRow
	for i, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			return nil, fmt.Errorf("line %d: want <number> <abi> <name>, got %q", i+1, line)
		}
		nr, err := strconv.ParseUint(f[0], 10, 20)
		if err != nil {
			return nil, fmt.Errorf("line %d: bad number %q", i+1, f[0])
		}
		if !abiName.MatchString(f[1]) {
			return nil, fmt.Errorf("line %d: odd ABI %q", i+1, f[1])
		}
		if !kernelName.MatchString(f[2]) {
			return nil, fmt.Errorf("line %d: odd syscall name %q", i+1, f[2])
		}
		rows = append(rows, TblRow{Line: i + 1, Nr: int32(nr), ABI: f[1], Name: f[2]})
	}
	if len(rows) == 0 {
		return nil, errors.New("no rows")
	}
	return rows, nil
}

// TblEntries returns the rows whose ABI is one of abis, with bias added to
// each number (or-ed, for x32's bit, which no table number reaches).
func TblEntries(rows []TblRow, bias int32, abis ...string) []Entry {
	var es []Entry
	for _, r := range rows {
		if containsString(abis, r.ABI) {
			es = append(es, Entry{Nr: r.Nr + bias, Name: r.Name})
		}
	}
	return es
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// logicalLines returns src's lines with backslash continuations joined.
func logicalLines(src []byte) []string {
	var out []string
	var cur strings.Builder
	sc := bufio.NewScanner(strings.NewReader(string(src)))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasSuffix(line, "\\") {
			cur.WriteString(strings.TrimSuffix(line, "\\"))
			cur.WriteByte(' ')
			continue
		}
		cur.WriteString(line)
		out = append(out, cur.String())
		cur.Reset()
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

var defineRE = regexp.MustCompile(`^\s*#\s*define\s+([A-Za-z_][A-Za-z0-9_]*)\s+(.*?)\s*(?:/\*.*)?$`)

// defines returns the object-like macros of a C header: name -> body, with
// comments and surrounding space removed. A macro defined twice (under
// different #ifs) keeps its first body.
func defines(src []byte) map[string]string {
	m := map[string]string{}
	for _, line := range logicalLines(src) {
		d := defineRE.FindStringSubmatch(line)
		if d == nil || strings.Contains(line, d[1]+"(") {
			continue
		}
		if _, ok := m[d[1]]; !ok {
			m[d[1]] = strings.TrimSpace(d[2])
		}
	}
	return m
}

// evalOr evaluates a macro body made of integer literals and macro names
// joined by '|' or '+', in parentheses or not, looking names up in defs.
func evalOr(body string, defs map[string]string, depth int) (uint32, error) {
	if depth > 8 {
		return 0, fmt.Errorf("%q: macros nest too deep", body)
	}
	body = strings.TrimSpace(body)
	for strings.HasPrefix(body, "(") && strings.HasSuffix(body, ")") {
		body = strings.TrimSpace(body[1 : len(body)-1])
	}
	var v uint32
	for _, or := range strings.Split(body, "|") {
		for _, term := range strings.Split(or, "+") {
			term = strings.TrimSpace(term)
			var x uint32
			if n, err := strconv.ParseUint(term, 0, 32); err == nil {
				x = uint32(n)
			} else if sub, ok := defs[term]; ok {
				y, err := evalOr(sub, defs, depth+1)
				if err != nil {
					return 0, err
				}
				x = y
			} else {
				return 0, fmt.Errorf("%q: unknown term %q", body, term)
			}
			if strings.Contains(or, "+") {
				v += x
			} else {
				v |= x
			}
		}
	}
	return v, nil
}

// AuditArches reads audit.h and elf-em.h and returns every AUDIT_ARCH_*
// value.
func AuditArches(audit, elfEm []byte) (map[string]uint32, error) {
	defs := defines(elfEm)
	for k, v := range defines(audit) {
		defs[k] = v
	}
	out := map[string]uint32{}
	for name, body := range defs {
		if !strings.HasPrefix(name, "AUDIT_ARCH_") {
			continue
		}
		v, err := evalOr(body, defs, 0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = v
	}
	if len(out) < 20 {
		return nil, fmt.Errorf("only %d AUDIT_ARCH_* macros found", len(out))
	}
	return out, nil
}

// SubCall is one call a multiplexer (socketcall, ipc) dispatches to.
type SubCall struct {
	Call int32  // first argument of the multiplexer
	Name string // the syscall's own name
}

// SocketcallCalls reads include/uapi/linux/net.h's SYS_* numbers: the first
// argument of socketcall(2), each named after the call it stands for
// (SYS_SOCKET is socket, SYS_ACCEPT4 is accept4).
func SocketcallCalls(netH []byte) ([]SubCall, error) {
	re := regexp.MustCompile(`^#define\s+SYS_([A-Z0-9]+)\s+(\d+)\b`)
	return subCalls(netH, func(line string) (string, string, bool) {
		m := re.FindStringSubmatch(line)
		if m == nil {
			return "", "", false
		}
		return m[1], m[2], true
	})
}

// IPCCalls reads the SysV IPC call numbers of include/uapi/linux/ipc.h
// (SEMOP 1 ... SHMCTL 24), the low 16 bits of ipc(2)'s first argument.
func IPCCalls(ipcH []byte) ([]SubCall, error) {
	re := regexp.MustCompile(`^#define\s+((?:SEM|MSG|SHM)[A-Z]+)\s+(\d+)\b`)
	return subCalls(ipcH, func(line string) (string, string, bool) {
		m := re.FindStringSubmatch(line)
		if m == nil {
			return "", "", false
		}
		return m[1], m[2], true
	})
}

func subCalls(src []byte, match func(string) (string, string, bool)) ([]SubCall, error) {
	var out []SubCall
	seen := map[int32]bool{}
	for _, line := range logicalLines(src) {
		name, num, ok := match(line)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(num)
		if err != nil || n <= 0 || seen[int32(n)] {
			return nil, fmt.Errorf("%q: bad or repeated number", line)
		}
		seen[int32(n)] = true
		out = append(out, SubCall{Call: int32(n), Name: strings.ToLower(name)})
	}
	if len(out) == 0 {
		return nil, errors.New("no calls found")
	}
	return out, nil
}

// ARMPrivate reads arch/arm/include/uapi/asm/unistd.h: the ARM-private
// calls __ARM_NR_<name> at __ARM_NR_BASE+n, with __ARM_NR_BASE =
// __NR_SYSCALL_BASE+0x0f0000 and __NR_SYSCALL_BASE 0 for EABI, and the
// aliases "#define __NR_<alias> __NR_<name>".
func ARMPrivate(src []byte) (priv []Entry, aliases []Alias, err error) {
	text := string(src)
	if !regexp.MustCompile(`(?m)^#define __NR_SYSCALL_BASE\s+0$`).MatchString(text) {
		return nil, nil, errors.New("no EABI __NR_SYSCALL_BASE 0")
	}
	base := regexp.MustCompile(`(?m)^#define __ARM_NR_BASE\s+\(__NR_SYSCALL_BASE\s*\+\s*(0x[0-9a-fA-F]+)\)`).FindStringSubmatch(text)
	if base == nil {
		return nil, nil, errors.New("no __ARM_NR_BASE")
	}
	b, err := strconv.ParseInt(base[1], 0, 32)
	if err != nil {
		return nil, nil, err
	}
	for _, m := range regexp.MustCompile(`(?m)^#define __ARM_NR_([a-z0-9_]+)\s+\(__ARM_NR_BASE\s*\+\s*(\d+)\)`).FindAllStringSubmatch(text, -1) {
		n, _ := strconv.Atoi(m[2])
		priv = append(priv, Entry{Nr: int32(b) + int32(n), Name: m[1]})
	}
	for _, m := range regexp.MustCompile(`(?m)^#define __NR_([a-z0-9_]+)\s+__NR_([a-z0-9_]+)\s*$`).FindAllStringSubmatch(text, -1) {
		aliases = append(aliases, Alias{Name: m[1], Of: m[2]})
	}
	if len(priv) == 0 {
		return nil, nil, errors.New("no __ARM_NR_* calls")
	}
	return priv, aliases, nil
}

// Alias is a second name for a syscall, from a uapi header.
type Alias struct {
	Name string // e.g. "sync_file_range2"
	Of   string // the table's name, e.g. "arm_sync_file_range"
}

// SyscallABIs reads the "syscall_abis_<bits> += ..." (or ":=") lines of a
// Makefile and returns their words, commas split.
func SyscallABIs(src []byte, bits int) []string {
	re := regexp.MustCompile(fmt.Sprintf(`^syscall_abis_%d\s*(\+|:)?=\s*(.*)$`, bits))
	var out []string
	for _, line := range logicalLines(src) {
		m := re.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		if m[1] == ":" {
			out = nil
		}
		out = append(out, strings.FieldsFunc(m[2], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })...)
	}
	return out
}
