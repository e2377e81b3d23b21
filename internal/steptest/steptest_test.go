package steptest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestStepsFailingScenario is a scenario whose steps fail on purpose; it runs only in the child process that
// TestStepsStopAtAStepThatStops starts, where its failures are what that test reads.
func TestStepsFailingScenario(t *testing.T) {
	if os.Getenv("HROMADA_STEPS_CHILD") == "" {
		t.Skip("run by TestStepsStopAtAStepThatStops")
	}
	var ran []string
	Run(t, &ran, []Step[*[]string]{
		{Name: "passes", Run: func(t *testing.T, ran *[]string) { *ran = append(*ran, "passes") }},
		{Name: "reports", Run: func(t *testing.T, ran *[]string) { *ran = append(*ran, "reports"); t.Error("reported") }},
		{Name: "skips", Run: func(t *testing.T, ran *[]string) { *ran = append(*ran, "skips"); t.Skip("skipped") }},
		{Name: "stops", Run: func(t *testing.T, ran *[]string) { *ran = append(*ran, "stops"); t.Fatal("stopped") }},
		{Name: "after", Run: func(t *testing.T, ran *[]string) { *ran = append(*ran, "after") }},
	})
	t.Logf("ran: %s", strings.Join(ran, " "))
}

// A step that only reports an error, or skips, lets the next steps run; a step that stops with t.Fatal
// stops the test, and the steps after it do not run.
func TestStepsStopAtAStepThatStops(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestStepsFailingScenario$", "-test.v")
	cmd.Env = append(os.Environ(), "HROMADA_STEPS_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the failing scenario passed:\n%s", out)
	}
	for _, want := range []string{"--- PASS: TestStepsFailingScenario/passes", "--- FAIL: TestStepsFailingScenario/reports",
		"--- SKIP: TestStepsFailingScenario/skips", "--- FAIL: TestStepsFailingScenario/stops", "--- FAIL: TestStepsFailingScenario "} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "TestStepsFailingScenario/after") || strings.Contains(string(out), "ran:") {
		t.Errorf("steps ran after a step that stopped:\n%s", out)
	}
}
