// Package steptest runs a long scenario test as named steps: the test reads as its list of steps, and
// no function grows with the scenario. It imports only testing, so every package's tests may use it.
package steptest

import "testing"

// Step is one named step of a long scenario test. Its body is a function of its own, not a closure in
// the test, so the test reads as its list of steps and no function grows with the scenario.
type Step[S any] struct {
	Name string
	Run  func(*testing.T, S)
}

// Run runs the steps in order on the state they share, each as a subtest named after it. A step that
// stops with t.Fatal stops the test, since what the next steps build on is not there; a step that only
// reports with t.Error lets the next ones run, so one run shows every wrong answer.
func Run[S any](t *testing.T, state S, steps []Step[S]) {
	t.Helper()
	for _, st := range steps {
		finished := false
		ok := t.Run(st.Name, func(t *testing.T) {
			st.Run(t, state)
			finished = true
		})
		if !ok && !finished {
			t.FailNow()
		}
	}
}
