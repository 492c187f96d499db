package seccomp_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeGoCompiles: every Go snippet of README.md compiles as pasted
// (in a function, with the package-level names it takes from its context
// declared), so that none declares a variable it does not use or calls an
// API that is not there.
func TestReadmeGoCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 5 {
		t.Fatalf("found %d Go snippets in README.md", len(blocks))
	}
	imports := map[string]string{
		"seccomp.": "github.com/seccomp-go/seccomp", "profile.": "github.com/seccomp-go/seccomp/profile",
		"seccomptest.": "github.com/seccomp-go/seccomp/seccomptest", "bpf.": "golang.org/x/net/bpf",
		"log.": "log", "fmt.": "fmt", "syscall.": "syscall", "os.": "os", "testing.": "testing",
	}
	dir := t.TempDir()
	overlay := map[string]string{}
	var pkgs []string
	for i, b := range blocks {
		code := b[1]
		var top, body []string
		onlyImports := true
		inTop := false
		for _, line := range strings.Split(code, "\n") {
			switch {
			case strings.HasPrefix(line, "import "):
				continue
			case strings.HasPrefix(line, "func "):
				inTop = true
			}
			if strings.TrimSpace(line) != "" {
				onlyImports = false
			}
			if inTop {
				top = append(top, line)
				if line == "}" || strings.HasPrefix(line, "func ") && strings.HasSuffix(line, "}") {
					inTop = false
				}
			} else {
				body = append(body, line)
			}
		}
		if onlyImports {
			continue // the import of the libseccomp section
		}
		var src strings.Builder
		src.WriteString("package snippets\n\nimport (\n")
		all := code + "\nseccomp. testing."
		for sel, path := range imports {
			if regexp.MustCompile(`(^|[^\w.])` + regexp.QuoteMeta(sel)).MatchString(all) {
				fmt.Fprintf(&src, "\t%q\n", path)
			}
		}
		// The names the snippets take from their context.
		src.WriteString(`)

var (
	prog                  seccomp.Program
	data                  []byte
	execve, writeToStdout seccomp.Data
	inputs                []seccomp.Data
	t                     *testing.T
)

func startServer() error { return nil }

`)
		src.WriteString(strings.Join(top, "\n"))
		fmt.Fprintf(&src, "\n\nfunc snippet%d() {\n%s\n}\n", i, strings.Join(body, "\n"))
		file := filepath.Join(dir, fmt.Sprintf("s%d.go", i))
		if err := os.WriteFile(file, []byte(src.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		pkg := fmt.Sprintf("internal/readmesnippets/s%d", i)
		overlay[filepath.Join(root, pkg, "s.go")] = file
		pkgs = append(pkgs, "./"+pkg)
	}
	ov, _ := json.Marshal(map[string]any{"Replace": overlay})
	ovFile := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(ovFile, ov, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(gobin, append([]string{"build", "-overlay", ovFile}, pkgs...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("README.md's Go snippets do not compile: %v\n%s", err, out)
	}
}
