package seccomp

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The package documentation states the precedence of actions as a table;
// it must be the order Precedes gives, and name each value as String does.
func TestDocPrecedenceMatchesPrecedes(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(src), "// # Precedence of actions")
	if !ok {
		t.Fatal("doc.go has no section on the precedence of actions")
	}
	section, _, _ = strings.Cut(section, "// # ")
	row := regexp.MustCompile(`(?m)^//\t(0x[0-9a-f]{8})  (\S+)$`)
	var order []Action
	unknown := 0
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		v, err := strconv.ParseUint(m[1], 0, 32)
		if err != nil {
			t.Fatal(err)
		}
		a := Action(v)
		if a.Data() != 0 {
			t.Errorf("%s: a row of the table has data", m[1])
		}
		if m[2] == "(unknown)" {
			unknown++
			if a.Known() {
				t.Errorf("%s is listed as unknown but the kernel knows it (%v)", m[1], a)
			}
		} else if name, _, _ := strings.Cut(a.String(), "("); !a.Known() || name != m[2] {
			t.Errorf("%s is listed as %s but is %s", m[1], m[2], a.RawString())
		}
		order = append(order, a)
	}
	if len(order)-unknown != 8 || unknown == 0 {
		t.Fatalf("the table lists %d known actions and %d unknown values; want all 8 known and some unknown", len(order)-unknown, unknown)
	}
	for i := range order {
		for j := range order {
			if got, want := order[i].Precedes(order[j]), i < j; got != want {
				t.Errorf("doc.go lists %#x %s %#x, but Precedes says %v", uint32(order[i]), map[bool]string{true: "before", false: "after or with"}[i < j], uint32(order[j]), got)
			}
		}
	}
}
