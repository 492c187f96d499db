package profile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The JSON reader. A profile means what Go's encoding/json, which runc,
// Docker and Podman read profiles with, makes of the document:
//
//   - keys match field names exactly, else without regard to case;
//   - a field given twice (or in two spellings that differ only in case)
//     takes the last value, and a later object is merged into the earlier
//     one (its fields override); a reviewer who reads the first is misled,
//     so each such field gets a warning;
//   - a field of neither format is ignored, with a warning.
//
// walk decodes the document member by member, in order, so that errors
// and warnings name the field (and, for duplicate keys, the lines), and
// so that every problem is reported at once. When it finds none, parse
// takes the values encoding/json itself decodes: they are the same but
// where a field is given twice (merged objects), and encoding/json refuses
// a profile whose earlier duplicate values are wrong, which walk does not
// look at.

// member is one member of a JSON object.
type member struct {
	key string
	val json.RawMessage
	off int // offset of the value in the whole document
}

// The reader scans documents that json.Valid accepted: their values are
// delimited by a simple scan, without a json.Decoder per object, and the
// slices it returns are parts of the document, not copies (a profile may
// have a million entries).

// skipSpace returns the index of the first byte of b at or after i that is
// not JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the end of the JSON string that starts at b[i].
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

// valueEnd returns the end of the JSON value that starts at b[i].
func valueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = stringEnd(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
		j++
	}
	return j
}

// jsonString returns the string the JSON string raw holds.
func jsonString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	if bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
		return string(body), true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// internKey returns the key the JSON string raw holds, without a copy for
// the field names of profiles.
func internKey(raw []byte) (string, bool) {
	if len(raw) >= 2 {
		switch string(raw[1 : len(raw)-1]) { // no allocation
		case "names":
			return "names", true
		case "action":
			return "action", true
		case "args":
			return "args", true
		case "index":
			return "index", true
		case "value":
			return "value", true
		case "valueTwo":
			return "valueTwo", true
		case "op":
			return "op", true
		case "errnoRet":
			return "errnoRet", true
		case "comment":
			return "comment", true
		case "includes":
			return "includes", true
		case "excludes":
			return "excludes", true
		}
	}
	return jsonString(raw)
}

// members splits a JSON object (raw, valid JSON, found at offset base of
// the document) into its members, in order. ok is false when raw is not
// an object.
func members(raw json.RawMessage, base int) (ms []member, ok bool) {
	i := skipSpace(raw, 0)
	if i == len(raw) || raw[i] != '{' {
		return nil, false
	}
	i = skipSpace(raw, i+1)
	ms = make([]member, 0, 4)
	for i < len(raw) && raw[i] != '}' {
		kEnd := stringEnd(raw, i)
		key, ok := internKey(raw[i:kEnd])
		if !ok {
			return nil, false // not reached for valid JSON
		}
		i = skipSpace(raw, kEnd)
		if i == len(raw) || raw[i] != ':' {
			return nil, false
		}
		i = skipSpace(raw, i+1)
		end := valueEnd(raw, i)
		ms = append(ms, member{key: key, val: raw[i:end:end], off: base + i})
		i = skipSpace(raw, end)
		if i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	return ms, true
}

// elements splits a JSON array (raw, valid JSON at offset base) into its
// elements and their offsets. ok is false when raw is not an array; null
// is an empty array.
func elements(raw json.RawMessage, base int) (vals []json.RawMessage, offs []int, ok bool) {
	if string(raw) == "null" {
		return nil, nil, true
	}
	i := skipSpace(raw, 0)
	if i == len(raw) || raw[i] != '[' {
		return nil, nil, false
	}
	i = skipSpace(raw, i+1)
	for i < len(raw) && raw[i] != ']' {
		end := valueEnd(raw, i)
		vals = append(vals, raw[i:end:end])
		offs = append(offs, base+i)
		i = skipSpace(raw, end)
		if i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	return vals, offs, true
}

// decoder decodes a profile's objects field by field, collecting errors
// and warnings.
type decoder struct {
	data  []byte // the whole document, for line numbers
	nl    []int  // offsets of its newlines, computed on first use
	errs  []error
	warns []Warning
}

func (d *decoder) errorf(entry int, field, sys, format string, a ...any) {
	d.errs = append(d.errs, &Error{Entry: entry, Field: field, Syscall: sys, Reason: fmt.Sprintf(format, a...)})
}

// line returns the line number (from 1) of offset off of the document.
func (d *decoder) line(off int) int {
	if d.nl == nil {
		d.nl = []int{}
		for i, c := range d.data {
			if c == '\n' {
				d.nl = append(d.nl, i)
			}
		}
	}
	return sort.SearchInts(d.nl, off) + 1
}

// object decodes the JSON object raw (at offset base) into its fields
// among known, as encoding/json matches them: exactly, else without regard
// to case, the last of several members for one field winning. It warns
// about unknown keys and about fields given more than once, and returns
// nil (after an error) when raw is not an object; null is an empty object.
func (d *decoder) object(raw json.RawMessage, base, entry int, where string, known []string) *fields {
	out := &fields{known: known}
	if string(raw) == "null" {
		return out
	}
	ms, ok := members(raw, base)
	if !ok {
		d.errorf(entry, where, "", "%s", notA("an object", raw))
		return nil
	}
	out.ms = ms
	var count [maxFields]int
	for i, m := range ms {
		k := fieldIndex(m.key, known)
		if k < 0 {
			d.warns = append(d.warns, Warning{Kind: WarnUnknownField, Entry: entry, Field: join(where, m.key),
				Reason: fmt.Sprintf("unknown field %s ignored", quote(m.key))})
			continue
		}
		out.at[k] = int32(i) + 1
		count[k]++
	}
	for k, name := range known {
		if count[k] < 2 {
			continue
		}
		var spell, lines []string
		for _, m := range ms {
			if fieldIndex(m.key, known) != k {
				continue
			}
			lines = append(lines, strconv.Itoa(d.line(m.off)))
			if !slices.Contains(spell, quote(m.key)) {
				spell = append(spell, quote(m.key))
			}
		}
		what := fmt.Sprintf("given %d times", count[k])
		if len(spell) > 1 {
			what += " (as " + strings.Join(spell, ", ") + ": keys match without regard to case)"
		}
		d.warns = append(d.warns, Warning{Kind: WarnDuplicateField, Entry: entry, Field: join(where, name),
			Reason: fmt.Sprintf("%s, on lines %s: the last one counts (merged into the others, for an object), as Go's encoding/json reads it, and so runc, Docker and Podman; a reader of the file may take the first", what, strings.Join(lines, ", "))})
	}
	return out
}

// maxFields is the most fields an object of a profile has.
const maxFields = 12

// fields are the members of an object, by field: the last member for each
// of known.
type fields struct {
	known []string
	ms    []member
	at    [maxFields]int32 // the index in ms of each field's member, plus 1 (0: none)
}

// get returns the member of field name, the last one given.
func (f *fields) get(name string) (member, bool) {
	for k, n := range f.known {
		if n == name && f.at[k] > 0 {
			return f.ms[f.at[k]-1], true
		}
	}
	return member{}, false
}

// fieldIndex returns the index in known of the field that key names, or
// -1.
func fieldIndex(key string, known []string) int {
	for k, kn := range known {
		if key == kn {
			return k
		}
	}
	for k, kn := range known {
		if strings.EqualFold(key, kn) {
			return k
		}
	}
	return -1
}

// fieldName returns the field of known that key names, or "".
func fieldName(key string, known []string) string {
	for _, kn := range known {
		if key == kn {
			return kn
		}
	}
	for _, kn := range known {
		if strings.EqualFold(key, kn) {
			return kn
		}
	}
	return ""
}

// field decodes field name of m into dst, if present.
func (d *decoder) field(m *fields, name string, dst any, entry int, where, sys string) bool {
	mb, ok := m.get(name)
	if !ok {
		return false
	}
	if decodeFast(mb.val, dst) {
		return true
	}
	if err := json.Unmarshal(mb.val, dst); err != nil {
		d.errorf(entry, join(where, name), sys, "%s", jsonReason(err, mb.val))
		return false
	}
	return true
}

// array splits field name of m, an array, into its elements.
func (d *decoder) array(m *fields, name string, entry int, where, sys string) ([]json.RawMessage, []int) {
	mb, ok := m.get(name)
	if !ok {
		return nil, nil
	}
	vals, offs, ok := elements(mb.val, mb.off)
	if !ok {
		d.errorf(entry, join(where, name), sys, "%s", notA("an array", mb.val))
	}
	return vals, offs
}

func join(where, field string) string {
	if where == "" {
		return field
	}
	return where + "." + field
}

// notA says that raw, valid JSON, is not what was wanted.
func notA(want string, raw []byte) string {
	return fmt.Sprintf("got %s %s, want %s", jsonKind(raw), shorten(raw), want)
}

// jsonKind names the kind of the JSON value raw.
func jsonKind(raw []byte) string {
	t := bytes.TrimLeft(raw, " \t\r\n")
	if len(t) == 0 {
		return "nothing"
	}
	switch t[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

// jsonReason describes a decoding error without Go type names where it can.
func jsonReason(err error, raw []byte) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := lineCol(raw, se.Offset)
		return fmt.Sprintf("malformed JSON at line %d, column %d: %v", line, col, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := te.Type.String()
		switch te.Type.Kind().String() {
		case "uint", "uint64", "uint32", "uint8":
			want = "an unsigned integer"
		case "string":
			want = "a string"
		case "slice":
			want = "an array"
		case "struct", "map":
			want = "an object"
		}
		if strings.HasPrefix(te.Value, "number ") {
			return fmt.Sprintf("got %s, want %s", shortenString(te.Value, maxQuoted), want)
		}
		return fmt.Sprintf("got %s %s, want %s", te.Value, shorten(raw), want)
	}
	return shortenString(err.Error(), 2*maxQuoted)
}

// maxQuoted is the most bytes of a value from the profile that a message
// repeats: a 10 MB token is not echoed whole.
const maxQuoted = 64

// shorten prints raw JSON for a message, cut to maxQuoted bytes.
func shorten(raw []byte) string {
	return shortenString(strings.TrimSpace(string(raw)), maxQuoted)
}

// shortenString cuts s to about n bytes (on a rune boundary), saying how
// long it was.
func shortenString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d bytes)", s[:cut], len(s))
}

// quote quotes a string from the profile for a message, as %q does, cut
// to maxQuoted bytes.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	cut := maxQuoted - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d bytes)", strconv.Quote(s[:cut]), len(s))
}

func lineCol(b []byte, off int64) (int, int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	line, col := 1, 1
	for _, c := range b[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

var (
	headerFields  = []string{"defaultAction", "defaultErrnoRet", "architectures", "flags", "listenerPath", "listenerMetadata", "syscalls"}
	dockerFields  = []string{"archMap", "defaultErrno"}
	entryFields   = []string{"names", "action", "errnoRet", "args"}
	dockerEntry   = []string{"name", "comment", "includes", "excludes", "errno"}
	argFields     = []string{"index", "value", "valueTwo", "op"}
	archMapField  = []string{"architecture", "subArchitectures"}
	selFields     = []string{"caps", "arches", "minKernel"}
	configFields  = []string{"ociVersion", "linux"}
	configLinux   = []string{"seccomp"}
	firecrackerKV = []string{"default_action", "filter_action", "filter"}
)

// parse decodes a profile, in Docker's format when docker is true (OCI's
// is a subset), else in OCI's. p is nil when data is not a profile at all
// (malformed JSON, not an object, another format); otherwise it holds what
// could be decoded, and errs what could not, every error at once.
func parse(data []byte, docker bool) (p *Docker, warns []Warning, errs []error) {
	p, warns, errs = walk(data, docker)
	if p == nil || len(errs) > 0 {
		return p, warns, errs
	}
	if !slices.ContainsFunc(warns, func(w Warning) bool { return w.Kind == WarnDuplicateField }) {
		// Without a field given twice, walk reads what encoding/json
		// reads (FuzzParseAsEncodingJSON checks it).
		return p, warns, nil
	}
	q, err := decodeGo(data, p.where, docker)
	if err != nil {
		return p, warns, []error{&Error{Entry: -1, Field: p.where,
			Reason: "a field given more than once has a wrong earlier value: " + jsonReason(err, data) + " (Go's encoding/json refuses the profile, and so runc does)"}}
	}
	q.where = p.where
	return q, warns, nil
}

// decodeGo decodes a profile with encoding/json, as runc, Docker and
// Podman do, from the document itself or, where is linux.seccomp, from a
// config.json.
func decodeGo(data []byte, where string, docker bool) (*Docker, error) {
	var d Docker
	var s Seccomp
	var target any = &d
	if !docker {
		target = &s
	}
	if where != "" {
		target = &struct {
			Linux *struct {
				Seccomp any `json:"seccomp"`
			} `json:"linux"`
		}{Linux: &struct {
			Seccomp any `json:"seccomp"`
		}{Seccomp: target}}
	}
	if err := json.Unmarshal(data, target); err != nil {
		return nil, err
	}
	if !docker {
		d = Docker{DefaultAction: s.DefaultAction, DefaultErrnoRet: s.DefaultErrnoRet, Architectures: s.Architectures, Flags: s.Flags,
			ListenerPath: s.ListenerPath, ListenerMetadata: s.ListenerMetadata}
		for _, e := range s.Syscalls {
			d.Syscalls = append(d.Syscalls, DockerSyscall{Names: e.Names, Action: e.Action, ErrnoRet: e.ErrnoRet, Args: e.Args})
		}
	}
	return &d, nil
}

// walk decodes a profile member by member (see parse), checking every
// member, those of duplicate fields included.
func walk(data []byte, docker bool) (p *Docker, warns []Warning, errs []error) {
	dec := &decoder{data: data}
	// A syntax error anywhere is reported once, with its position in the
	// whole document.
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		if err == nil {
			err = errors.New("invalid JSON")
		}
		return nil, nil, []error{&Error{Entry: -1, Reason: jsonReason(err, data)}}
	}
	top, ok := members(data, 0)
	if !ok {
		what := article(jsonKind(data)) + " " + shorten(data)
		if jsonKind(data) == "null" {
			what = "null"
		}
		return nil, nil, []error{&Error{Entry: -1, Reason: fmt.Sprintf("a profile is a JSON object ({\"defaultAction\": ..., \"syscalls\": [...]}), not %s", what)}}
	}
	raw, base, where, err := dec.profileObject(data, top)
	if err != nil {
		return nil, nil, []error{err}
	}
	known := headerFields
	if docker {
		known = append(slices.Clone(headerFields), dockerFields...)
	}
	m := dec.object(raw, base, -1, where, known)
	if m == nil {
		return nil, dec.warns, dec.errs
	}
	p = &Docker{where: where}
	dec.field(m, "defaultAction", &p.DefaultAction, -1, where, "")
	dec.field(m, "defaultErrnoRet", &p.DefaultErrnoRet, -1, where, "")
	dec.field(m, "architectures", &p.Architectures, -1, where, "")
	dec.field(m, "flags", &p.Flags, -1, where, "")
	dec.field(m, "listenerPath", &p.ListenerPath, -1, where, "")
	dec.field(m, "listenerMetadata", &p.ListenerMetadata, -1, where, "")
	if docker {
		dec.field(m, "defaultErrno", &p.DefaultErrno, -1, where, "")
		maps, offs := dec.array(m, "archMap", -1, where, "")
		for i, raw := range maps {
			w := fmt.Sprintf("%s[%d]", join(where, "archMap"), i)
			am := dec.object(raw, offs[i], -1, w, archMapField)
			if am == nil {
				// An error; an empty element keeps the indexes of the
				// next ones, which Load's check names.
				p.ArchMap = append(p.ArchMap, ArchMap{})
				continue
			}
			var a ArchMap
			dec.field(am, "architecture", &a.Arch, -1, w, "")
			dec.field(am, "subArchitectures", &a.SubArches, -1, w, "")
			p.ArchMap = append(p.ArchMap, a)
		}
	}
	entries, offs := dec.array(m, "syscalls", -1, where, "")
	syscallsAt := join(where, "syscalls")
	fields := entryFields
	if docker {
		fields = append(slices.Clone(entryFields), dockerEntry...)
	}
	p.Syscalls = make([]DockerSyscall, 0, len(entries))
	for i, raw := range entries {
		w := syscallsAt + "[" + strconv.Itoa(i) + "]"
		var e DockerSyscall
		if string(raw) == "null" {
			dec.errorf(i, w, "", "null is not an entry")
			p.Syscalls = append(p.Syscalls, e)
			continue
		}
		em := dec.object(raw, offs[i], i, w, fields)
		if em != nil {
			dec.field(em, "names", &e.Names, i, w, "")
			sys := ""
			if len(e.Names) > 0 {
				sys = e.Names[0]
			}
			if docker {
				if dec.field(em, "name", &e.Name, i, w, "") && sys == "" {
					sys = e.Name
				}
				dec.field(em, "comment", &e.Comment, i, w, sys)
				e.Includes = dec.selector(em, "includes", i, w, sys)
				e.Excludes = dec.selector(em, "excludes", i, w, sys)
				dec.field(em, "errno", &e.Errno, i, w, sys)
			}
			dec.field(em, "action", &e.Action, i, w, sys)
			dec.field(em, "errnoRet", &e.ErrnoRet, i, w, sys)
			args, aoffs := dec.array(em, "args", i, w, sys)
			for j, raw := range args {
				aw := w + ".args[" + strconv.Itoa(j) + "]"
				if string(raw) == "null" {
					dec.errorf(i, aw, sys, "null is not a condition")
					e.Args = append(e.Args, Arg{}) // keeps the indexes of the next ones, for Load's check
					continue
				}
				am := dec.object(raw, aoffs[j], i, aw, argFields)
				if am == nil {
					e.Args = append(e.Args, Arg{}) // as for null
					continue
				}
				var a Arg
				dec.field(am, "index", &a.Index, i, aw, sys)
				dec.field(am, "value", &a.Value, i, aw, sys)
				dec.field(am, "valueTwo", &a.ValueTwo, i, aw, sys)
				dec.field(am, "op", &a.Op, i, aw, sys)
				e.Args = append(e.Args, a)
			}
		}
		p.Syscalls = append(p.Syscalls, e)
	}
	return p, dec.warns, dec.errs
}

func article(kind string) string {
	switch kind {
	case "array", "object":
		return "an " + kind
	case "null", "nothing":
		return kind
	}
	return "a " + kind
}

// profileObject returns the profile object of a document whose top-level
// members are top: the document itself, or the linux.seccomp object of a
// whole OCI runtime config (config.json), with its offset and JSON path.
// It refuses other formats with an error that says what they look like.
func (d *decoder) profileObject(data []byte, top []member) (raw json.RawMessage, base int, where string, err error) {
	var keys []string
	isProfile := false
	for _, m := range top {
		keys = append(keys, m.key)
		if fieldName(m.key, headerFields) != "" || fieldName(m.key, dockerFields) != "" {
			isProfile = true
		}
	}
	if !isProfile && len(top) > 0 {
		byKey := map[string]member{}
		count := map[string]int{}
		for _, m := range top {
			if name := fieldName(m.key, configFields); name != "" {
				byKey[name] = m
				count[name]++
			}
		}
		if count["ociVersion"] > 0 || count["linux"] > 0 {
			if count["linux"] > 1 {
				d.duplicate("linux")
			}
			return d.configProfile(byKey)
		}
		if what := otherFormat(top); what != "" {
			return nil, 0, "", &Error{Entry: -1, Reason: what}
		}
		return nil, 0, "", &Error{Entry: -1, Reason: fmt.Sprintf("not a seccomp profile: none of its fields (%s) is a field of an OCI or Docker profile (defaultAction, syscalls, architectures, ...)",
			listKeys(keys))}
	}
	return data, 0, "", nil
}

// configProfile returns the linux.seccomp object of an OCI runtime
// config, given its top-level fields by name.
func (d *decoder) configProfile(byKey map[string]member) (json.RawMessage, int, string, error) {
	noFilter := "a container started with it has no seccomp filter: there is no profile to read"
	linux, ok := byKey["linux"]
	if !ok || string(linux.val) == "null" {
		return nil, 0, "", &Error{Entry: -1, Field: "linux", Reason: "an OCI runtime config (config.json) without linux: " + noFilter}
	}
	lm, ok := members(linux.val, linux.off)
	if !ok {
		return nil, 0, "", &Error{Entry: -1, Field: "linux", Reason: "an OCI runtime config (config.json) whose linux is not an object: " + notA("an object", linux.val)}
	}
	var sec *member
	n := 0
	for i := range lm {
		if fieldName(lm[i].key, configLinux) != "" {
			sec = &lm[i] // the last one counts, as in encoding/json
			n++
		}
	}
	if n > 1 {
		d.duplicate("linux.seccomp")
	}
	if sec == nil || string(sec.val) == "null" {
		return nil, 0, "", &Error{Entry: -1, Field: "linux.seccomp", Reason: "an OCI runtime config (config.json) without linux.seccomp: " + noFilter}
	}
	if _, ok := members(sec.val, sec.off); !ok {
		return nil, 0, "", &Error{Entry: -1, Field: "linux.seccomp", Reason: notA("an object", sec.val)}
	}
	return sec.val, sec.off, "linux.seccomp", nil
}

// duplicate warns about a field of a config.json around the profile that
// is given more than once: encoding/json merges the objects, and the
// profile read is their merge.
func (d *decoder) duplicate(field string) {
	d.warns = append(d.warns, Warning{Kind: WarnDuplicateField, Entry: -1, Field: field,
		Reason: "given more than once: the objects are merged, the fields of the last one counting, as Go's encoding/json reads them, and so runc; a reader of the file may take the first"})
}

// otherFormat returns what a document that is not a profile looks like,
// or "".
func otherFormat(top []member) string {
	keys := map[string]member{}
	for _, m := range top {
		keys[m.key] = m
	}
	if kind, ok := keys["kind"]; ok {
		if _, ok := keys["apiVersion"]; ok {
			var k string
			_ = json.Unmarshal(kind.val, &k)
			if k == "SeccompProfile" {
				return "a Kubernetes SeccompProfile (security-profiles-operator), not an OCI or Docker profile: its spec holds the profile (jq .spec)"
			}
			return fmt.Sprintf("a Kubernetes object (kind %s), not an OCI or Docker seccomp profile", quote(k))
		}
	}
	// Firecracker's seccompiler: {"vmm": {"default_action": ...,
	// "filter_action": ..., "filter": [...]}, "api": ..., "vcpu": ...}.
	for _, m := range top {
		ms, ok := members(m.val, 0)
		if !ok {
			continue
		}
		for _, f := range ms {
			if slices.Contains(firecrackerKV, f.key) {
				return "a Firecracker seccompiler filter (thread categories with default_action, filter_action and filter), not an OCI or Docker seccomp profile"
			}
		}
	}
	return ""
}

// listKeys lists keys for a message, at most five, each cut short.
func listKeys(keys []string) string {
	var q []string
	for i, k := range keys {
		if i == 5 {
			q = append(q, fmt.Sprintf("and %d more", len(keys)-5))
			break
		}
		q = append(q, quote(k))
	}
	return strings.Join(q, ", ")
}

func (d *decoder) selector(m *fields, name string, entry int, where, sys string) *Selector {
	mb, ok := m.get(name)
	if !ok || string(mb.val) == "null" {
		return nil
	}
	w := join(where, name)
	sm := d.object(mb.val, mb.off, entry, w, selFields)
	if sm == nil {
		return nil
	}
	s := &Selector{}
	d.field(sm, "caps", &s.Caps, entry, w, sys)
	d.field(sm, "arches", &s.Arches, entry, w, sys)
	var kv *string
	if d.field(sm, "minKernel", &kv, entry, w, sys) && kv != nil {
		// "" is the version 0.0, as for moby (every kernel is at least
		// that); null is none.
		var v KernelVersion
		var err error
		if *kv != "" {
			v, err = ParseKernelVersion(*kv)
		}
		if err != nil {
			d.errorf(entry, join(w, "minKernel"), sys, "%v", err)
		} else {
			s.MinKernel = &v
		}
	}
	return s
}

// decodeFast decodes the common values of a profile (strings without
// escapes, unsigned integers in plain digits, arrays of such strings) into
// dst as json.Unmarshal would, and reports false for anything else, which
// json.Unmarshal then decodes (and words the errors of).
func decodeFast(raw []byte, dst any) bool {
	str := func() (string, bool) {
		if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
			return "", false
		}
		body := raw[1 : len(raw)-1]
		if bytes.IndexByte(body, '\\') >= 0 || !utf8.Valid(body) {
			return "", false
		}
		return string(body), true
	}
	num := func() (uint64, bool) {
		if len(raw) == 0 || len(raw) > 1 && raw[0] == '0' {
			return 0, false
		}
		for _, c := range raw {
			if c < '0' || c > '9' {
				return 0, false
			}
		}
		v, err := strconv.ParseUint(string(raw), 10, 64)
		return v, err == nil
	}
	strs := func(set func(n int, i int, s string)) bool {
		if string(raw) == "null" {
			set(-1, 0, "")
			return true
		}
		out, ok := stringArray(raw)
		if !ok {
			return false
		}
		set(len(out), 0, "")
		for i, s := range out {
			set(-2, i, s)
		}
		return true
	}
	switch p := dst.(type) {
	case *[]string:
		if string(raw) == "null" {
			*p = nil
			return true
		}
		out, ok := stringArray(raw)
		if ok {
			*p = out
		}
		return ok
	case *string:
		s, ok := str()
		*p = s
		return ok
	case *Action:
		s, ok := str()
		*p = Action(s)
		return ok
	case *Operator:
		s, ok := str()
		*p = Operator(s)
		return ok
	case *uint:
		v, ok := num()
		if ok && uint64(uint(v)) == v {
			*p = uint(v)
			return true
		}
	case *uint64:
		v, ok := num()
		if ok {
			*p = v
			return true
		}
	case **uint:
		if string(raw) == "null" {
			*p = nil
			return true
		}
		v, ok := num()
		if ok && uint64(uint(v)) == v {
			u := uint(v)
			*p = &u
			return true
		}
	case *[]Arch:
		return strs(func(n, i int, s string) {
			switch {
			case n == -1:
				*p = nil
			case n >= 0:
				*p = make([]Arch, n)
			default:
				(*p)[i] = Arch(s)
			}
		})
	case *[]Flag:
		return strs(func(n, i int, s string) {
			switch {
			case n == -1:
				*p = nil
			case n >= 0:
				*p = make([]Flag, n)
			default:
				(*p)[i] = Flag(s)
			}
		})
	}
	return false
}

// stringArray decodes a JSON array of strings (valid JSON), and reports
// false if raw is anything else.
func stringArray(raw []byte) ([]string, bool) {
	i := skipSpace(raw, 0)
	if i == len(raw) || raw[i] != '[' {
		return nil, false
	}
	out := []string{}
	i = skipSpace(raw, i+1)
	for i < len(raw) && raw[i] != ']' {
		if raw[i] != '"' {
			return nil, false
		}
		end := stringEnd(raw, i)
		str, ok := jsonString(raw[i:end])
		if !ok {
			return nil, false
		}
		out = append(out, str)
		i = skipSpace(raw, end)
		if i < len(raw) && raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
	}
	return out, true
}
