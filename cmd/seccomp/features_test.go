package main

import (
	"encoding/json"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/seccomp-go/seccomp/internal/kernelskip"
)

// checkFeaturesRun checks an in-process run of features: on Linux a report
// and exit 0 (or 1 with a one-line reason when a filter this process
// inherited denies seccomp(2)); elsewhere one error line and exit 1.
func checkFeaturesRun(t *testing.T, args ...string) (stdout string, ok bool) {
	t.Helper()
	out, errs, code := seccompCmd(t, "", append([]string{"features"}, args...)...)
	if runtime.GOOS != "linux" {
		if code != exitFailure || out != "" || !strings.Contains(errs, "only on Linux") {
			t.Errorf("seccomp features %q on %s: exit %d, stdout %q, stderr %q; want exit 1 and an error", args, runtime.GOOS, code, out, errs)
		}
		checkStderr(t, args, errs, "seccomp features: ")
		return "", false
	}
	if code == exitFailure && strings.Contains(errs, "denied") {
		kernelskip.Skipf(t, "seccomp(2) is denied to this process: %s", errs)
	}
	if code != exitOK || errs != "" {
		t.Fatalf("seccomp features %q: exit %d, stderr %q; want 0 and nothing", args, code, errs)
	}
	return out, true
}

func TestFeatures(t *testing.T) {
	out, ok := checkFeaturesRun(t)
	if !ok {
		return
	}
	t.Logf("\n%s", out)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	labels := []string{"kernel", "seccomp(2)", "filter mode", "actions", "flags", "notif sizes", "actions_logged", "this thread"}
	if len(lines) != len(labels) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(labels), out)
	}
	for i, l := range labels {
		if !strings.HasPrefix(lines[i], l+strings.Repeat(" ", 18-len(l))) || len(lines[i]) == 18 {
			t.Errorf("line %d is %q; want %q in an 18-column label, then a value", i+1, lines[i], l)
		}
	}
	if !strings.Contains(out, "\nseccomp(2)        yes\nfilter mode       yes\n") {
		t.Errorf("seccomp(2) and filter mode are not both yes:\n%s", out)
	}
	if b, err := os.ReadFile("/proc/sys/kernel/seccomp/actions_avail"); err == nil {
		want := "\nactions           " + strings.TrimSpace(string(b))
		if !strings.Contains(out, want+"\n") && !strings.Contains(out, want+"  (unavailable: ") {
			t.Errorf("the actions line does not list %q", want)
		}
	}
	if !strings.Contains(out, "\nthis thread       no_new_privs ") {
		t.Errorf("no thread line:\n%s", out)
	}
}

func TestFeaturesJSON(t *testing.T) {
	out, ok := checkFeaturesRun(t, "-json")
	if !ok {
		return
	}
	// The documented shape, decoded strictly.
	var j struct {
		Kernel         string `json:"kernel"`
		SeccompSyscall bool   `json:"seccomp_syscall"`
		FilterMode     bool   `json:"filter_mode"`
		Actions        []struct {
			Name      string `json:"name"`
			Value     uint32 `json:"value"`
			Available bool   `json:"available"`
			Error     string `json:"error"`
		} `json:"actions"`
		Flags []struct {
			Name      string `json:"name"`
			Value     uint   `json:"value"`
			Supported bool   `json:"supported"`
			Error     string `json:"error"`
		} `json:"flags"`
		NotifSizes *struct {
			Notif uint16 `json:"seccomp_notif"`
			Resp  uint16 `json:"seccomp_notif_resp"`
			Data  uint16 `json:"seccomp_data"`
		} `json:"notif_sizes"`
		ActionsLogged []string `json:"actions_logged"`
		NoNewPrivs    bool     `json:"no_new_privs"`
		Mode          int      `json:"seccomp_mode"`
		Filters       int      `json:"seccomp_filters"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		t.Fatalf("-json output does not decode: %v\n%s", err, out)
	}
	if j.Kernel == "" || !j.SeccompSyscall || !j.FilterMode {
		t.Errorf("kernel %q, seccomp_syscall %v, filter_mode %v", j.Kernel, j.SeccompSyscall, j.FilterMode)
	}
	if len(j.Actions) != 8 || j.Actions[0].Name != "kill_process" || j.Actions[0].Value != 0x80000000 || j.Actions[7].Name != "allow" || j.Actions[7].Value != 0x7fff0000 {
		t.Errorf("actions: %+v", j.Actions)
	}
	if len(j.Flags) != 6 || j.Flags[0].Name != "TSYNC" || j.Flags[0].Value != 1 || j.Flags[5].Name != "WAIT_KILLABLE_RECV" || j.Flags[5].Value != 32 {
		t.Errorf("flags: %+v", j.Flags)
	}
	for _, a := range j.Actions {
		if a.Error != "" {
			t.Errorf("action %s: %s", a.Name, a.Error)
		}
	}
	if j.NotifSizes != nil && (j.NotifSizes.Notif < 80 || j.NotifSizes.Resp < 24 || j.NotifSizes.Data < 64) {
		t.Errorf("notif_sizes: %+v", *j.NotifSizes)
	}
	if j.Mode < 0 || j.Mode > 2 {
		t.Errorf("seccomp_mode %d", j.Mode)
	}
	// Keys are lower case, and the optional ones absent when all went well.
	for _, k := range []string{`"error"`, `"seccomp_syscall_error"`, `"filter_mode_error"`, `"notif_sizes_error"`} {
		if strings.Contains(out, k) {
			t.Errorf("%s present though every question was answered", k)
		}
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &keys); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"kernel", "seccomp_syscall", "filter_mode", "actions", "flags", "notif_sizes", "actions_logged", "no_new_privs", "seccomp_mode", "seccomp_filters"} {
		if _, ok := keys[k]; !ok {
			t.Errorf("no key %q", k)
		}
	}
	for k := range keys {
		if k != strings.ToLower(k) {
			t.Errorf("key %q is not lower case", k)
		}
	}
}

func TestFeaturesUsage(t *testing.T) {
	want(t, "", []string{"features", "extra"}, exitUsage, "", "seccomp features: want no operands, got 1")
	want(t, "", []string{"features", "-xml"}, exitUsage, "", "seccomp features: ")
	want(t, "", []string{"features", "-h"}, exitOK, featuresVerb.usage)
	want(t, "", []string{"help", "features"}, exitOK, featuresVerb.usage)
	out, _, code := seccompCmd(t, "", "help")
	if code != exitOK || !strings.Contains(out, "\n  features    report what the running kernel supports\n") {
		t.Errorf("seccomp help does not list features:\n%s", out)
	}
	if !strings.Contains(featuresVerb.usage, "Example") || !strings.Contains(featuresVerb.usage, "\n  seccomp features -json\n") {
		t.Errorf("usage has no examples")
	}
}
